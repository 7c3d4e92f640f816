package design

import (
	"github.com/ndissim/ndissim/binding"
	"github.com/ndissim/ndissim/fsm"
	"github.com/ndissim/ndissim/oid"
	"github.com/ndissim/ndissim/pool"
)

// The catalogue of deliberately broken designs. Each one is brokenBase, a
// small protocol that follows the contract, with exactly one behaviour
// replaced by a bug real drivers ship: the design's type embeds brokenBase
// and overrides the callback the bug lives in, or sets the one pool or send
// parameter that is wrong. The designs prove that every rule of the
// catalogue fires, and fires alone; docs/broken-designs.md lists them.

const (
	// brokenCtx is the protocol's own per-NBL context (sizeof a pointer
	// and a reference count on 64-bit, rounded to MEMORY_ALLOCATION_ALIGNMENT).
	brokenCtx = 16
	// brokenHdr is the protocol's own header, written into the backfill
	// with NdisRetreatNetBufferDataStart before a send.
	brokenHdr = 14
	// brokenMaxHeld is how many received NBLs the protocol keeps for reads.
	brokenMaxHeld = 4
	// brokenTag is the pool tag: 'Brkn'.
	brokenTag pool.Tag = 'B' | 'r'<<8 | 'k'<<16 | 'n'<<24
)

// baseConfig is what a broken design changes about the base without
// overriding a callback.
type baseConfig struct {
	// separate builds a send from NdisAllocateNetBufferList and a linked
	// NdisAllocateNetBuffer NB instead of the combined call.
	separate bool
	nblPool  pool.NBLPoolParameters
	nbPool   pool.NBPoolParameters // with separate
	// bakeContext sizes the NBL pool's ContextSize for the stack's context
	// backfill (then every NBL has it preallocated) and rebuilds the pools
	// at a restart whose needs outgrow them.
	bakeContext bool
	// afterOpen runs when the open has completed successfully.
	afterOpen func(nd *binding.NDIS)
}

// defaultBaseConfig is the combined call from a pool with fAllocateNetBuffer.
func defaultBaseConfig() baseConfig {
	return baseConfig{nblPool: pool.NBLPoolParameters{
		ProtocolID: pool.ProtocolIDDefault, ContextSize: brokenCtx, AllocateNetBuffer: true, PoolTag: brokenTag}}
}

// separateBaseConfig is an NBL pool without NBs and an NB pool without data:
// the driver links its own NB into each NBL.
func separateBaseConfig() baseConfig {
	return baseConfig{
		separate: true,
		nblPool:  pool.NBLPoolParameters{ProtocolID: pool.ProtocolIDDefault, ContextSize: brokenCtx, PoolTag: brokenTag},
		nbPool:   pool.NBPoolParameters{PoolTag: brokenTag},
	}
}

// brokenBase is the correct protocol the broken designs start from: pools
// at bind, needs from the bind parameters and every restart's attributes,
// the whole stack's backfill on every send, a pause that pends until its
// sends have completed, receives kept while Running and returned by the work
// item or the pause, OID requests waited for before the close, and
// everything freed at unbind. What it pends it finishes from its work item,
// at PASSIVE_LEVEL: send-complete and OID-complete may run at DISPATCH_LEVEL,
// where NdisCompleteNetPnPEvent and NdisCloseAdapterEx are not allowed.
type brokenBase struct {
	cfg baseConfig

	state     fsm.State        // the driver's own copy of the binding state
	pausing   bool             // a pause it pended, finished by the work item
	pauseEv   binding.PnPEvent // the pause it pended, named in its completion
	needs     oid.Needs        // the stack's needs as last learnt
	bindNeeds oid.Needs        // the needs the bind parameters gave
	poolNeeds oid.Needs        // the needs the pools were sized for
	sendPools
	sends     int        // sends not yet completed
	held      []pool.NBL // received NBLs kept for reads
	oids      int        // OID requests not yet completed
	nextReq   uint32     // the ID of its last OID request
	closeWait bool       // the unbind waits for the OID requests to close
}

