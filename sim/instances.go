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
type instances struct {
	make     func() binding.Protocol
	pristine binding.Protocol
	last     binding.Protocol
}

// next is the instance a new run starts on.
func (f *instances) next() binding.Protocol {
	if f.last != nil && f.reset(f.last) {
		return f.last
	}
	f.last = f.make()
	return f.last
}

// reset makes p a copy of the pristine instance, made at the first reset,
// and reports false when it cannot (Copier leaves p as it was then). The
// copy is taken only between instances of one type: a Copier method
// promoted from an embedded type would copy only that type's fields.
func (f *instances) reset(p binding.Protocol) bool {
	if f.pristine == nil {
		f.pristine = f.make()
	}
	c, ok := f.pristine.(binding.Copier)
	return ok && p != f.pristine && reflect.TypeOf(p) == reflect.TypeOf(f.pristine) && c.CopyProtocolTo(p)
}
