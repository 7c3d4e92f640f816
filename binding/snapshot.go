package binding

import (
	"reflect"
	"sync"
	"sync/atomic"
	"unsafe"

	"github.com/ndissim/ndissim/fsm"
	"github.com/ndissim/ndissim/oid"
	"github.com/ndissim/ndissim/pool"
	"github.com/ndissim/ndissim/rule"
)

// Snapshots: the bounded explorer keeps a copy of the simulated state with
// each state it has yet to expand, and restores it to expand the state,
// instead of replaying the path from the start. A copy is taken only at a
// move boundary, when no callback of the design runs: a callback blocked in
// a wait has a Go stack, which cannot be copied.

// Cloner is implemented by a design (the binding.Protocol value) that can
// copy itself: CloneProtocol returns a deep copy that shares nothing the
// two could change (slices, maps, pointers to state), of the same dynamic
// type, or nil when this value cannot be copied (for instance a function
// field bound to the original). A design without it is explored by replay.
//
// A method promoted from an embedded type copies only that type, not the
// fields the embedding type adds; CloneProtocol (the function) therefore
// never takes a copy whose type is not the design's own.
type Cloner interface {
	CloneProtocol() Protocol
}

// Copier is optionally implemented by a Cloner: CopyProtocolTo makes dst,
// a design of the same type, a deep copy of the design, reusing dst's
// memory (its slices), so that restoring a state allocates nothing. It
// reports false, leaving dst as it was, when dst is of another type or the
// design cannot be copied; the state is then restored by CloneProtocol.
//
// A check uses it too: an engine resets the last run's instance for the
// next run by copying a new, never-run instance over it. A copy that
// panics, or that leaves dst different from the new instance in an
// engine's first resets or a reset numbered a power of two, ends that
// reuse (a new instance every run).
type Copier interface {
	CopyProtocolTo(dst Protocol) bool
}

// copyProtocol makes dst a copy of src by the route CloneProtocol took
// for src's type, and reports false if there is none yet.
func copyProtocol(src, dst any) bool {
	t := reflect.TypeOf(src)
	if src == nil || reflect.TypeOf(dst) != t {
		return false
	}
	switch routeOf(t) {
	case cloneOwn:
		cp, ok := src.(Copier)
		d, isProto := dst.(Protocol)
		return ok && isProto && cp.CopyProtocolTo(d)
	case cloneWrap:
		e := t.Elem()
		in := reflect.NewAt(e.Field(0).Type, unsafe.Pointer(reflect.ValueOf(src).Elem().Field(0).UnsafeAddr())).Interface()
		out := reflect.NewAt(e.Field(0).Type, unsafe.Pointer(reflect.ValueOf(dst).Elem().Field(0).UnsafeAddr())).Interface()
		return copyProtocol(in, out)
	}
	return false
}

// CloneProtocol returns a deep copy of p, or nil when p cannot be copied
// safely. It takes p's own Cloner when the copy has p's type. Otherwise, if
// p points to a struct whose only field is an embedded struct (a design
// that wraps another and adds no state of its own, as the broken catalogue's
// designs wrap designkit.Base), it copies that field the same way and wraps
// the copy. Anything else is nil: a design that adds state to what it
// embeds must implement Cloner itself.
func CloneProtocol(p Protocol) Protocol {
	if p == nil {
		return nil
	}
	c, ok := cloneValue(p)
	if !ok {
		return nil
	}
	return c.(Protocol)
}

// cloneRoute is how values of one type are copied.
type cloneRoute uint8

const (
	cloneUnknown cloneRoute = iota
	cloneOwn                // its own Cloner
	cloneWrap               // a wrapper of one embedded struct
	cloneNone
)

var cloneRoutes sync.Map // reflect.Type -> cloneRoute

// lastRoute is the route last looked up: an exploration copies one design
// type at every restore, and a pointer comparison is cheaper than the map.
var lastRoute atomic.Pointer[typeRoute]

type typeRoute struct {
	t reflect.Type
	r cloneRoute
}

// routeOf is the route CloneProtocol found for t (cloneUnknown: none yet).
func routeOf(t reflect.Type) cloneRoute {
	if c := lastRoute.Load(); c != nil && c.t == t {
		return c.r
	}
	v, _ := cloneRoutes.Load(t)
	r, _ := v.(cloneRoute)
	if r != cloneUnknown {
		lastRoute.Store(&typeRoute{t, r})
	}
	return r
}

