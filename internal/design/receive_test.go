package design

import (
	"testing"

	"github.com/ndissim/ndissim/binding"
	"github.com/ndissim/ndissim/fsm"
	"github.com/ndissim/ndissim/oid"
	"github.com/ndissim/ndissim/rule"
)

// plain decides nothing: every open, close, OID request and send takes the
// synchronous path, and every callback runs at PASSIVE_LEVEL.
type plain struct{}

func (plain) Decide(binding.Decision) bool { return false }

// keepingForReads is the configurable protocol with receive.keep:
// hold-for-read and receive.resources as given, bound and Running on a bare
// miniport.
func keepingForReads(t *testing.T, resources ReceiveResources) *binding.Binding {
	t.Helper()
	st, err := oid.NewStack(oid.MAA64, oid.Layer{Name: "nic"})
	if err != nil {
		t.Fatal(err)
	}
	cfg := DefaultConfig()
	cfg.Receive.Keep, cfg.Receive.Resources = ReceiveHoldForRead, resources
	if err := cfg.Validate(); err != nil {
		t.Fatal(err)
	}
	b := binding.New(st, plain{})
	b.Reset(Configurable(cfg)(), st, plain{})
	for _, err := range []error{b.Bind(), b.Restart(true)} {
		if err != nil {
			t.Fatal(err)
		}
	}
	return b
}

// wantHeld checks how many received NBLs NDIS counts the protocol as
// holding, and that nothing broke a rule.
func wantHeld(t *testing.T, b *binding.Binding, step string, n int) {
	t.Helper()
	if got := b.Outstanding().HeldReceives; got != n {
		t.Fatalf("%s: the protocol holds %d received NBL(s), want %d", step, got, n)
	}
	if f := b.Findings(); len(f) > 0 {
		t.Fatalf("%s: %v", step, f)
	}
}

// A receive is held only for a read that waits for it, and returned when
// that read completes, at the next work item.
func TestHoldForReadReturnsWhenTheReadCompletes(t *testing.T) {
	b := keepingForReads(t, ResourcesCopy)
	b.Indicate(1, false)
	wantHeld(t, b, "no read waits: copied and returned", 0)
	b.RunWorkItem() // the read takes the copy
	b.RunWorkItem() // the next read finds nothing and waits
	b.Indicate(2, false)
	wantHeld(t, b, "the waiting read takes the first receive, the second is copied", 1)
	b.RunWorkItem()
	wantHeld(t, b, "the read has completed", 0)
}

// A receive held for a read is returned at the pause, which completes.
func TestHoldForReadReturnsAtPause(t *testing.T) {
	b := keepingForReads(t, ResourcesCopy)
	b.RunWorkItem()
	b.Indicate(1, false)
	wantHeld(t, b, "the waiting read takes the receive", 1)
	if err := b.Pause(); err != nil {
		t.Fatal(err)
	}
	wantHeld(t, b, "after the pause", 0)
	if got := b.State(); got != fsm.Paused {
		t.Fatalf("the binding is %s after the pause, want Paused", got)
	}
}

// An indication with NDIS_RECEIVE_FLAGS_RESOURCES is copied even for a
// waiting read (receive.resources: copy); a protocol that ignores the flag
// holds it for the read, and NDIS reclaims it: ReceiveResourcesHeld.
func TestHoldForReadHonoursResources(t *testing.T) {
	b := keepingForReads(t, ResourcesCopy)
	b.RunWorkItem()
	b.Indicate(1, true)
	wantHeld(t, b, "a RESOURCES indication, copied", 0)
	b.RunWorkItem()

	b = keepingForReads(t, ResourcesIgnore)
	b.RunWorkItem()
	b.Indicate(1, true)
	b.RunWorkItem()
	if f := b.Findings(); len(f) != 1 || f[0].Rule != rule.ReceiveResourcesHeld {
		t.Fatalf("a RESOURCES indication held for a read drew %v, want ReceiveResourcesHeld", f)
	}
}
