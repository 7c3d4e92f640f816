package design

import (
	"github.com/ndissim/ndissim/binding"
	"github.com/ndissim/ndissim/designkit"
	"github.com/ndissim/ndissim/oid"
	"github.com/ndissim/ndissim/pool"
)

// The receive and request paths of ndisprot (recv.c, ndisprotDoRequest).

// ReceiveNetBufferLists is NdisprotReceiveNetBufferLists. While Pausing or
// Paused it returns everything at once. Otherwise a receive is kept as it
// is only when a read is waiting and the miniport lets it be pended; it is
// copied into a local NBL from the receive pool otherwise, and the original
// returned.
func (p *ndisprot) ReceiveNetBufferLists(nd *binding.NDIS, nbls []pool.NBL, flags binding.ReceiveFlags) {
	canPend := flags&binding.ReceiveResources == 0
	if p.state != protRunning {
		for _, nbl := range nbls {
			if canPend {
				nd.ReturnNetBufferLists(nbl, designkit.ReturnFlagsOf(flags))
			}
		}
		return
	}
	for _, nbl := range nbls {
		if p.pendedReads > 0 && canPend {
			p.queueReceive(nd, queued{nbl: nbl})
			continue
		}
		if local := nd.AllocateNetBufferAndNetBufferList(p.recvPool, 0, 0, 1, 0, oid.MaxFrameSize); !local.IsNull() {
			p.queueReceive(nd, queued{nbl: local, local: true})
		}
		if canPend {
			nd.ReturnNetBufferLists(nbl, designkit.ReturnFlagsOf(flags))
		}
	}
}

// queueReceive is ndisprotQueueReceiveNetBufferList: the queue keeps at
// most maxQueued, dropping its head, and the reads waiting are served.
func (p *ndisprot) queueReceive(nd *binding.NDIS, q queued) {
	p.queue = append(p.queue, q)
	if len(p.queue) > maxQueued {
		p.release(nd, p.queue[0])
		p.queue = append(p.queue[:0], p.queue[1:]...)
	}
	p.serviceReads(nd)
}

// serviceReads is ndisprotServiceReads: each waiting read takes the head
// of the queue, copies it and releases it.
func (p *ndisprot) serviceReads(nd *binding.NDIS) {
	for p.pendedReads > 0 && len(p.queue) > 0 {
		p.release(nd, p.queue[0])
		p.queue = append(p.queue[:0], p.queue[1:]...)
		p.pendedReads--
	}
}

// release is ndisprotFreeReceiveNetBufferList: a local copy is freed, a
// received NBL returned. Like the sample it passes no DISPATCH_LEVEL flag,
// which is always legal.
func (p *ndisprot) release(nd *binding.NDIS, q queued) {
	if q.local {
		nd.FreeNetBufferList(q.nbl)
	} else {
		nd.ReturnNetBufferLists(q.nbl, 0)
	}
}

func (p *ndisprot) flushQueue(nd *binding.NDIS) {
	for _, q := range p.queue {
		p.release(nd, q)
	}
	p.queue = p.queue[:0]
}

// doRequest is ndisprotDoRequest for a set to 0 (an empty packet filter or
// multicast list): it names the request itself, counts it as pended I/O,
// and waits on the request's own event when it pends; the completion may
// come before NdisOidRequest returns, and sets the event all the same.
func (p *ndisprot) doRequest(nd *binding.NDIS, o oid.OID) binding.Status {
	p.nextReq++
	p.req = protRequest{id: binding.OwnRequestID + p.nextReq}
	nd.InitializeEvent(&p.req.event)
	p.pendedSends++
	_, res := nd.OidRequest(oid.Request{ID: p.req.id, Type: oid.Set, OID: o, Value: 0})
	if res.Status != binding.StatusPending {
		p.ioDone(nd)
		return res.Status
	}
	nd.WaitEvent(&p.req.event, 0)
	return p.req.result.Status
}

// OidRequestComplete is NdisprotRequestComplete: it records the status and
// sets the waiter's event, both legal at DISPATCH_LEVEL.
func (p *ndisprot) OidRequestComplete(nd *binding.NDIS, req oid.Request, res oid.Result) {
	if req.ID != p.req.id {
		return
	}
	p.req.result = res
	nd.SetEvent(&p.req.event)
	p.ioDone(nd)
}

// queued is a receive on ndisprot's queue.
type queued struct {
	nbl   pool.NBL
	local bool // a copy in the protocol's own NBL, freed; else returned
}

// ndisprotPools creates the sample's two NBL pools.
func ndisprotPools(nd *binding.NDIS) (send, recv pool.NBLPool, ok bool) {
	send = nd.AllocateNetBufferListPool(ndisprotSendPool)
	if send.IsNull() {
		return send, recv, false
	}
	recv = nd.AllocateNetBufferListPool(ndisprotRecvPool)
	if recv.IsNull() {
		nd.FreeNetBufferListPool(send)
		return pool.NBLPool{}, recv, false
	}
	return send, recv, true
}
