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
// the whole stack's backfill on every send, a pause that pends until the
// last send-complete, receives kept while Running and returned by the work
// item or the pause, OID requests waited for before the close, and
// everything freed at unbind.
type brokenBase struct {
	cfg baseConfig

	state     fsm.State // the driver's own copy of the binding state
	pausing   bool      // a pause it pended, finished by the last send-complete
	needs     oid.Needs // the stack's needs as last learnt
	bindNeeds oid.Needs // the needs the bind parameters gave
	poolNeeds oid.Needs // the needs the pools were sized for
	sendPools
	sends     int        // sends not yet completed
	held      []pool.NBL // received NBLs kept for reads
	oids      int        // OID requests that returned PENDING
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
		return p.pause(nd)
	}
	return p.restart(nd, ev)
}

// restart takes the needs from the attributes (a NULL list keeps them),
// rebuilds baked pools that no longer fit (nothing is outstanding: the
// binding is paused) and starts sending again.
func (p *brokenBase) restart(nd *binding.NDIS, ev binding.PnPEvent) binding.Status {
	if n, ok := ev.Restart.Needs(); ok {
		p.needs = n
	}
	if p.nblPool.IsNull() || (p.cfg.bakeContext && !p.poolNeeds.Covers(p.needs)) {
		p.freePools(nd)
		if !p.createPools(nd) {
			p.state = fsm.Paused
			return binding.StatusResources
		}
	}
	p.state = fsm.Running
	return binding.StatusSuccess
}

// pause stops new sends, returns the receives it keeps, and pends until
// the last send-complete if sends are in flight.
func (p *brokenBase) pause(nd *binding.NDIS) binding.Status {
	p.state = fsm.Pausing
	p.returnHeld(nd)
	if p.sends == 0 {
		p.state = fsm.Paused
		return binding.StatusSuccess
	}
	p.pausing = true
	return binding.StatusPending
}

func (p *brokenBase) UnbindAdapter(nd *binding.NDIS) binding.Status {
	p.state = fsm.Closing
	p.returnHeld(nd)
	if p.oids > 0 {
		p.closeWait = true // closes when the last request completes
		return binding.StatusPending
	}
	return p.close(nd)
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

// sendDone counts a completed send and finishes a pended pause with the last.
func (p *brokenBase) sendDone(nd *binding.NDIS) {
	p.sends--
	if p.pausing && p.sends == 0 {
		p.pausing = false
		p.state = fsm.Paused
		nd.CompleteNetPnPEvent(binding.StatusSuccess)
	}
}

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

// WorkItem is a read from the application: it consumes the kept receives.
func (p *brokenBase) WorkItem(nd *binding.NDIS) { p.returnHeld(nd) }

func (p *brokenBase) returnHeld(nd *binding.NDIS) {
	for _, nbl := range p.held {
		nd.ReturnNetBufferLists(nbl, 0)
	}
	p.held = p.held[:0]
}

func (p *brokenBase) OidRequestComplete(nd *binding.NDIS, _ oid.Request, _ oid.Result) {
	p.oidDone(nd)
}

// request issues an OID request, counting it if it pends.
func (p *brokenBase) request(nd *binding.NDIS, r oid.Request) (oid.Request, oid.Result) {
	r, res := nd.OidRequest(r)
	if res.Status == binding.StatusPending {
		p.oids++
	}
	return r, res
}

// oidDone counts a completed request and finishes an unbind waiting for it.
func (p *brokenBase) oidDone(nd *binding.NDIS) {
	p.oids--
	if p.closeWait && p.oids == 0 {
		p.closeWait = false
		if p.close(nd) == binding.StatusSuccess {
			nd.CompleteUnbindAdapter()
		}
	}
}

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
