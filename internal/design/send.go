package design

import (
	"github.com/ndissim/ndissim/binding"
	"github.com/ndissim/ndissim/designkit"
	"github.com/ndissim/ndissim/pool"
)

// sizing returns the needs a send uses: the current ones, or those the pool
// was built for.
func (p *configurable) sizing() (data, ctxBackfill uint32) {
	if p.cfg.Sizing == SizingPool {
		return p.poolNeeds.DataBackfill, 0
	}
	return p.needs.DataBackfill, p.needs.ContextBackfill
}

// newPools creates the pools the configuration names, sized for the needs
// known now when the sizing is per pool. It returns them rather than
// installing them, so that a rebuild keeps the old pools when it fails.
func (p *configurable) newPools(nd *binding.NDIS) (designkit.Pools, bool) {
	maa := nd.MAA()
	c := p.cfg.NBLPool
	params := pool.NBLPoolParameters{
		ProtocolID: pool.ProtocolIDDefault, ContextSize: c.ContextSize,
		AllocateNetBuffer: c.AllocateNetBuffer, DataSize: c.DataSize, PoolTag: p.tag,
	}
	if p.cfg.Sizing == SizingPool {
		params.ContextSize = designkit.AlignContext(uint32(c.ContextSize)+uint32(designkit.AlignContext(p.needs.ContextBackfill, maa)), maa)
		if params.DataSize > 0 {
			params.DataSize += p.needs.DataBackfill
		}
	}
	var s designkit.Pools
	if s.NBLPool = nd.AllocateNetBufferListPool(params); s.NBLPool.IsNull() {
		return s, false
	}
	if nb := p.cfg.NBPool; nb != nil {
		size := nb.DataSize
		if p.cfg.Sizing == SizingPool && size > 0 {
			size += p.needs.DataBackfill
		}
		if s.NBPool = nd.AllocateNetBufferPool(pool.NBPoolParameters{DataSize: size, PoolTag: p.tag}); s.NBPool.IsNull() {
			s.FreePools(nd)
			return s, false
		}
	}
	p.poolNeeds = p.needs
	return s, true
}

// buildSend allocates an NBL for bytes of payload with room for the whole
// stack in front of the protocol's own header, then retreats over the header
// as a real protocol does when it writes it. NULL when an allocation failed.
func (p *configurable) buildSend(nd *binding.NDIS, bytes uint32) pool.NBL {
	data, need := p.sizing()
	ctxBackfill := designkit.AlignContext(need, nd.MAA())
	hdr := p.cfg.Send.Header
	ctx := p.cfg.NBLPool.ContextSize
	if p.cfg.Send.API == SendCombined {
		nbl := nd.AllocateNetBufferAndNetBufferList(p.NBLPool, ctx, ctxBackfill, 1, data+hdr, bytes)
		if !nbl.IsNull() && hdr > 0 {
			nd.RetreatNetBufferDataStart(nd.FirstNB(nbl), hdr, 0)
		}
		return nbl
	}
	nbl := nd.AllocateNetBufferList(p.NBLPool, ctx, ctxBackfill)
	if nbl.IsNull() {
		return nbl
	}
	for range p.cfg.Send.NetBuffers {
		var nb pool.NB
		if p.cfg.NBPool.DataSize > 0 {
			nb = nd.AllocateNetBufferMdlAndData(p.NBPool)
			if !nb.IsNull() {
				nd.AdvanceNetBufferDataStart(nb, data, false)
			}
		} else {
			nb = nd.AllocateNetBuffer(p.NBPool, 1, data+hdr, bytes)
			if !nb.IsNull() && hdr > 0 {
				nd.RetreatNetBufferDataStart(nb, hdr, 0)
			}
		}
		if nb.IsNull() {
			p.freeSend(nd, nbl)
			return pool.NBL{}
		}
		nd.LinkNetBuffer(nbl, nb)
	}
	return nbl
}

// freeSend frees the NBs it allocated separately, then the NBL: NDIS frees
// only the NB that came with an NBL.
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
