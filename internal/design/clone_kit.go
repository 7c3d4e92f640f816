package design

import (
	"github.com/ndissim/ndissim/binding"
	"github.com/ndissim/ndissim/designkit"
)

// Copies of the designs built on designkit.Base: the catalogue's, the
// legal ones and ndisprot-pended. Each needs methods of its own: the base's
// methods, promoted, copy only the base and would drop the fields the
// design adds (binding.CloneProtocol then falls back to replay, and the
// check engine to a new instance per run). Most add only values (flags,
// counters, events, a spin lock, a handle), which a struct copy copies; the
// base's slices are copied by the base. A design with slices of its own
// copies them after copyKit.

// kitDesign is a design built on the base: P is *T, kit its base.
type kitDesign[T any] interface {
	*T
	binding.Protocol
	kit() *designkit.Base
}

func (b *brokenBase) kit() *designkit.Base     { return &b.Base }
func (p *ndisprotPended) kit() *designkit.Base { return &p.Base }

// cloneKit is CloneProtocol of a design whose own fields are values: a
// copy into a new design.
func cloneKit[T any, P kitDesign[T]](p P) binding.Protocol {
	c := P(new(T))
	if !copyKit(p, c) {
		return nil
	}
	return c
}

// copyKit is CopyProtocolTo of a design whose own fields are values: a
// struct copy, with the base copied by the base into dst's own slices. It
// refuses, as the base does, a design whose Config.AfterOpen is set: that
// function may be bound to p.
func copyKit[T any, P kitDesign[T]](p P, dst binding.Protocol) bool {
	d, ok := dst.(P)
	switch {
	case !ok || p.kit().Config.AfterOpen != nil:
		return false
	case d == p:
		return true
	}
	base := *d.kit() // d's slices, for the base's copy to reuse
	*d = *p
	*d.kit() = base
	return p.kit().CopyBaseTo(d.kit())
}
