package binding

import (
	"reflect"
	"sort"

	"github.com/ndissim/ndissim/oid"
	"github.com/ndissim/ndissim/pool"
)

// The generic fingerprint of a design that writes none itself: a walk of
// its value by reflection. Numbers, flags and strings are written as they
// are; pool handles, PnP events and OID requests as StateHash writes them
// (by what a call would find, not by serial number); pointers are followed
// once per walk; slices and arrays element by element; maps in an order
// that does not depend on Go's iteration; functions and channels not at all
// (they are configuration, fixed for a design). Its limit: a counter the
// design keeps that only grows (a sequence number of its own) makes every
// state new, so such a design is explored as a tree up to the depth bound.

var (
	typeNBL      = reflect.TypeFor[pool.NBL]()
	typeNB       = reflect.TypeFor[pool.NB]()
	typeNBLPool  = reflect.TypeFor[pool.NBLPool]()
	typeNBPool   = reflect.TypeFor[pool.NBPool]()
	typePnPEvent = reflect.TypeFor[PnPEvent]()
	typeRequest  = reflect.TypeFor[oid.Request]()
)

// Value adds any value by the generic walk.
func (h *StateHash) Value(v any) {
	if h.seen == nil {
		h.seen = map[uintptr]bool{}
	}
	clear(h.seen)
	h.walk(reflect.ValueOf(v))
}

func (h *StateHash) walk(v reflect.Value) {
	if !v.IsValid() {
		h.Word(0)
		return
	}
	if h.special(v) {
		return
	}
	switch v.Kind() {
	case reflect.Bool:
		h.Bool(v.Bool())
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		h.Word(uint64(v.Int()))
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
		h.Word(v.Uint())
	case reflect.Float32, reflect.Float64:
		h.Word(uint64(v.Float() * 1e6))
	case reflect.String:
		h.String(v.String())
	case reflect.Struct:
		for i := range v.NumField() {
			h.walk(v.Field(i))
		}
	case reflect.Array, reflect.Slice:
		h.Word(uint64(v.Len()))
		for i := range v.Len() {
			h.walk(v.Index(i))
		}
	case reflect.Pointer:
		h.pointer(v)
	case reflect.Interface:
		if v.IsNil() {
			h.Word(0)
			return
		}
		h.String(v.Elem().Type().String())
		h.walk(v.Elem())
	case reflect.Map:
		h.walkMap(v)
	}
}

// pointer follows a pointer the first time the walk meets it, so that
// shared and cyclic structures end.
func (h *StateHash) pointer(v reflect.Value) {
	if v.IsNil() {
		h.Word(0)
		return
	}
	p := v.Pointer()
	if h.seen[p] {
		h.Word(2)
		return
	}
	h.seen[p] = true
	h.Word(1)
	h.walk(v.Elem())
}

// walkMap writes the entries' own fingerprints sorted, so that Go's random
// iteration order does not show.
func (h *StateHash) walkMap(v reflect.Value) {
	sums := make([]uint64, 0, v.Len())
	it := v.MapRange()
	for it.Next() {
		sub := StateHash{ranks: h.ranks, seen: h.seen}
		sub.begin(h.b)
		sub.walk(it.Key())
		sub.walk(it.Value())
		hi, _ := sub.Sum()
		sums = append(sums, hi)
	}
	sort.Slice(sums, func(i, j int) bool { return sums[i] < sums[j] })
	h.Word(uint64(len(sums)))
	for _, s := range sums {
		h.Word(s)
	}
}

// special writes the types whose raw fields would make equal states
// differ: handles, events, requests. Their fields are read by reflection,
// as a walk of unexported fields cannot call their methods.
func (h *StateHash) special(v reflect.Value) bool {
	switch v.Type() {
	case typeNBL:
		h.key(pool.KindNBL, uint32(v.Field(0).Uint()), uint32(v.Field(1).Uint()))
	case typeNB:
		h.key(pool.KindNB, uint32(v.Field(0).Uint()), uint32(v.Field(1).Uint()))
	case typeNBLPool:
		h.key(pool.KindNBLPool, uint32(v.Field(0).Uint()), uint32(v.Field(1).Uint()))
	case typeNBPool:
		h.key(pool.KindNBPool, uint32(v.Field(0).Uint()), uint32(v.Field(1).Uint()))
	case typePnPEvent:
		h.Word(uint64(v.Field(1).Uint())<<8 | h.eventID(uint32(v.Field(0).Uint())))
		h.walk(v.Field(2))
	case typeRequest:
		h.RequestID(uint32(v.Field(0).Uint()))
		h.walk(v.Field(1))
		h.walk(v.Field(2))
		h.walk(v.Field(3))
	default:
		return false
	}
	return true
}
