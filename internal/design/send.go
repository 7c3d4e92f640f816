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
	if p.cfg.Receive.keep() == ReceiveCopy {
		s.ReceivePool = nd.AllocateNetBufferListPool(pool.NBLPoolParameters{
			ProtocolID: pool.ProtocolIDDefault, AllocateNetBuffer: true, PoolTag: p.tag})
		if s.ReceivePool.IsNull() {
			s.FreePools(nd)
			return s, false
		}
	}
	p.poolNeeds = p.needs
	return s, true
}

// mayWrite is the state test a write makes before it sends (send.when).
func (p *configurable) mayWrite() bool {
	switch p.cfg.Send.When {
	case SendWhenNotPaused:
		return p.running || p.pausing
	case SendWhenOpen:
		return p.open
	}
	return p.running
}

func (p *configurable) Write(nd *binding.NDIS, bytes uint32) {
	if !p.mayWrite() {
		return // a real protocol fails the write: the binding is not running
	}
	if p.NBLPool.IsNull() {
		if p.cfg.Lifecycle.CreatePools != PoolsAtFirstWrite {
			return
		}
		pools, ok := p.newPools(nd)
		if !ok {
			return // the write fails; the next one tries again
		}
		p.Pools = pools
	}
	p.send(nd, bytes)
}

// send builds and sends bytes of payload. It counts the send before making
// it, under its spin lock if it has one: the completion may come inside
// NdisSendNetBufferLists.
func (p *configurable) send(nd *binding.NDIS, bytes uint32) {
	nbl := p.buildSend(nd, bytes)
	if nbl.IsNull() {
		return // low resources: the write fails
	}
	s := p.cfg.Send
	switch s.Lock {
	case SendLockSpin:
		nd.AcquireSpinLock(&p.lock)
		p.sends++
		nd.ReleaseSpinLock(&p.lock)
	case SendLockDpr:
		nd.DprAcquireSpinLock(&p.lock)
		p.sends++
		nd.DprReleaseSpinLock(&p.lock)
	case SendLockAcrossSend:
		nd.AcquireSpinLock(&p.lock) // released after NdisSendNetBufferLists
		p.sends++
	default:
		p.sends++
	}
	if s.SourceHandle {
		nd.SetSourceHandle(nbl)
	}
	var flags binding.SendFlags
	if s.Flags == SendFlagsDispatch || s.Flags == SendFlagsFromIrql && s.Lock == SendLockAcrossSend {
		flags = binding.SendDispatchLevel
	}
	nd.SendNetBufferLists(nbl, flags)
	if s.Lock == SendLockAcrossSend {
		nd.ReleaseSpinLock(&p.lock)
	}
}

func (p *configurable) SendNetBufferListsComplete(nd *binding.NDIS, nbl pool.NBL, st binding.Status, flags binding.SendCompleteFlags) {
	if st == binding.StatusSuccess || p.cfg.Send.OnFailure == SendFailureFree {
		p.freeSend(nd, nbl)
	} // else the failed NBL is never freed
	p.sendDone(nd, flags)
}

// sendDone counts a completed send, under the send lock if it has one,
// and wakes a pause that waits for the last one; with pause.complete_from:
// send-complete it completes a pended pause itself.
func (p *configurable) sendDone(nd *binding.NDIS, flags binding.SendCompleteFlags) {
	switch dispatch := flags&binding.SendCompleteDispatchLevel != 0; p.cfg.Send.Lock {
	case SendLockSpin, SendLockAcrossSend:
		if dispatch {
			nd.DprAcquireSpinLock(&p.lock)
			p.sends--
			nd.DprReleaseSpinLock(&p.lock)
		} else {
			nd.AcquireSpinLock(&p.lock)
			p.sends--
			nd.ReleaseSpinLock(&p.lock)
		}
	case SendLockDpr:
		nd.DprAcquireSpinLock(&p.lock)
		p.sends--
		nd.DprReleaseSpinLock(&p.lock)
	default:
		p.sends-- // the work item finishes a pended pause
	}
	if p.sends > 0 {
		return
	}
	p.wake(nd)
	if p.cfg.Lifecycle.Pause.CompleteFrom == CompleteFromSendComplete {
		p.completePause(nd) // NdisCompleteNetPnPEvent, here and now
	}
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
