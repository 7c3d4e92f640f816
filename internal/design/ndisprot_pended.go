package design

import (
	"github.com/ndissim/ndissim/binding"
	"github.com/ndissim/ndissim/oid"
	"github.com/ndissim/ndissim/pool"
	"github.com/ndissim/ndissim/sim"
)

// ndisprotPended is ndisprot written in the pend-and-complete form instead
// of the sample's blocking waits: the pause returns PENDING while sends are
// in flight, the unbind returns PENDING while its packet-filter set or the
// close is pending, and the work item (PASSIVE_LEVEL) completes both, since
// send-complete and OID-complete may run at DISPATCH_LEVEL. Pools, sends and
// receives are the sample's model of before: pools at bind, never rebuilt,
// the combined call without backfill, receives queued or copied.
type ndisprotPended struct {
	sendPool, recvPool pool.NBLPool
	running            bool
	pendedSends        int      // PendedSendCount
	queue              []queued // the receive queue a read drains
	pause              binding.PnPEvent
	pausing            bool // a pended pause, completed by the work item
	closing            bool
	filterReq          uint32 // the unbind's packet-filter set
	filterPending      bool   // pended and not yet completed
	closeWait          bool   // the unbind waits for the set before it closes
	nextReq            uint32
}

type queued struct {
	nbl   pool.NBL
	local bool // a copy in the protocol's own NBL, freed; else returned
}

// sendContext is sizeof(NPROT_SEND_NETBUFLIST_RSVD) on 64-bit: an IRP
// pointer and a reference count, rounded to MEMORY_ALLOCATION_ALIGNMENT.
const sendContext = 16

// maxQueued is how many received NBLs ndisprot keeps for pending reads.
const maxQueued = 4

// ndisprotTag is the sample's pool tag, 'NPro'.
const ndisprotTag pool.Tag = 'N' | 'P'<<8 | 'r'<<16 | 'o'<<24

func newNdisprotPended() binding.Protocol { return &ndisprotPended{} }

func (p *ndisprotPended) BindAdapter(nd *binding.NDIS, _ oid.BindParameters) binding.Status {
	*p = ndisprotPended{queue: p.queue[:0], nextReq: p.nextReq}
	var ok bool
	if p.sendPool, p.recvPool, ok = ndisprotPools(nd); !ok {
		return binding.StatusResources
	}
	switch nd.OpenAdapter() {
	case binding.StatusSuccess:
		return binding.StatusSuccess
	case binding.StatusPending:
		return binding.StatusPending
	}
	p.freePools(nd)
	return binding.StatusFailure
}

// ndisprotPools creates the sample's two NBL pools: sends with its context,
// receive copies without; both with an NB per NBL and no data.
func ndisprotPools(nd *binding.NDIS) (send, recv pool.NBLPool, ok bool) {
	send = nd.AllocateNetBufferListPool(pool.NBLPoolParameters{
		ProtocolID: pool.ProtocolIDIPX, ContextSize: sendContext, AllocateNetBuffer: true, PoolTag: ndisprotTag})
	if send.IsNull() {
		return send, recv, false
	}
	recv = nd.AllocateNetBufferListPool(pool.NBLPoolParameters{
		ProtocolID: pool.ProtocolIDIPX, AllocateNetBuffer: true, PoolTag: ndisprotTag})
	if recv.IsNull() {
		nd.FreeNetBufferListPool(send)
		return pool.NBLPool{}, recv, false
	}
	return send, recv, true
}

func (p *ndisprotPended) OpenAdapterComplete(nd *binding.NDIS, st binding.Status) {
	if st != binding.StatusSuccess {
		p.freePools(nd)
	}
	nd.CompleteBindAdapter(st)
}

func (p *ndisprotPended) NetPnPEvent(nd *binding.NDIS, ev binding.PnPEvent) binding.Status {
	if ev.Kind == binding.NetEventRestart {
		// Reads only MTU and MacOptions from the attributes: no backfill use,
		// no pool rebuild.
		p.running = true
		return binding.StatusSuccess
	}
	p.running = false
	p.flush(nd)
	if p.pendedSends > 0 {
		p.pausing, p.pause = true, ev // the work item completes it
		return binding.StatusPending
	}
	return binding.StatusSuccess
}

func (p *ndisprotPended) Write(nd *binding.NDIS, bytes uint32) {
	if !p.running || p.closing {
		return // NdisprotWrite fails with STATUS_INVALID_HANDLE
	}
	nbl := nd.AllocateNetBufferAndNetBufferList(p.sendPool, sendContext, 0, 1, 0, bytes)
	if nbl.IsNull() {
		return
	}
	p.pendedSends++
	nd.SetSourceHandle(nbl)
	nd.SendNetBufferLists(nbl, 0)
}

