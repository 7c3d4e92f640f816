package pool

import (
	"reflect"
	"slices"
	"testing"
)

// Snapshot copies every field of the tracker but the fault source and the
// incremental bookkeeping (whose sums it keeps, incremental.go). A field
// added to Tracker fails here until snapshot.go copies it.
func TestSnapshotKnowsEveryField(t *testing.T) {
	want := []string{"maa", "faults", "serial", "slotTables", "freeNBL", "freeNB", "live", "retreatAllocations", "inc"}
	var got []string
	ty := reflect.TypeOf(Tracker{})
	for i := range ty.NumField() {
		got = append(got, ty.Field(i).Name)
	}
	if !slices.Equal(got, want) {
		t.Errorf("Tracker's fields\n%q\nwant\n%q", got, want)
	}
}
