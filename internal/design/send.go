package design

import (
	"github.com/ndissim/ndissim/binding"
	"github.com/ndissim/ndissim/designkit"
	"github.com/ndissim/ndissim/pool"
)

// newPools creates the pools the configuration names, sized for the needs
// known now when the sizing is per pool. It returns them rather than
// installing them, so that a rebuild keeps the old pools when it fails.
func (p *configurable) newPools(nd *binding.NDIS) (designkit.Pools, bool) {
	maa := nd.MAA()
	nbl := p.Config.NBLPool
	var nb *pool.NBPoolParameters
	if p.cfg.NBPool != nil { // given with either send.api: made, used or not
		params := p.Config.NBPool
		nb = &params
	}
	if p.cfg.Sizing == SizingPool {
		data := p.Needs.DataBackfill
		nbl.ContextSize = designkit.AlignContext(uint32(nbl.ContextSize)+uint32(designkit.AlignContext(p.Needs.ContextBackfill, maa)), maa)
		nbl.DataSize = withBackfill(nbl.DataSize, data)
		if nb != nil {
			nb.DataSize = withBackfill(nb.DataSize, data)
		}
	}
	s, ok := designkit.NewPools(nd, nbl, nb, p.Config.ReceivePool)
	if ok {
		p.PoolNeeds = p.Needs
	}
	return s, ok
}

// withBackfill is a data pool's DataSize grown by the data backfill; a
// pool without data (0) stays without.
func withBackfill(size, data uint32) uint32 {
	if size > 0 {
		return size + data
	}
	return 0
}

// mayWrite is the state test a write makes before it sends (send.when).
func (p *configurable) mayWrite() bool {
	switch p.cfg.Send.When {
	case SendWhenNotPaused:
		return p.running() || p.Pausing
	case SendWhenOpen:
		return p.open
	}
	return p.running()
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
		p.Sends++
		nd.ReleaseSpinLock(&p.lock)
	case SendLockDpr:
		nd.DprAcquireSpinLock(&p.lock)
		p.Sends++
		nd.DprReleaseSpinLock(&p.lock)
	case SendLockAcrossSend:
		nd.AcquireSpinLock(&p.lock) // released after NdisSendNetBufferLists
		p.Sends++
	default:
		p.Sends++
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
			p.Sends--
			nd.DprReleaseSpinLock(&p.lock)
		} else {
			nd.AcquireSpinLock(&p.lock)
			p.Sends--
			nd.ReleaseSpinLock(&p.lock)
		}
	case SendLockDpr:
		nd.DprAcquireSpinLock(&p.lock)
		p.Sends--
		nd.DprReleaseSpinLock(&p.lock)
	default:
		p.Sends-- // the work item finishes a pended pause
	}
	if p.Sends > 0 {
		return
	}
	p.Wake(nd)
	if p.cfg.Lifecycle.Pause.CompleteFrom == CompleteFromSendComplete {
		p.completePause(nd) // NdisCompleteNetPnPEvent, here and now
	}
}