func (p *ndisprotPended) SendNetBufferListsComplete(nd *binding.NDIS, nbl pool.NBL, _ binding.Status, _ binding.SendCompleteFlags) {
	nd.FreeNetBufferList(nbl)
	p.pendedSends--
}

func (p *ndisprotPended) ReceiveNetBufferLists(nd *binding.NDIS, nbls []pool.NBL, flags binding.ReceiveFlags) {
	resources := flags&binding.ReceiveResources != 0
	for _, nbl := range nbls {
		switch {
		case !p.running:
			if !resources {
				nd.ReturnNetBufferLists(nbl, returnFlags(flags))
			}
		case !resources && len(p.queue) < maxQueued:
			p.queue = append(p.queue, queued{nbl: nbl})
		default:
			p.copyReceive(nd, nbl, flags)
		}
	}
}

// copyReceive copies a receive no read can take now into a local NBL, and
// returns the original unless the miniport takes it back itself.
func (p *ndisprotPended) copyReceive(nd *binding.NDIS, nbl pool.NBL, flags binding.ReceiveFlags) {
	if local := nd.AllocateNetBufferAndNetBufferList(p.recvPool, 0, 0, 1, 0, oid.MaxFrameSize); !local.IsNull() {
		if len(p.queue) < 2*maxQueued {
			p.queue = append(p.queue, queued{nbl: local, local: true})
		} else {
			nd.FreeNetBufferList(local)
		}
	}
	if flags&binding.ReceiveResources == 0 {
		nd.ReturnNetBufferLists(nbl, returnFlags(flags))
	}
}

// WorkItem is a read from the application, which drains the receive queue,
// and the deferred work of a pended pause or unbind.
func (p *ndisprotPended) WorkItem(nd *binding.NDIS) {
	p.flush(nd)
	if p.pausing && p.pendedSends == 0 {
		p.pausing = false
		nd.CompleteNetPnPEvent(p.pause, binding.StatusSuccess)
	}
	if p.closeWait && !p.filterPending {
		p.closeWait = false
		if p.close(nd) == binding.StatusSuccess {
			nd.CompleteUnbindAdapter()
		}
	}
}

func (p *ndisprotPended) flush(nd *binding.NDIS) {
	for _, q := range p.queue {
		if q.local {
			nd.FreeNetBufferList(q.nbl)
		} else {
			nd.ReturnNetBufferLists(q.nbl, 0)
		}
	}
	p.queue = p.queue[:0]
}

// UnbindAdapter follows ndisprotShutdownBinding: packet filter 0, flush the
// queue, close, free the pools; it pends for a set or a close that pended.
func (p *ndisprotPended) UnbindAdapter(nd *binding.NDIS) binding.Status {
	p.closing = true
	p.nextReq++
	p.filterReq, p.filterPending = binding.OwnRequestID+p.nextReq, true
	_, res := nd.OidRequest(oid.Request{ID: p.filterReq, Type: oid.Set, OID: oid.OIDGenCurrentPacketFilter, Value: 0})
	if res.Status != binding.StatusPending {
		p.filterPending = false
	}
	if p.filterPending {
		p.closeWait = true // the work item closes once the set completes
		return binding.StatusPending
	}
	return p.close(nd)
}

// OidRequestComplete only notes the set's completion: it may run at
// DISPATCH_LEVEL, where the close is not allowed, and may come before
// NdisOidRequest has returned.
func (p *ndisprotPended) OidRequestComplete(_ *binding.NDIS, req oid.Request, _ oid.Result) {
	if req.ID == p.filterReq {
		p.filterPending = false
	}
}

func (p *ndisprotPended) close(nd *binding.NDIS) binding.Status {
	p.flush(nd)
	if nd.CloseAdapter() == binding.StatusPending {
		return binding.StatusPending
	}
	p.freePools(nd)
	return binding.StatusSuccess
}

func (p *ndisprotPended) CloseAdapterComplete(nd *binding.NDIS) {
	p.freePools(nd)
	nd.CompleteUnbindAdapter()
}

func (p *ndisprotPended) freePools(nd *binding.NDIS) {
	for _, h := range []*pool.NBLPool{&p.sendPool, &p.recvPool} {
		if !h.IsNull() {
			nd.FreeNetBufferListPool(*h)
			*h = pool.NBLPool{}
		}
	}
}

func init() {
	sim.MustRegister(sim.GoDesign{
		Name:    "ndisprot-pended",
		Summary: "ndisprot in the pend-and-complete form: pause and unbind pend, the work item completes them at PASSIVE_LEVEL",
		New:     newNdisprotPended,
		Stack:   demoStack,
		Changes: demoChanges(),
	})
}
