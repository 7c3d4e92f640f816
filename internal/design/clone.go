package design

import "github.com/ndissim/ndissim/binding"

// The built-in designs' copies for the bounded explorer (binding.Cloner):
// every field, with the slices of state copied. Configuration (cfg, tag)
// is read and never written, so it is shared. A PnP event's restart
// attributes are NDIS's, read by the design and never written, so they are
// shared too. ndisprot-pended and the broken designs that wrap designkit.Base
// and add nothing are copied by binding.CloneProtocol through the base's
// CloneProtocol; those that add fields have no Cloner and are explored by
// replay.

func (p *configurable) CloneProtocol() binding.Protocol {
	c := *p
	c.held = append(p.held[:0:0], p.held...)
	c.copies = append(p.copies[:0:0], p.copies...)
	c.oids = append(p.oids[:0:0], p.oids...)
	return &c
}

func (p *ndisprot) CloneProtocol() binding.Protocol {
	c := *p
	c.queue = append(p.queue[:0:0], p.queue...)
	return &c
}
