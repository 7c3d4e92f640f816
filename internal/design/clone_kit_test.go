package design

import (
	"reflect"
	"strings"
	"testing"
	"unsafe"

	"github.com/ndissim/ndissim/binding"
	"github.com/ndissim/ndissim/designkit"
	"github.com/ndissim/ndissim/sim"
)

// kitShared are the references a design built on designkit.Base shares
// with its copies, by the end of their path: configuration, and what NDIS
// hands it to read (a PnP event's restart attributes).
var kitShared = []string{".Config.ReceivePool", ".Config.AfterOpen", ".Restart.FilterModuleNames", ".Restart.Attributes"}

func sharedRef(path string) bool {
	for _, s := range kitShared {
		if strings.HasSuffix(path, s) {
			return true
		}
	}
	return false
}

var kitType = reflect.TypeFor[designkit.Base]()

// embedsKit reports whether struct type t is the base or embeds it.
func embedsKit(t reflect.Type) bool {
	if t == kitType {
		return true
	}
	for i := range t.NumField() {
		if f := t.Field(i); f.Anonymous && f.Type.Kind() == reflect.Struct && embedsKit(f.Type) {
			return true
		}
	}
	return false
}

// settable is v, a field of an addressable struct, even unexported.
func settable(v reflect.Value) reflect.Value {
	return reflect.NewAt(v.Type(), unsafe.Pointer(v.UnsafeAddr())).Elem()
}

// fill sets every number, flag and string reachable in v by value to a
// value of its own (n numbers them) and gives every slice two filled
// elements: a state no run need reach, in which any field a copy misses
// shows. References other than slices are configuration, left as made.
func fill(v reflect.Value, n *uint64) {
	*n++
	switch v.Kind() {
	case reflect.Bool:
		v.SetBool(*n%2 == 1)
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		v.SetInt(int64(*n))
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
		v.SetUint(*n)
	case reflect.String:
		v.SetString(strings.Repeat("x", int(*n%7)))
	case reflect.Struct:
		for i := range v.NumField() {
			fill(settable(v.Field(i)), n)
		}
	case reflect.Array:
		for i := range v.Len() {
			fill(v.Index(i), n)
		}
	case reflect.Slice:
		v.Set(reflect.MakeSlice(v.Type(), 2, 4))
		for i := range v.Len() {
			fill(v.Index(i), n)
		}
	}
}

// differ is the path of the first value in which b is not a copy of a
// that shares nothing: a value that differs, or a slice whose backing
// array b shares with a (outside kitShared); "" when there is none.
// Functions are compared by whether they are set: a hook is bound to its
// own design.
func differ(a, b reflect.Value, path string) string {
	switch a.Kind() {
	case reflect.Struct:
		for i := range a.NumField() {
			if d := differ(a.Field(i), b.Field(i), path+"."+a.Type().Field(i).Name); d != "" {
				return d
			}
		}
	case reflect.Slice, reflect.Array:
		if a.Len() != b.Len() {
			return path + " (length)"
		}
		if a.Kind() == reflect.Slice && a.Len() > 0 && a.Pointer() == b.Pointer() && !sharedRef(path) {
			return path + " (shared)"
		}
		for i := range a.Len() {
			if d := differ(a.Index(i), b.Index(i), path+"[]"); d != "" {
				return d
			}
		}
	case reflect.Func:
		if a.IsNil() != b.IsNil() {
			return path
		}
	case reflect.Pointer, reflect.Map, reflect.Chan, reflect.UnsafePointer:
		if a.Pointer() != b.Pointer() {
			return path + " (reference)"
		}
	case reflect.Interface:
		if a.IsNil() != b.IsNil() || !a.IsNil() && differ(a.Elem(), b.Elem(), path) != "" {
			return path
		}
	default:
		if !a.Equal(b) {
			return path
		}
	}
	return ""
}

// unsliced is references (clone_test.go) with slices taken as copied,
// element by element: the fields other than slices that can share memory
// with a copy, by path, in the elements of slices too.
func unsliced(t reflect.Type, path string, out []string) []string {
	switch t.Kind() {
	case reflect.Struct:
		for i := range t.NumField() {
			out = unsliced(t.Field(i).Type, path+"."+t.Field(i).Name, out)
		}
	case reflect.Array, reflect.Slice:
		out = unsliced(t.Elem(), path+"[]", out)
	default:
		out = references(t, path, out)
	}
	return out
}

// kitDesigns are the registered designs built on designkit.Base, each
// with a new instance.
func kitDesigns(t *testing.T) map[string]func() binding.Protocol {
	out := map[string]func() binding.Protocol{}
	for _, g := range sim.GoDesigns() {
		if p := reflect.TypeOf(g.New()); p.Kind() == reflect.Pointer && embedsKit(p.Elem()) {
			out[g.Name] = g.New
		}
	}
	if len(out) < 60 {
		t.Fatalf("only %d designs built on designkit.Base", len(out))
	}
	return out
}

// Every registered design built on designkit.Base copies itself, own fields
// and all: a method of the base, promoted, would copy only the base, and
// the design would be explored by replay and made anew for every run of a
// check. The copy of a design in any state equals it and shares none of
// its slices, whether it is a new design or one whose slices it reuses.
func TestEveryKitDesignCopiesItself(t *testing.T) {
	for name, newP := range kitDesigns(t) {
		t.Run(name, func(t *testing.T) {
			orig := newP()
			for _, ref := range unsliced(reflect.TypeOf(orig).Elem(), "", nil) {
				if !sharedRef(ref) {
					t.Errorf("%s can share memory with a copy: copy it, or list it in kitShared", ref)
				}
			}
			var n uint64
			fill(reflect.ValueOf(orig).Elem(), &n)
			cl, ok := orig.(binding.Cloner)
			if !ok {
				t.Fatalf("%T has no CloneProtocol", orig)
			}
			into, reused := newP(), newP()
			fill(reflect.ValueOf(reused).Elem(), &n) // other values, slices with room
			copies := []binding.Protocol{cl.CloneProtocol(), into, reused}
			for _, dst := range copies[1:] {
				if cp, ok := orig.(binding.Copier); !ok || !cp.CopyProtocolTo(dst) {
					t.Fatalf("%T has no CopyProtocolTo of its own", orig)
				}
			}
			for i, c := range copies {
				if reflect.TypeOf(c) != reflect.TypeOf(orig) {
					t.Fatalf("copy %d is a %T", i, c)
				}
				if d := differ(reflect.ValueOf(orig).Elem(), reflect.ValueOf(c).Elem(), ""); d != "" {
					t.Errorf("copy %d: %s", i, d)
				}
			}
		})
	}
}
