package design

import (
	"github.com/ndissim/ndissim/binding"
	"github.com/ndissim/ndissim/designkit"
	"github.com/ndissim/ndissim/oid"
	"github.com/ndissim/ndissim/pool"
	"github.com/ndissim/ndissim/sim"
)

// ndisprot models the NDIS sample protocol driver (Windows-driver-samples,
// network/ndis/ndisprot/6x/sys) as it is written: two NBL pools made at bind
// and never rebuilt; an open, and at unbind a close, that wait on an event
// when they pend; sends with the combined call and no backfill, counted in
// a PendedSendCount that counts its OID requests too; a pause that polls
// that count with NdisMSleep and returns SUCCESS; receives kept only for a
// read that is waiting, copied otherwise; and an unbind that clears the
// packet filter and the multicast list, waits for its I/O and closes. It
// must draw no error on any stack; below filters that need backfill it
// draws the shortfall warnings its design earns.
type ndisprot struct {
	sendPool, recvPool pool.NBLPool
	state              protState
	pendedSends        int           // PendedSendCount: sends and OID requests
	pendedReads        int           // read IRPs waiting for data
	queue              []queued      // RecvNetBufListQueue
	bindEvent          binding.Event // the open's or the close's completion
	bindStatus         binding.Status
	closingEvent       binding.Event // PendedSendCount reached 0 while closing
	req                protRequest
	nextReq            uint32
}

// protState is the sample's NDISPROT_OPEN_CONTEXT State with its bind flags
// folded in: reads and writes need protRunning or protPaused to be active.
type protState uint8

const (
	protOpening protState = iota
	protPaused
	protRunning
	protPausing
	protClosing
)

// protRequest is the sample's NDISPROT_REQUEST: the request, its own event
// and the status its completion left.
type protRequest struct {
	id     uint32
	event  binding.Event
	result oid.Result
}

// maxPendedReads is how many reads the application keeps posted.
const maxPendedReads = 4

func newNdisprot() binding.Protocol { return &ndisprot{} }

// BindAdapter is ndisprotCreateBinding: pools first, then the open, waited
// for on BindEvent when it pends; the binding is Paused when it returns.
func (p *ndisprot) BindAdapter(nd *binding.NDIS, _ oid.BindParameters) binding.Status {
	*p = ndisprot{queue: p.queue[:0], nextReq: p.nextReq}
	var ok bool
	if p.sendPool, p.recvPool, ok = ndisprotPools(nd); !ok {
		return binding.StatusResources
	}
	nd.InitializeEvent(&p.bindEvent)
	st := nd.OpenAdapter()
	if st == binding.StatusPending {
		nd.WaitEvent(&p.bindEvent, 0)
		st = p.bindStatus
	}
	if st != binding.StatusSuccess {
		p.freePools(nd)
		return binding.StatusFailure
	}
	p.state = protPaused
	return binding.StatusSuccess
}

func (p *ndisprot) OpenAdapterComplete(nd *binding.NDIS, st binding.Status) {
	p.bindStatus = st
	nd.SetEvent(&p.bindEvent)
}

func (p *ndisprot) NetPnPEvent(nd *binding.NDIS, ev binding.PnPEvent) binding.Status {
	if ev.Kind == binding.NetEventRestart {
		// Reads only MTU and MacOptions from the attributes: no backfill use,
		// no pool rebuild.
		p.state = protRunning
		return binding.StatusSuccess
	}
	p.state = protPausing
	for p.pendedSends > 0 {
		nd.Sleep(designkit.PausePoll) // completions arrive meanwhile
	}
	p.flushQueue(nd)
	p.state = protPaused
	return binding.StatusSuccess
}

// Write is NdisprotWrite: the user's buffer is the MDL, no backfill.
func (p *ndisprot) Write(nd *binding.NDIS, bytes uint32) {
	if p.state != protRunning {
		return // STATUS_INVALID_HANDLE, or the binding is not running
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
	p.ioDone(nd)
}

// ioDone counts a send or OID request done, and wakes a closing unbind
// that waits for the last (NdisSetEvent is legal at DISPATCH_LEVEL).
func (p *ndisprot) ioDone(nd *binding.NDIS) {
	p.pendedSends--
	if p.state == protClosing && p.pendedSends == 0 {
		nd.SetEvent(&p.closingEvent)
	}
}

// WorkItem is a read (NdisprotRead): it pends until data is queued.
func (p *ndisprot) WorkItem(nd *binding.NDIS) {
	if p.state != protRunning && p.state != protPaused && p.state != protPausing {
		return // STATUS_INVALID_HANDLE: the binding is not active
	}
	if p.pendedReads < maxPendedReads {
		p.pendedReads++
	}
	p.serviceReads(nd)
}

// UnbindAdapter is ndisprotShutdownBinding; it never pends.
func (p *ndisprot) UnbindAdapter(nd *binding.NDIS) binding.Status {
	p.state = protClosing
	p.doRequest(nd, oid.OIDGenCurrentPacketFilter)
	p.doRequest(nd, oid.OID8023MulticastList)
	p.waitForPendingIO(nd)
	p.flushQueue(nd)
	nd.InitializeEvent(&p.bindEvent)
	if nd.CloseAdapter() == binding.StatusPending {
		nd.WaitEvent(&p.bindEvent, 0)
	}
	p.freePools(nd)
	return binding.StatusSuccess
}

// waitForPendingIO waits for the sends and requests in flight, then
// cancels the reads still posted.
func (p *ndisprot) waitForPendingIO(nd *binding.NDIS) {
	if p.pendedSends > 0 {
		nd.InitializeEvent(&p.closingEvent)
		nd.WaitEvent(&p.closingEvent, 0)
	}
	p.pendedReads = 0
}

func (p *ndisprot) CloseAdapterComplete(nd *binding.NDIS) {
	p.bindStatus = binding.StatusSuccess
	nd.SetEvent(&p.bindEvent)
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
		Summary: "model of the NDIS sample protocol driver as written: blocking open, close and OID waits, a pause that sleeps until its sends are done",
		New:     newNdisprot,
		Stack:   demoStack,
		Changes: demoChanges(),
	})
}
