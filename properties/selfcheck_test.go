package properties_test

import (
	"errors"
	"reflect"
	"strings"
	"testing"
	"unsafe"

	"github.com/ndissim/ndissim/binding"
	"github.com/ndissim/ndissim/designkit"
	"github.com/ndissim/ndissim/oid"
	"github.com/ndissim/ndissim/pool"
	"github.com/ndissim/ndissim/properties"
	"github.com/ndissim/ndissim/sim"
)

// The self-checks are shown to fire by corrupting the simulator's own
// bookkeeping on purpose: a correct design never breaks them, so without
// this test nothing would show they can fail.

// field is the unexported field name of the struct *v points to, writable:
// a test-only way in, so that no corrupting hook ships in the API. It fails
// the test when the field is gone, so that a renamed field cannot turn the
// test into one that passes without corrupting anything.
func field(t *testing.T, v any, name string) reflect.Value {
	t.Helper()
	f := reflect.ValueOf(v).Elem().FieldByName(name)
	if !f.IsValid() {
		t.Fatalf("%T has no field %q any more: update the corruption", v, name)
	}
	return writable(f)
}

// writable is v with the read-only mark of an unexported field cleared.
func writable(v reflect.Value) reflect.Value {
	return reflect.NewAt(v.Type(), unsafe.Pointer(v.UnsafeAddr())).Elem()
}

// script is a binding of designkit's protocol on a bare miniport, every
// decision the simplest (a send stays in flight until completed).
func script(t *testing.T, moves ...sim.MoveKind) *sim.Script {
	st, err := oid.NewStack(oid.MAA64, oid.Layer{Name: "nic"})
	if err != nil {
		t.Fatal(err)
	}
	d := sim.Design{Name: "selfcheck", Stack: st, New: designkit.Protocol(designkit.DefaultConfig()), Workload: sim.DefaultWorkload}
	s := sim.NewScript(d, nil, nil)
	for _, k := range moves {
		m := sim.Move{Kind: k, OK: true, N: 64}
		if err := s.Apply(m); err != nil {
			t.Fatal(err)
		}
	}
	if err := properties.CheckInvariants(s.Binding()); err != nil {
		t.Fatalf("before the corruption: %v", err)
	}
	return s
}

func requireSelfCheck(t *testing.T, b *binding.Binding, invariant string) {
	t.Helper()
	err := properties.CheckInvariants(b)
	var ie *properties.InvariantError
	if !errors.As(err, &ie) || !ie.SelfCheck || ie.Invariant != invariant || ie.Rule != properties.SelfCheck {
		t.Fatalf("got %v, want the self-check of %s to fail", err, invariant)
	}
	if !strings.Contains(err.Error(), "simulator self-check "+invariant) || errors.As(err, new(*binding.Finding)) {
		t.Errorf("the failure is not labelled a self-check, or borrows a finding: %v", err)
	}
}

// A tracker that counts an NBL more than it holds breaks conservation.
func TestSelfCheckConservationFires(t *testing.T) {
	s := script(t, sim.MoveBind, sim.MoveRestart, sim.MoveWrite)
	live := field(t, s.Binding().Pools(), "live").Index(int(pool.OwnerProtocol))
	nbls := writable(live.FieldByName("nbls"))
	nbls.SetInt(nbls.Int() + 1)
	requireSelfCheck(t, s.Binding(), "conservation")
}

// A binding that has a send in flight while Paused, without having
// reported it, breaks send-only-while-running.
func TestSelfCheckSendsOnlyWhileRunningFires(t *testing.T) {
	s := script(t, sim.MoveBind, sim.MoveRestart, sim.MoveWrite)
	inFlight := field(t, s.Binding(), "inFlight")
	sent := inFlight.Index(0).Interface().(pool.NBL)
	if err := s.Apply(sim.Move{Kind: sim.MoveCompleteSend, OK: true}); err != nil {
		t.Fatal(err)
	}
	if err := s.Apply(sim.Move{Kind: sim.MovePause}); err != nil {
		t.Fatal(err)
	}
	inFlight.Set(reflect.Append(inFlight, reflect.ValueOf(sent)))
	requireSelfCheck(t, s.Binding(), "send-only-while-running")
}

// A binding that holds a received NBL once Unbound breaks
// unbound-holds-nothing.
func TestSelfCheckUnboundHoldsNothingFires(t *testing.T) {
	s := script(t, sim.MoveBind)
	s.Teardown()
	held := field(t, s.Binding(), "held")
	held.Set(reflect.Append(held, reflect.ValueOf(pool.NBL{})))
	requireSelfCheck(t, s.Binding(), "unbound-holds-nothing")
}
