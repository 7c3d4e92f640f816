package pool

import (
	"errors"
	"testing"
)

// Audit must see a corrupted tracker; the model's own bugs are what it is for.
func TestAuditCatchesCorruption(t *testing.T) {
	for _, c := range []struct {
		name    string
		corrupt func(tr *Tracker)
		slots   bool
	}{
		{"live and free", func(tr *Tracker) { tr.freeNBL = 0 }, true},
		{"counts", func(tr *Tracker) { tr.pools[0].counter.Live++ }, false},
		{"owner counts", func(tr *Tracker) { tr.live[OwnerProtocol].nbls++ }, false},
	} {
		t.Run(c.name, func(t *testing.T) {
			tr := NewTracker(16)
			p, _ := tr.AllocateNetBufferListPool(OwnerProtocol, NBLPoolParameters{AllocateNetBuffer: true})
			if _, err := tr.AllocateNetBufferList(p, 0, 0); err != nil {
				t.Fatal(err)
			}
			if err := tr.Audit(); err != nil {
				t.Fatalf("a sound tracker fails its audit: %v", err)
			}
			c.corrupt(tr)
			var ae *AuditError
			if err := tr.Audit(); !errors.As(err, &ae) || ae.Slots != c.slots {
				t.Fatalf("Audit() = %v, want an *AuditError with Slots %v", err, c.slots)
			}
		})
	}
}
