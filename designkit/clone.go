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
