package sim

import (
	"reflect"
	"slices"
	"testing"
)

// A Snapshot copies the engine's counters by name. A field added to Engine
// fails here until explore_snapshot.go says whether it is state (copied by
// Stepper.Snapshot) or wiring, and this list says so.
func TestSnapshotKnowsEveryEngineField(t *testing.T) {
	wiring := []string{"d", "stack", "b", "ch", "moves", "tracer", "observe", "broken", "cov", "covDec"}
	state := []string{"tick", "change", "editing", "idle"}
	var got []string
	ty := reflect.TypeOf(Engine{})
	for i := range ty.NumField() {
		got = append(got, ty.Field(i).Name)
	}
	want := append(slices.Clone(wiring), state...)
	slices.Sort(got)
	slices.Sort(want)
	if !slices.Equal(got, want) {
		t.Errorf("Engine's fields\n%q\nwant\n%q", got, want)
	}
}
