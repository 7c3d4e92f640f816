package sim

import (
	"reflect"

	"github.com/ndissim/ndissim/binding"
)

// instances is an engine's factory of the design's instances. A design
// that can copy itself into an instance of its type (binding.Copier, which
// the explorer's restores rely on) gets the last run's instance back,
// overwritten by a copy of a pristine one that never runs: its slices keep
// their room, where a new instance would grow them again in every run.
//
// That the copy equals a new instance rests on what a check's report
// already rests on: make returns equal instances whenever it is called, as
// the workers' engines call it in orders that depend on their number. The
// last instance is free to reuse when the next run starts: the binding
// drops it then, and a snapshot only ever holds copies of it.
//
// A copy is the design's own code, so it is not trusted blindly: one that
// panics, or whose result differs from the pristine instance in the first
// verifiedResets resets or any reset whose number is a power of two
// (compared field by field, an empty slice equal to none), ends the reuse
// for this engine, which then makes a new instance for every run.
type instances struct {
	make     func() binding.Protocol
	pristine binding.Protocol
	last     binding.Protocol
	resets   int
	distrust bool
}

// verifiedResets is how many resets of an engine are compared with the
// pristine instance: enough for the runs to have touched what a design
// keeps, cheap against the runs of a check.
const verifiedResets = 8

// next is the instance a new run starts on.
func (f *instances) next() binding.Protocol {
	if f.last != nil && !f.distrust && f.reset(f.last) {
		return f.last
	}
	f.last = f.make()
	return f.last
}

// reset makes p a copy of the pristine instance, made at the first reset,
// and reports false when it cannot (Copier leaves p as it was then). The
// copy is taken only between instances of one type: a Copier method
// promoted from an embedded type would copy only that type's fields.
func (f *instances) reset(p binding.Protocol) (ok bool) {
	if f.pristine == nil {
		f.pristine = f.make()
	}
	c, isCopier := f.pristine.(binding.Copier)
	if !isCopier || p == f.pristine || reflect.TypeOf(p) != reflect.TypeOf(f.pristine) {
		return false
	}
	defer func() {
		if recover() != nil {
			f.distrust, ok = true, false
		}
	}()
	if !c.CopyProtocolTo(p) {
		return false
	}
	f.resets++
	if verified(f.resets) && !sameValue(reflect.ValueOf(p), reflect.ValueOf(f.pristine), 0) {
		f.distrust = true
		return false
	}
	return true
}

// verified reports whether the n-th reset (from 1) is compared with the
// pristine instance: the first verifiedResets, then every power of two, so
// that a field the copy misses and only a rare run changes is still met,
// at a cost that grows with the logarithm of the runs.
func verified(n int) bool {
	return n <= verifiedResets || n&(n-1) == 0
}