func newBrokenBase(cfg baseConfig) brokenBase { return brokenBase{cfg: cfg} }

// reset starts a new binding context, keeping the configuration.
func (p *brokenBase) reset() {
	*p = brokenBase{cfg: p.cfg, held: p.held[:0]}
}

func (p *brokenBase) BindAdapter(nd *binding.NDIS, bp oid.BindParameters) binding.Status {
	p.reset()
	p.state = fsm.Opening
	p.needs = oid.Needs{DataBackfill: bp.DataBackFillSize, ContextBackfill: bp.ContextBackFillSize}
	p.bindNeeds = p.needs
	if !p.createPools(nd) {
		return binding.StatusResources
	}
	switch nd.OpenAdapter() {
	case binding.StatusSuccess:
		p.opened(nd)
		return binding.StatusSuccess
	case binding.StatusPending:
		return binding.StatusPending
	}
	p.freePools(nd)
	p.state = fsm.Unbound
	return binding.StatusFailure
}

func (p *brokenBase) OpenAdapterComplete(nd *binding.NDIS, st binding.Status) {
	if st != binding.StatusSuccess {
		p.freePools(nd)
		p.state = fsm.Unbound
		nd.CompleteBindAdapter(binding.StatusFailure)
		return
	}
	p.opened(nd)
	nd.CompleteBindAdapter(binding.StatusSuccess)
}

// opened is the end of a successful bind: the binding is Paused.
func (p *brokenBase) opened(nd *binding.NDIS) {
	p.state = fsm.Paused
	if p.cfg.afterOpen != nil {
		p.cfg.afterOpen(nd)
	}
}

func (p *brokenBase) NetPnPEvent(nd *binding.NDIS, ev binding.PnPEvent) binding.Status {
	if ev.Kind == binding.NetEventPause {
		return p.pause(nd, ev)
	}
	return p.restart(nd, ev)
}

// restart takes the needs from the attributes (a NULL list keeps them),
// rebuilds baked pools that no longer fit (nothing is outstanding: the
// binding is restarting) and starts sending again.
func (p *brokenBase) restart(nd *binding.NDIS, ev binding.PnPEvent) binding.Status {
	if n, ok := ev.Restart.Needs(); ok {
		p.needs = n
	}
	if p.nblPool.IsNull() || (p.cfg.bakeContext && !p.poolNeeds.Covers(p.needs)) {
		p.rebuild(nd)
	}
	p.state = fsm.Running
	return binding.StatusSuccess
}

// rebuild frees the pools and makes new ones. A restart should always
// succeed: when an allocation fails the driver goes on without pools,
// failing its writes, and tries again at the next restart.
func (p *brokenBase) rebuild(nd *binding.NDIS) {
	p.freePools(nd)
	p.createPools(nd)
}

// pause stops new sends, returns the receives it keeps, and pends while
// sends are in flight; the work item completes it once they are done.
func (p *brokenBase) pause(nd *binding.NDIS, ev binding.PnPEvent) binding.Status {
	p.state = fsm.Pausing
	p.returnHeld(nd)
	if p.sends == 0 {
		p.state = fsm.Paused
		return binding.StatusSuccess
	}
	p.pausing, p.pauseEv = true, ev
	return binding.StatusPending
}

// finishPause completes a pended pause whose sends are all done. Only the
// work item calls it: NdisCompleteNetPnPEvent is PASSIVE_LEVEL only.
func (p *brokenBase) finishPause(nd *binding.NDIS) {
	if p.pausing && p.sends == 0 {
		p.pausing = false
		p.state = fsm.Paused
		nd.CompleteNetPnPEvent(p.pauseEv, binding.StatusSuccess)
	}
}

