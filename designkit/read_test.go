package designkit_test

import (
	"testing"

	"github.com/ndissim/ndissim/binding"
	"github.com/ndissim/ndissim/designkit"
	"github.com/ndissim/ndissim/fsm"
	"github.com/ndissim/ndissim/oid"
	"github.com/ndissim/ndissim/pool"
)

// plain decides nothing: every open, close, OID request and send takes the
// synchronous path, and every callback runs at PASSIVE_LEVEL.
type plain struct{}

func (plain) Decide(binding.Decision) bool { return false }

// readDriver is the skeleton that keeps a receive only for a read waiting
// for it, bound and Running on a bare miniport.
func readDriver(t *testing.T) (*binding.Binding, *designkit.Base) {
	t.Helper()
	st, err := oid.NewStack(oid.MAA64, oid.Layer{Name: "nic"})
	if err != nil {
		t.Fatal(err)
	}
	cfg := designkit.DefaultConfig()
	cfg.HoldForRead, cfg.MaxHeld = true, 1
	cfg.ReceivePool = &pool.NBLPoolParameters{AllocateNetBuffer: true, PoolTag: designkit.DefaultTag}
	p := designkit.New(cfg)
	b := binding.New(st, plain{})
	b.Reset(&p, st, plain{})
	for _, err := range []error{b.Bind(), b.Restart(true)} {
		if err != nil {
			t.Fatal(err)
		}
	}
	return b, &p
}

// kept is what NDIS counts the protocol as holding, and the copies it has.
func kept(b *binding.Binding, p *designkit.Base) (held, copies int) {
	return b.Outstanding().HeldReceives, len(p.Copies)
}

func wantKept(t *testing.T, b *binding.Binding, p *designkit.Base, step string, held, copies int) {
	t.Helper()
	if h, c := kept(b, p); h != held || c != copies {
		t.Fatalf("%s: %d received NBL(s) held, %d copies; want %d and %d", step, h, c, held, copies)
	}
	if f := b.Findings(); len(f) > 0 {
		t.Fatalf("%s: %v", step, f)
	}
}

// With HoldForRead a receive is held only for a read that waits for one,
// and returned when that read completes, at the next work item; a receive
// no read waits for is copied and returned at once.
func TestHoldForReadHoldsOnlyForAWaitingRead(t *testing.T) {
	b, p := readDriver(t)
	b.Indicate(1, false)
	wantKept(t, b, p, "no read waits", 0, 1)
	b.RunWorkItem()
	wantKept(t, b, p, "a read takes the copy", 0, 0)
	if p.ReadPending {
		t.Fatal("a read that found a copy still waits")
	}
	b.RunWorkItem()
	if !p.ReadPending {
		t.Fatal("a read that found nothing does not wait")
	}
	b.Indicate(2, false)
	wantKept(t, b, p, "the waiting read takes the first receive", 1, 1)
	b.RunWorkItem()
	wantKept(t, b, p, "the read completes", 0, 0)
}

// A receive held for a read is returned at the pause, which may not
// complete while the protocol holds one.
func TestHoldForReadReturnsAtPause(t *testing.T) {
	b, p := readDriver(t)
	b.RunWorkItem()
	b.Indicate(1, false)
	wantKept(t, b, p, "the waiting read takes the receive", 1, 0)
	if err := b.Pause(); err != nil {
		t.Fatal(err)
	}
	wantKept(t, b, p, "after the pause", 0, 0)
	if got := b.State(); got != fsm.Paused {
		t.Fatalf("the binding is %s after the pause, want Paused", got)
	}
}

// An indication with NDIS_RECEIVE_FLAGS_RESOURCES is copied even for a
// waiting read, which takes the copy: the miniport takes the NBL back when
// the callback returns.
func TestHoldForReadCopiesResourcesIndications(t *testing.T) {
	b, p := readDriver(t)
	b.RunWorkItem()
	b.Indicate(1, true)
	wantKept(t, b, p, "a RESOURCES indication", 0, 1)
	if p.ReadPending {
		t.Fatal("the waiting read did not take the copy")
	}
}