func cloneValue(v any) (any, bool) {
	t := reflect.TypeOf(v)
	r, _ := cloneRoutes.Load(t)
	route, _ := r.(cloneRoute)
	switch route {
	case cloneNone:
		return nil, false
	case cloneUnknown, cloneOwn:
		if cl, ok := v.(Cloner); ok {
			c := cl.CloneProtocol()
			switch {
			case c == nil:
				return nil, false // this value cannot be copied; another may
			case reflect.TypeOf(c) == t:
				if route == cloneUnknown {
					cloneRoutes.Store(t, cloneOwn)
				}
				return c, true
			case route == cloneOwn:
				panic("binding: CloneProtocol of " + t.String() + " returned a " + reflect.TypeOf(c).String())
			}
			// A method promoted from an embedded type: it copied only that.
		}
	}
	if t.Kind() != reflect.Pointer {
		cloneRoutes.Store(t, cloneNone)
		return nil, false
	}
	e := t.Elem()
	if e.Kind() != reflect.Struct || e.NumField() != 1 || !e.Field(0).Anonymous ||
		e.Field(0).Type.Kind() != reflect.Struct || e.Field(0).Offset != 0 {
		cloneRoutes.Store(t, cloneNone)
		return nil, false
	}
	src := reflect.ValueOf(v)
	if src.IsNil() {
		return nil, false
	}
	inner := e.Field(0).Type
	// The field may be unexported (an embedded lower-case type); its
	// address is taken through unsafe, which reflect allows for reading
	// and writing a field of a value we own.
	in := reflect.NewAt(inner, unsafe.Pointer(src.Elem().Field(0).UnsafeAddr())).Interface()
	c, ok := cloneValue(in)
	if !ok {
		return nil, false
	}
	cloneRoutes.Store(t, cloneWrap)
	out := reflect.New(e)
	reflect.NewAt(inner, unsafe.Pointer(out.Elem().Field(0).UnsafeAddr())).Elem().Set(reflect.ValueOf(c).Elem())
	return out.Interface(), true
}

// Snapshot is a copy of a binding's state at a move boundary: its
// lifecycle state, everything NDIS holds and counts, its findings so far,
// the pool tracker, the stack it sits on and a copy of the design. The
// binding's wiring (the design's factory, the decider, tracer, scheduler,
// call budget) is not part of it.
type Snapshot struct {
	proto   Protocol // a copy, never run: a restore copies it again
	life    fsm.State
	pools   pool.Snapshot
	stack   oid.Stack
	run     state
	reports []Finding
	warned  []rule.Name
}

// CanSnapshot reports whether the design can be copied in its state now.
func (b *Binding) CanSnapshot() bool { return CloneProtocol(b.proto) != nil }

// Snapshot copies the binding's state into s, reusing s's memory, and
// reports false (s is then unusable) when the design cannot be copied. It
// must be called at a move boundary, when no callback runs.
func (b *Binding) Snapshot(s *Snapshot) bool {
	if b.depth != 0 || b.waits != 0 || b.running != opNone || b.workItems != 0 || b.receiving != 0 {
		panic("binding: Snapshot while a callback of the design runs")
	}
	if s.proto == nil || !copyProtocol(b.proto, s.proto) {
		s.proto = CloneProtocol(b.proto)
		if s.proto == nil {
			return false
		}
	}
	s.life = b.life.Snapshot()
	b.pools.Snapshot(&s.pools)
	b.stack.SnapshotInto(&s.stack)
	s.run.copyFrom(&b.state)
	s.reports = append(s.reports[:0], b.reports...)
	s.warned = s.warned[:0]
	for r, on := range b.warned {
		if on {
			s.warned = append(s.warned, r)
		}
	}
	return true
}

// Restore makes the binding the one s was taken of, with a new copy of its
// design; s is unchanged and may be restored again, into this binding or
// another one (of the same design).
func (b *Binding) Restore(s *Snapshot) {
	if b.depth != 0 {
		panic("binding: Restore while a callback of the design runs")
	}
	if b.proto == nil || !copyProtocol(s.proto, b.proto) {
		b.proto = CloneProtocol(s.proto)
		if b.proto == nil {
			panic("binding: a snapshot's design cannot be copied again")
		}
	}
	b.life.Restore(s.life)
	b.pools.Restore(&s.pools)
	s.stack.SnapshotInto(b.stack)
	b.calls, b.depth = 0, 0
	b.state.copyFrom(&s.run)
	// Most states have no findings: an empty copy calls nothing.
	b.reports = b.reports[:0]
	if len(s.reports) > 0 {
		b.reports = append(b.reports, s.reports...)
	}
	if len(b.warned) > 0 {
		clear(b.warned)
	}
	for _, r := range s.warned {
		b.warned[r] = true
	}
}

// Bytes is the memory s holds outside the design's copy, for the
// explorer's figures.
func (s *Snapshot) Bytes() int {
	n := int(unsafe.Sizeof(*s)) + s.pools.Bytes() + cap(s.stack.Filters)*int(unsafe.Sizeof(oid.Layer{}))
	r := &s.run
	n += cap(r.oids)*int(unsafe.Sizeof(oid.Request{})) + (cap(r.inFlight)+cap(r.held)+cap(r.resourcesIndicated))*int(unsafe.Sizeof(pool.NBL{}))
	n += cap(s.reports)*int(unsafe.Sizeof(Finding{})) + cap(s.warned)*int(unsafe.Sizeof(rule.Name("")))
	return n
}

// Protocol is the design the binding runs now (a restore replaces it).
func (b *Binding) Protocol() Protocol { return b.proto }