func (p *brokenBase) UnbindAdapter(nd *binding.NDIS) binding.Status {
	p.state = fsm.Closing
	p.returnHeld(nd)
	if p.oids > 0 {
		p.closeWait = true // the work item closes once the requests are done
		return binding.StatusPending
	}
	return p.close(nd)
}

// finishUnbind closes an adapter whose unbind waited for OID requests, from
// the work item (NdisCloseAdapterEx is PASSIVE_LEVEL only).
func (p *brokenBase) finishUnbind(nd *binding.NDIS) {
	if p.closeWait && p.oids == 0 {
		p.closeWait = false
		if p.close(nd) == binding.StatusSuccess {
			nd.CompleteUnbindAdapter()
		}
	}
}

// close closes the adapter and, if that completed, frees the pools.
func (p *brokenBase) close(nd *binding.NDIS) binding.Status {
	if nd.CloseAdapter() == binding.StatusPending {
		return binding.StatusPending
	}
	p.freePools(nd)
	p.state = fsm.Unbound
	return binding.StatusSuccess
}

func (p *brokenBase) CloseAdapterComplete(nd *binding.NDIS) {
	p.freePools(nd)
	p.state = fsm.Unbound
	nd.CompleteUnbindAdapter()
}

func (p *brokenBase) Write(nd *binding.NDIS, bytes uint32) {
	if !p.running() {
		return // the write fails: the binding is not running
	}
	p.sendNew(nd, p.needs.DataBackfill, p.ctxBackfill(nd, p.needs), bytes)
}

// running reports whether the driver may start a send.
func (p *brokenBase) running() bool { return p.state == fsm.Running && !p.nblPool.IsNull() }

// sendNew builds and sends bytes of payload; a failed allocation fails the write.
func (p *brokenBase) sendNew(nd *binding.NDIS, data uint32, ctxBackfill uint16, bytes uint32) {
	if nbl := p.build(nd, data, ctxBackfill, bytes); !nbl.IsNull() {
		p.send(nd, nbl)
	}
}

// send counts the send before making it: its completion may come inside
// NdisSendNetBufferLists.
func (p *brokenBase) send(nd *binding.NDIS, nbl pool.NBL) {
	p.sends++
	nd.SetSourceHandle(nbl)
	nd.SendNetBufferLists(nbl, 0)
}

func (p *brokenBase) SendNetBufferListsComplete(nd *binding.NDIS, nbl pool.NBL, _ binding.Status, _ binding.SendCompleteFlags) {
	p.freeSend(nd, nbl)
	p.sendDone(nd)
}

// sendDone counts a completed send; the work item finishes a pended pause.
func (p *brokenBase) sendDone(_ *binding.NDIS) { p.sends-- }

func (p *brokenBase) ReceiveNetBufferLists(nd *binding.NDIS, nbls []pool.NBL, flags binding.ReceiveFlags) {
	if flags&binding.ReceiveResources != 0 {
		return // copied what it needed; the miniport takes them back
	}
	for _, nbl := range nbls {
		if p.state == fsm.Running && len(p.held) < brokenMaxHeld {
			p.held = append(p.held, nbl)
		} else {
			nd.ReturnNetBufferLists(nbl, 0)
		}
	}
}

// WorkItem is a read from the application, which consumes the kept
// receives, and the driver's deferred work: finishing what it pended.
func (p *brokenBase) WorkItem(nd *binding.NDIS) {
	p.returnHeld(nd)
	p.finishPending(nd)
}

// finishPending completes a pended pause or unbind that has nothing left to
// wait for.
func (p *brokenBase) finishPending(nd *binding.NDIS) {
	p.finishPause(nd)
	p.finishUnbind(nd)
}

func (p *brokenBase) returnHeld(nd *binding.NDIS) {
	for _, nbl := range p.held {
		nd.ReturnNetBufferLists(nbl, 0)
	}
	p.held = p.held[:0]
}

