package design

import (
	"reflect"
	"slices"
	"testing"

	"github.com/ndissim/ndissim/binding"
	"github.com/ndissim/ndissim/designkit"
	"github.com/ndissim/ndissim/pool"
)

// references lists the fields reachable in t by value whose kind can share
// memory with a copy (slice, map, pointer, function, interface, channel),
// by path.
func references(t reflect.Type, path string, out []string) []string {
	switch t.Kind() {
	case reflect.Struct:
		for i := range t.NumField() {
			f := t.Field(i)
			out = references(f.Type, path+"."+f.Name, out)
		}
	case reflect.Array:
		out = references(t.Elem(), path+"[]", out)
	case reflect.Slice, reflect.Map, reflect.Pointer, reflect.Func, reflect.Interface, reflect.Chan, reflect.UnsafePointer:
		out = append(out, path)
	}
	return out
}

// The Cloners copy the slices of state and share only configuration and
// what NDIS hands them to read. A field added with a kind that can share
// memory fails here until the Cloner (internal/design/clone.go,
// designkit/clone.go) says how it is copied and this list says so.
func TestClonersKnowEveryReference(t *testing.T) {
	for _, c := range []struct {
		v    any
		want []string
	}{
		{configurable{}, []string{
			".cfg", ".Base.Config.ReceivePool", ".Base.Config.AfterOpen", // configuration; AfterOpen is never set
			".Base.Held", ".Base.Copies", ".inFlight.oids", // copied
			".inFlight.pended.Restart.FilterModuleNames", ".inFlight.pended.Restart.Attributes", // NDIS's, read only
			".Base.PauseEvent.Restart.FilterModuleNames", ".Base.PauseEvent.Restart.Attributes",
		}},
		{ndisprot{}, []string{".queue"}},
		{designkit.Base{}, []string{
			".Config.ReceivePool", ".Config.AfterOpen", // configuration; a Base with AfterOpen is not copied
			".PauseEvent.Restart.FilterModuleNames", ".PauseEvent.Restart.Attributes", // NDIS's, read only
			".Held", ".Copies", // copied
		}},
	} {
		got := references(reflect.TypeOf(c.v), "", nil)
		slices.Sort(got)
		want := slices.Clone(c.want)
		slices.Sort(want)
		if !slices.Equal(got, want) {
			t.Errorf("%T: fields that can share memory\n%q\nwant\n%q", c.v, got, want)
		}
	}
}

// binding.CloneProtocol copies a design that wraps the base and adds
// nothing, never one that adds a field and has no copy of its own, nor one
// whose AfterOpen may be bound to the original.
func TestCloneProtocolNeverCopiesWhatItDoesNotKnow(t *testing.T) {
	base := newBrokenBase(defaultBaseConfig())
	base.Held = make([]pool.NBL, 2)
	type adds struct {
		brokenBase
		n int // a field of its own, which the base's copy would miss
	}
	type wraps struct{ brokenBase }
	type wrapsWrap struct{ wraps }
	if c := binding.CloneProtocol(&adds{brokenBase: base, n: 1}); c != nil {
		t.Errorf("a design that adds a field was copied as %T", c)
	}
	for _, p := range []binding.Protocol{&wraps{base}, &wrapsWrap{wraps{base}}, &pauseEarly{base}} {
		c := binding.CloneProtocol(p)
		if reflect.TypeOf(c) != reflect.TypeOf(p) || !reflect.DeepEqual(c, p) {
			t.Fatalf("%T copied as %#v", p, c)
		}
		held := func(p binding.Protocol) *pool.NBL {
			return &reflect.ValueOf(p).Elem().FieldByName("Held").Interface().([]pool.NBL)[0]
		}
		if held(c) == held(p) {
			t.Errorf("%T: the copy shares Held", p)
		}
	}
	withHook := base
	withHook.Config.AfterOpen = func(*binding.NDIS) {}
	if c := binding.CloneProtocol(&wraps{withHook}); c != nil {
		t.Errorf("a design with AfterOpen set was copied")
	}
	// Nor does a design's own copy (copyKit) take one.
	if c := binding.CloneProtocol(&pauseEarly{withHook}); c != nil {
		t.Errorf("a design with AfterOpen set was copied by its own CloneProtocol")
	}
	into := &pauseEarly{base}
	if (&pauseEarly{withHook}).CopyProtocolTo(into) || into.Config.AfterOpen != nil {
		t.Errorf("a design with AfterOpen set was copied by its own CopyProtocolTo")
	}
}

// The configurable protocol's copies, taken whole or into a design of the
// explorer's, share none of its slices: the base's, copied by the base,
// or its own.
func TestConfigurableCopiesShareNoSlice(t *testing.T) {
	orig := Configurable(DefaultConfig())().(*configurable)
	orig.Held = []pool.NBL{{}, {}}
	orig.Copies = []pool.NBL{{}}
	orig.oids = []uint32{binding.OwnRequestID + 1}
	into := Configurable(DefaultConfig())().(*configurable)
	into.Held, into.Copies, into.oids = make([]pool.NBL, 0, 4), make([]pool.NBL, 0, 4), make([]uint32, 0, 4)
	if !orig.CopyProtocolTo(into) {
		t.Fatal("CopyProtocolTo refused a configurable protocol")
	}
	for _, c := range []*configurable{orig.CloneProtocol().(*configurable), into} {
		if !reflect.DeepEqual(c, orig) {
			t.Errorf("the copy differs:\n%#v\nwant\n%#v", c, orig)
		}
		if &c.Held[0] == &orig.Held[0] || &c.Copies[0] == &orig.Copies[0] || &c.oids[0] == &orig.oids[0] {
			t.Errorf("the copy shares a slice with the original")
		}
	}
}
