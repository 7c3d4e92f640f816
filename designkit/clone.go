package designkit

import "github.com/ndissim/ndissim/binding"

// CloneProtocol is binding.Cloner: a copy of the base's fields that shares
// none of its slices. It is nil when Config.AfterOpen is set: that function
// may be bound to the original design (a method value), and a copy would
// call into it.
//
// A design that embeds Base gets this method too, and it copies only the
// base. binding.CloneProtocol never takes such a copy: it uses a Cloner
// only when the copy has the design's own type, and otherwise copies a
// design only if its type is a struct whose one field is the embedded
// base (a design that adds no state). A design that adds fields must
// implement Cloner itself (CloneBase copies its base), or it is explored by
// replay.
func (p *Base) CloneProtocol() binding.Protocol {
	c, ok := p.CloneBase()
	if !ok {
		return nil
	}
	return &c
}

// CloneBase is a copy of the base that shares none of its slices, and
// false when it cannot be copied (Config.AfterOpen is set).
func (p *Base) CloneBase() (Base, bool) {
	if p.Config.AfterOpen != nil {
		return Base{}, false
	}
	c := *p
	// Config.ReceivePool is configuration: read, never written, so shared.
	c.Held = append(p.Held[:0:0], p.Held...)
	c.Copies = append(p.Copies[:0:0], p.Copies...)
	return c, true
}

// CopyProtocolTo is binding.Copier: it makes dst, a *Base, a copy of the
// base, reusing dst's slices.
func (p *Base) CopyProtocolTo(dst binding.Protocol) bool {
	d, ok := dst.(*Base)
	return ok && p.CopyBaseTo(d)
}

// CopyBaseTo makes d a copy of the base, reusing d's slices, and reports
// false, leaving d as it was, when it cannot be copied (Config.AfterOpen is
// set).
func (p *Base) CopyBaseTo(d *Base) bool {
	switch {
	case p.Config.AfterOpen != nil:
		return false
	case d == p:
		return true
	}
	held, copies := d.Held, d.Copies
	*d = *p
	d.Held = copyInto(held, p.Held)
	d.Copies = copyInto(copies, p.Copies)
	return true
}

// copyInto is a copy of src in buf's memory. An empty src may come out nil
// and a nil one empty: the designs never tell the two apart.
func copyInto[T any](buf, src []T) []T { return append(buf[:0], src...) }
