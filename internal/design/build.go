package design

import (
	"github.com/ndissim/ndissim/binding"
	"github.com/ndissim/ndissim/designkit"
	"github.com/ndissim/ndissim/pool"
)

// buildSend allocates an NBL for bytes of payload with room for the whole
// stack in front of the protocol's own header, then retreats over the
// header as a real protocol does when it writes it: the base's Build for
// the combined call, its own NBs with send.api: separate. With sizing:
// pool the data backfill is the one the pool was made for, and the context
// backfill is in the pool's ContextSize. NULL when an allocation failed.
func (p *configurable) buildSend(nd *binding.NDIS, bytes uint32) pool.NBL {
	data, need := p.Needs.DataBackfill, p.Needs.ContextBackfill
	if p.cfg.Sizing == SizingPool {
		data, need = p.PoolNeeds.DataBackfill, 0
	}
	ctxBackfill := designkit.AlignContext(need, nd.MAA())
	if p.cfg.Send.API == SendCombined {
		return p.Build(nd, data, ctxBackfill, bytes)
	}
	nbl := nd.AllocateNetBufferList(p.NBLPool, p.Config.ContextSize, ctxBackfill)
	if nbl.IsNull() {
		return nbl
	}
	for range p.cfg.Send.NetBuffers {
		nb := p.newNB(nd, data, bytes)
		if nb.IsNull() {
			p.freeSend(nd, nbl)
			return pool.NBL{}
		}
		nd.LinkNetBuffer(nbl, nb)
	}
	return nbl
}

// newNB is one NB of a separate send: from an NB pool with data,
// NdisAllocateNetBufferMdlAndData and its data start advanced past the
// backfill; otherwise NdisAllocateNetBuffer with room for the backfill and
// the header, retreated over the header.
func (p *configurable) newNB(nd *binding.NDIS, data, bytes uint32) pool.NB {
	if p.cfg.NBPool.DataSize > 0 {
		nb := nd.AllocateNetBufferMdlAndData(p.NBPool)
		if !nb.IsNull() {
			nd.AdvanceNetBufferDataStart(nb, data, false)
		}
		return nb
	}
	hdr := p.Config.Header
	nb := nd.AllocateNetBuffer(p.NBPool, 1, data+hdr, bytes)
	if !nb.IsNull() && hdr > 0 {
		nd.RetreatNetBufferDataStart(nb, hdr, 0)
	}
	return nb
}

// freeSend frees the NBs it allocated separately, then the NBL: NDIS frees
// only the NB that came with an NBL, which the base's FreeSend does not
// skip.
func (p *configurable) freeSend(nd *binding.NDIS, nbl pool.NBL) {
	if p.cfg.Send.API == SendSeparate {
		first := nd.FirstNB(nbl)
		nb := first
		if p.cfg.NBLPool.AllocateNetBuffer {
			nb = nd.NextNB(first) // the first came with the NBL and goes with it
		}
		for !nb.IsNull() {
			next := nd.NextNB(nb)
			nd.FreeNetBuffer(nb)
			nb = next
		}
	}
	nd.FreeNetBufferList(nbl)
}
