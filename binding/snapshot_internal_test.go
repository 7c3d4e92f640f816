package binding

import (
	"reflect"
	"slices"
	"testing"
	"unsafe"
)

// Snapshot copies the embedded state whole and the other fields by name. A
// field added to Binding fails here until snapshot.go says whether it is
// state (copied) or wiring (kept), and this list says so; a field added to
// state is copied with it.
func TestSnapshotKnowsEveryField(t *testing.T) {
	wiring := []string{"proto", "nd", "life", "pools", "stack", "decide", "tracer", "sched", "budget", "indication"}
	state := []string{"calls", "depth", "reports", "warned", "state"}
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

// copyFrom shares no slice with its source: a restored binding appending
// to its sends in flight must not write into the snapshot.
func TestStateCopySharesNoSlice(t *testing.T) {
	v := reflect.TypeOf(state{})
	var src state
	// Every slice field, present and future, gets an element.
	sp := reflect.ValueOf(&src).Elem()
	for i := range v.NumField() {
		if f := v.Field(i); f.Type.Kind() == reflect.Slice {
			reflect.NewAt(f.Type, unsafe.Pointer(sp.Field(i).UnsafeAddr())).Elem().Set(reflect.MakeSlice(f.Type, 1, 4))
		}
	}
	var dst state
	dst.copyFrom(&src)
	sv, dv := reflect.ValueOf(src), reflect.ValueOf(dst)
	for i := range v.NumField() {
		if v.Field(i).Type.Kind() != reflect.Slice {
			continue
		}
		if sv.Field(i).Len() != dv.Field(i).Len() {
			t.Errorf("%s: copied %d elements of %d", v.Field(i).Name, dv.Field(i).Len(), sv.Field(i).Len())
		}
		if sv.Field(i).Len() > 0 && sv.Field(i).Pointer() == dv.Field(i).Pointer() {
			t.Errorf("%s shares its backing array with the source", v.Field(i).Name)
		}
	}
}
