package design

import (
	"github.com/ndissim/ndissim/binding"
	"github.com/ndissim/ndissim/designkit"
	"github.com/ndissim/ndissim/oid"
	"github.com/ndissim/ndissim/pool"
)

// maxCopies bounds the copies of receives waiting for a read
// (receive.keep: copy); past it a frame is dropped, as a full receive
// queue drops it.
const maxCopies = designkit.DefaultMaxHeld

// ReceiveNetBufferLists keeps, copies or returns each received NBL as
// receive.keep says. An indication with NDIS_RECEIVE_FLAGS_RESOURCES is
// only copied (receive.resources: copy): the miniport takes the NBLs back
// when the handler returns.
func (p *configurable) ReceiveNetBufferLists(nd *binding.NDIS, nbls []pool.NBL, flags binding.ReceiveFlags) {
	keep := p.cfg.Receive.keep()
	if flags&binding.ReceiveResources != 0 && p.cfg.Receive.Resources == ResourcesCopy {
		if keep == ReceiveCopy && p.running {
			for range nbls {
				p.copyReceive(nd)
			}
		}
		return // copied what it needed; the miniport takes them back
	}
	for _, nbl := range nbls {
		if keep == ReceiveHold && p.running {
			p.held = append(p.held, nbl)
			continue
		}
		if keep == ReceiveCopy && p.running {
			p.copyReceive(nd)
		}
		nd.ReturnNetBufferLists(nbl, designkit.ReturnFlagsOf(flags))
	}
}

// copyReceive copies a receive into an NBL of its own receive pool, for a
// read to take.
func (p *configurable) copyReceive(nd *binding.NDIS) {
	if p.ReceivePool.IsNull() || len(p.copies) >= maxCopies {
		return
	}
	if c := nd.AllocateNetBufferAndNetBufferList(p.ReceivePool, 0, 0, 1, 0, oid.MaxFrameSize); !c.IsNull() {
		p.copies = append(p.copies, c)
	}
}

// returnHeld is a read taking everything queued: it returns the received
// NBLs it keeps, with no DISPATCH_LEVEL flag (legal at any IRQL), and
// frees its copies.
func (p *configurable) returnHeld(nd *binding.NDIS) {
	for _, nbl := range p.held {
		nd.ReturnNetBufferLists(nbl, 0)
	}
	p.held = p.held[:0]
	for _, c := range p.copies {
		nd.FreeNetBufferList(c)
	}
	p.copies = p.copies[:0]
}
