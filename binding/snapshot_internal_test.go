package binding

import (
	"reflect"
	"slices"
	"testing"
)

// Snapshot and Restore copy every field of the binding's state by name. A
// field added to Binding fails here until snapshot.go says whether it is
// state (copied) or wiring (kept), and this list says so.
func TestSnapshotKnowsEveryField(t *testing.T) {
	wiring := []string{"proto", "nd", "life", "pools", "stack", "decide", "tracer", "sched", "budget", "indication"}
	state := []string{"calls", "depth", "step", "halted", "reports", "warned", "frame", "waits", "workItems", "receiving",
		"running", "pnpID", "pnpSeq", "opened", "openPending", "bindPending", "pnpPending", "unbindPending",
		"closeCalled", "closePending", "nextOID", "oids", "inFlight", "held", "resourcesIndicated", "recvPool",
		"sends", "completed", "recvs"}
	var got []string
	ty := reflect.TypeOf(Binding{})
	for i := range ty.NumField() {
		got = append(got, ty.Field(i).Name)
	}
	want := append(slices.Clone(wiring), state...)
	slices.Sort(got)
	slices.Sort(want)
	if !slices.Equal(got, want) {
		t.Errorf("Binding's fields\n%q\nwant\n%q", got, want)
	}
}
