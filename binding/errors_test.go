package binding_test

import (
	"errors"
	"testing"

	"github.com/ndissim/ndissim/binding"
	"github.com/ndissim/ndissim/fsm"
	"github.com/ndissim/ndissim/oid"
)

// A lifecycle move in the wrong state is a *LifecycleError naming the event
// and the state, with Busy set while the protocol owes a completion.
func TestLifecycleRefusalIsTyped(t *testing.T) {
	st, err := oid.NewStack(oid.MAA64, oid.Layer{Name: "nic"})
	if err != nil {
		t.Fatal(err)
	}
	f := &fake{}
	f.OnNetPnPEvent = func(_ *binding.NDIS, ev binding.PnPEvent) binding.Status {
		if ev.Kind == binding.NetEventPause {
			return binding.StatusPending // completed later, by a work item
		}
		return binding.StatusSuccess
	}
	b := binding.New(st, never{})
	b.Reset(f, st, never{})

	var le *binding.LifecycleError
	if err := b.Pause(); !errors.As(err, &le) || *le != (binding.LifecycleError{Event: fsm.Pause, State: fsm.Unbound}) {
		t.Fatalf("pause while Unbound: %v, want a LifecycleError{pause, Unbound}", err)
	}
	if err := b.Bind(); err != nil {
		t.Fatal(err)
	}
	if err := b.Restart(true); err != nil {
		t.Fatal(err)
	}
	if err := b.Pause(); err != nil { // pended by the design
		t.Fatal(err)
	}
	if err := b.Unbind(); !errors.As(err, &le) || *le != (binding.LifecycleError{Event: fsm.Unbind, State: fsm.Pausing, Busy: true}) {
		t.Fatalf("unbind while a pause is pended: %v, want a busy LifecycleError{unbind, Pausing}", err)
	}
}