func (p *brokenBase) OidRequestComplete(nd *binding.NDIS, _ oid.Request, _ oid.Result) {
	p.oidDone(nd)
}

// request issues an OID request under an ID of its own, counted before the
// call: its completion may come before NdisOidRequest returns.
// A caller that must recognise the completion chooses r.ID itself
// (requestID); otherwise request does.
func (p *brokenBase) request(nd *binding.NDIS, r oid.Request) (oid.Request, oid.Result) {
	if r.ID == 0 {
		r.ID = p.requestID()
	}
	p.oids++
	r, res := nd.OidRequest(r)
	if res.Status != binding.StatusPending {
		p.oids-- // answered at once: no completion follows
	}
	return r, res
}

// requestID is a new ID of its own for an OID request.
func (p *brokenBase) requestID() uint32 {
	p.nextReq++
	return binding.OwnRequestID + p.nextReq
}

// oidDone counts a completed request; the work item closes an unbind that
// waited for it.
func (p *brokenBase) oidDone(_ *binding.NDIS) { p.oids-- }

// ctxBackfill is the ContextBackFill a send asks for: the stack's need
// rounded up to MEMORY_ALLOCATION_ALIGNMENT, or none when the pool's
// ContextSize already holds it.
func (p *brokenBase) ctxBackfill(nd *binding.NDIS, n oid.Needs) uint16 {
	if p.cfg.bakeContext {
		return 0
	}
	return clampContext(n.ContextBackfill, nd.MAA())
}

func (p *brokenBase) createPools(nd *binding.NDIS) bool {
	params := p.cfg.nblPool
	if p.cfg.bakeContext {
		params.ContextSize = clampContext(uint32(params.ContextSize)+uint32(clampContext(p.needs.ContextBackfill, nd.MAA())), nd.MAA())
	}
	p.nblPool = nd.AllocateNetBufferListPool(params)
	if p.nblPool.IsNull() {
		return false
	}
	if p.cfg.separate {
		p.nbPool = nd.AllocateNetBufferPool(p.cfg.nbPool)
		if p.nbPool.IsNull() {
			nd.FreeNetBufferListPool(p.nblPool)
			p.nblPool = pool.NBLPool{}
			return false
		}
	}
	p.poolNeeds = p.needs
	return true
}

// build allocates an NBL for bytes of payload with data bytes of backfill
// in front of the protocol's header, then retreats over the header as the
// protocol does when it writes it. NULL when an allocation failed.
func (p *brokenBase) build(nd *binding.NDIS, data uint32, ctxBackfill uint16, bytes uint32) pool.NBL {
	if !p.cfg.separate {
		nbl := nd.AllocateNetBufferAndNetBufferList(p.nblPool, brokenCtx, ctxBackfill, 1, data+brokenHdr, bytes)
		if !nbl.IsNull() {
			nd.RetreatNetBufferDataStart(nd.FirstNB(nbl), brokenHdr, 0)
		}
		return nbl
	}
	nbl := nd.AllocateNetBufferList(p.nblPool, brokenCtx, ctxBackfill)
	if nbl.IsNull() {
		return nbl
	}
	nb := nd.AllocateNetBuffer(p.nbPool, 1, data+brokenHdr, bytes)
	if nb.IsNull() {
		nd.FreeNetBufferList(nbl)
		return pool.NBL{}
	}
	nd.LinkNetBuffer(nbl, nb)
	nd.RetreatNetBufferDataStart(nb, brokenHdr, 0)
	return nbl
}

// freeSend frees a completed send: its own NBs first, then the NBL.
func (p *brokenBase) freeSend(nd *binding.NDIS, nbl pool.NBL) {
	if p.cfg.separate {
		for nb := nd.FirstNB(nbl); !nb.IsNull(); {
			next := nd.NextNB(nb)
			nd.FreeNetBuffer(nb)
			nb = next
		}
	}
	nd.FreeNetBufferList(nbl)
}
