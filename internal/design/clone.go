package design

import "github.com/ndissim/ndissim/binding"

// The built-in designs' copies for the bounded explorer (binding.Cloner)
// and for the check engine's reuse of a run's instance (binding.Copier):
// every field, with the slices of state copied. Configuration (cfg, the
// base's Config) is read and never written, so it is shared. A PnP event's
// restart attributes are NDIS's, read by the design and never written, so
// they are shared too. The designs built on designkit.Base copy themselves
// through cloneKit and copyKit (clone_kit.go).

func (p *configurable) CloneProtocol() binding.Protocol {
	c := *p
	c.Base, _ = p.CloneBase() // always copied: the protocol sets no AfterOpen
	c.oids = append(p.oids[:0:0], p.oids...)
	return &c
}

func (p *ndisprot) CloneProtocol() binding.Protocol {
	c := *p
	c.queue = append(p.queue[:0:0], p.queue...)
	return &c
}

func (p *configurable) CopyProtocolTo(dst binding.Protocol) bool {
	d, ok := dst.(*configurable)
	if !ok || d == p {
		return ok
	}
	if p.Config.AfterOpen != nil { // never: the protocol sets none
		base, oids := d.Base, d.oids
		*d = *p
		d.Base = base
		d.oids = copyInto(oids, p.oids)
		return true
	}
	// What CopyBaseTo does for the base, and the same for the oids, in
	// one copy of the whole value: d keeps its own slices to reuse.
	held, copies, oids := d.Held, d.Copies, d.oids
	*d = *p
	d.Held = copyInto(held, p.Held)
	d.Copies = copyInto(copies, p.Copies)
	d.oids = copyInto(oids, p.oids)
	return true
}

func (p *ndisprot) CopyProtocolTo(dst binding.Protocol) bool {
	d, ok := dst.(*ndisprot)
	if !ok || d == p {
		return ok
	}
	queue := d.queue
	*d = *p
	d.queue = copyInto(queue, p.queue)
	return true
}

// copyInto is a copy of src in buf's memory. An empty src may come out nil
// and a nil one empty: the designs never tell the two apart.
func copyInto[T any](buf, src []T) []T { return append(buf[:0], src...) }
