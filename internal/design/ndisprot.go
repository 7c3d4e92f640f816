package design

import (
	"github.com/ndissim/ndissim/binding"
	"github.com/ndissim/ndissim/oid"
	"github.com/ndissim/ndissim/pool"
	"github.com/ndissim/ndissim/sim"
)

// ndisprot models the NDIS sample protocol driver (Windows-driver-samples,
// network/ndis/ndisprot/6x): two NBL pools made at bind and never rebuilt,
// sends with the combined call and no data backfill, a pause that waits for
// pended sends, receives copied or queued and returned. It must draw no
// error finding on any stack; with filters that need backfill below it, it
// draws the shortfall warnings its design earns.
type ndisprot struct {
	sendPool, recvPool pool.NBLPool
	running, pausing   bool
	pendedSends        int      // PendedSendCount
	queue              []queued // the receive queue a read drains
	closing            bool
	filterReq          uint32 // the packet-filter OID of the unbind, if pended
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

func newNdisprot() binding.Protocol { return &ndisprot{} }

func (p *ndisprot) BindAdapter(nd *binding.NDIS, _ oid.BindParameters) binding.Status {
	*p = ndisprot{queue: p.queue[:0]}
	p.sendPool = nd.AllocateNetBufferListPool(pool.NBLPoolParameters{
		ProtocolID: pool.ProtocolIDIPX, ContextSize: sendContext, AllocateNetBuffer: true, PoolTag: 'N' | 'P'<<8 | 'r'<<16 | 'o'<<24})
	p.recvPool = nd.AllocateNetBufferListPool(pool.NBLPoolParameters{
		ProtocolID: pool.ProtocolIDIPX, AllocateNetBuffer: true, PoolTag: 'N' | 'P'<<8 | 'r'<<16 | 'o'<<24})
	if p.sendPool.IsNull() || p.recvPool.IsNull() {
		p.freePools(nd)
		return binding.StatusResources
	}
	switch nd.OpenAdapter() {
	case binding.StatusSuccess:
		return binding.StatusSuccess
	case binding.StatusPending:
		return binding.StatusPending // waits on the open's completion event
	}
	p.freePools(nd)
	return binding.StatusFailure
}

func (p *ndisprot) OpenAdapterComplete(nd *binding.NDIS, st binding.Status) {
	if st != binding.StatusSuccess {
		p.freePools(nd)
	}
	nd.CompleteBindAdapter(st)
}

func (p *ndisprot) NetPnPEvent(nd *binding.NDIS, ev binding.PnPEvent) binding.Status {
	if ev.Kind == binding.NetEventRestart {
		// Reads only MTU and MacOptions from the attributes: no backfill use,
		// no pool rebuild.
		p.running = true
		return binding.StatusSuccess
	}
	p.running = false
	if p.pendedSends > 0 {
		p.pausing = true // polls PendedSendCount; here, finished by send-complete
		return binding.StatusPending
	}
	p.flush(nd)
	return binding.StatusSuccess
}

func (p *ndisprot) Write(nd *binding.NDIS, bytes uint32) {
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

func (p *ndisprot) SendNetBufferListsComplete(nd *binding.NDIS, nbl pool.NBL, _ binding.Status, _ binding.SendCompleteFlags) {
	nd.FreeNetBufferList(nbl)
	p.pendedSends--
	if p.pausing && p.pendedSends == 0 {
		p.pausing = false
		p.flush(nd)
		nd.CompleteNetPnPEvent(binding.StatusSuccess)
	}
}

func (p *ndisprot) ReceiveNetBufferLists(nd *binding.NDIS, nbls []pool.NBL, flags binding.ReceiveFlags) {
	resources := flags&binding.ReceiveResources != 0
	for _, nbl := range nbls {
		switch {
		case !p.running:
			if !resources {
				nd.ReturnNetBufferLists(nbl, 0)
			}
		case !resources && len(p.queue) < maxQueued:
			p.queue = append(p.queue, queued{nbl: nbl})
		default:
			// No read can take it now: copy into a local NBL.
			if local := nd.AllocateNetBufferAndNetBufferList(p.recvPool, 0, 0, 1, 0, oid.MaxFrameSize); !local.IsNull() && len(p.queue) < 2*maxQueued {
				p.queue = append(p.queue, queued{nbl: local, local: true})
			} else if !local.IsNull() {
				nd.FreeNetBufferList(local)
			}
			if !resources {
				nd.ReturnNetBufferLists(nbl, 0)
			}
		}
	}
}

// WorkItem is a read from the application: it drains the receive queue.
func (p *ndisprot) WorkItem(nd *binding.NDIS) { p.flush(nd) }

func (p *ndisprot) flush(nd *binding.NDIS) {
	for _, q := range p.queue {
		if q.local {
			nd.FreeNetBufferList(q.nbl)
		} else {
			nd.ReturnNetBufferLists(q.nbl, 0)
		}
	}
	p.queue = p.queue[:0]
}

// UnbindAdapter follows ndisprotShutdownBinding: packet filter 0, wait for
// I/O, flush the queue, close, free the pools.
func (p *ndisprot) UnbindAdapter(nd *binding.NDIS) binding.Status {
	p.closing = true
	req, res := nd.OidRequest(oid.Request{Type: oid.Set, OID: oid.OIDGenCurrentPacketFilter, Value: 0})
	if res.Status == binding.StatusPending {
		p.filterReq = req.ID
		return binding.StatusPending
	}
	return p.close(nd)
}

func (p *ndisprot) OidRequestComplete(nd *binding.NDIS, req oid.Request, _ oid.Result) {
	if req.ID == p.filterReq && p.closing {
		p.filterReq = 0
		if p.close(nd) == binding.StatusSuccess {
			nd.CompleteUnbindAdapter()
		}
	}
}

func (p *ndisprot) close(nd *binding.NDIS) binding.Status {
	p.flush(nd)
	if nd.CloseAdapter() == binding.StatusPending {
		return binding.StatusPending
	}
	p.freePools(nd)
	return binding.StatusSuccess
}

func (p *ndisprot) CloseAdapterComplete(nd *binding.NDIS) {
	p.freePools(nd)
	nd.CompleteUnbindAdapter()
}

func (p *ndisprot) freePools(nd *binding.NDIS) {
	for _, h := range []*pool.NBLPool{&p.sendPool, &p.recvPool} {
		if !h.IsNull() {
			nd.FreeNetBufferListPool(*h)
			*h = pool.NBLPool{}
		}
	}
}

func init() {
	sim.MustRegister(sim.GoDesign{
		Name:    "ndisprot",
		Summary: "model of the NDIS sample protocol driver: pools at bind, combined call without backfill, never rebuilt",
		New:     newNdisprot,
		Stack:   demoStack,
		Changes: demoChanges(),
	})
}
