package design

import (
	"github.com/ndissim/ndissim/binding"
	"github.com/ndissim/ndissim/fsm"
	"github.com/ndissim/ndissim/oid"
	"github.com/ndissim/ndissim/pool"
	"github.com/ndissim/ndissim/rule"
	"github.com/ndissim/ndissim/sim"
)

// The broken designs of the Pools rules.

// newContextTwelve sizes the pool's context as its context struct: three
// ULONGs, 12 bytes, never rounded up to MEMORY_ALLOCATION_ALIGNMENT.
func newContextTwelve() binding.Protocol {
	cfg := defaultBaseConfig()
	cfg.NBLPool.ContextSize = 12 // sizeof(SEND_CONTEXT): three ULONGs
	p := newBrokenBase(cfg)
	return &p.Base
}

// newDataPoolWithoutNB asks for a frame buffer with every NBL but leaves
// fAllocateNetBuffer FALSE, as if DataSize alone were enough.
func newDataPoolWithoutNB() binding.Protocol {
	cfg := defaultBaseConfig()
	cfg.NBLPool.AllocateNetBuffer = false
	cfg.NBLPool.DataSize = oid.MaxFrameSize + 14
	p := newBrokenBase(cfg)
	return &p.Base
}

// newCombinedNoNB uses the combined call from a pool it still creates the way
// its earlier separate-NB send path needed: fAllocateNetBuffer FALSE.
func newCombinedNoNB() binding.Protocol {
	cfg := defaultBaseConfig()
	cfg.NBLPool.AllocateNetBuffer = false
	p := newBrokenBase(cfg)
	return &p.Base
}

// newNBOnDataPool creates its NB pool with a DataSize, meant for
// NdisAllocateNetBufferMdlAndData, but its send path calls
// NdisAllocateNetBuffer with its own MDL.
func newNBOnDataPool() binding.Protocol {
	cfg := separateBaseConfig()
	cfg.NBPool.DataSize = oid.MaxFrameSize + 14
	p := newBrokenBase(cfg)
	return &p.Base
}

// unroundedBackfill passes ContextBackFillSize straight through as the
// ContextBackFill of every allocation. Every stack it was tested on asked for
// multiples of 16; a filter that asks for 8 bytes breaks it.
type unroundedBackfill struct{ brokenBase }

func (p *unroundedBackfill) Write(nd *binding.NDIS, bytes uint32) {
	if !p.Running() {
		return
	}
	p.SendNew(nd, p.Needs.DataBackfill, uint16(p.Needs.ContextBackfill), bytes) // not rounded to MAA
}

// restartFreesCache keeps a cache of preallocated NBLs for its sends. The
// restart path that rebuilds the pool for a bigger stack was written before
// the cache and does not empty it, so it frees a pool with NBLs still live.
type restartFreesCache struct {
	brokenBase
	cache []pool.NBL
}

const cachedNBLs = 4

func (p *restartFreesCache) BindAdapter(nd *binding.NDIS, bp oid.BindParameters) binding.Status {
	p.cache = p.cache[:0]
	st := p.brokenBase.BindAdapter(nd, bp)
	if st == binding.StatusSuccess || st == binding.StatusPending {
		p.fill(nd)
	}
	return st
}

// fill preallocates the cache; an allocation that fails leaves it short.
func (p *restartFreesCache) fill(nd *binding.NDIS) {
	for len(p.cache) < cachedNBLs {
		nbl := p.Build(nd, p.Needs.DataBackfill, p.ContextBackfill(nd, p.Needs), oid.MaxFrameSize)
		if nbl.IsNull() {
			return
		}
		p.cache = append(p.cache, nbl)
	}
}

func (p *restartFreesCache) OpenAdapterComplete(nd *binding.NDIS, st binding.Status) {
	if st != binding.StatusSuccess {
		p.drain(nd) // the bind failed: the pools go, the cache with them
	}
	p.brokenBase.OpenAdapterComplete(nd, st)
}

func (p *restartFreesCache) Write(nd *binding.NDIS, bytes uint32) {
	if !p.Running() {
		return
	}
	if n := len(p.cache); n > 0 {
		nbl := p.cache[n-1]
		p.cache = p.cache[:n-1]
		p.Send(nd, nbl)
		return
	}
	p.brokenBase.Write(nd, bytes)
}

func (p *restartFreesCache) SendNetBufferListsComplete(nd *binding.NDIS, nbl pool.NBL, _ binding.Status, _ binding.SendCompleteFlags) {
	if len(p.cache) < cachedNBLs {
		p.cache = append(p.cache, nbl) // back into the cache for the next write
	} else {
		p.FreeSend(nd, nbl)
	}
	p.SendDone(nd)
}

func (p *restartFreesCache) UnbindAdapter(nd *binding.NDIS) binding.Status {
	p.drain(nd)
	return p.brokenBase.UnbindAdapter(nd)
}

func (p *restartFreesCache) drain(nd *binding.NDIS) {
	for _, nbl := range p.cache {
		p.FreeSend(nd, nbl)
	}
	p.cache = p.cache[:0]
}

// restartFreesCache keeps the base's NetPnPEvent: a restart whose
// attributes outgrow the pool frees it and creates a bigger one, with the
// cache still full.

// rebuildInPause frees and re-creates its pools at the end of its pause, once
// its sends are done, so that they are fresh for the restart; but Pausing is
// not Paused, and the pages place a rebuild in Restarting.
type rebuildInPause struct{ brokenBase }

func (p *rebuildInPause) NetPnPEvent(nd *binding.NDIS, ev binding.PnPEvent) binding.Status {
	if ev.Kind != binding.NetEventPause {
		return p.Restart(nd, ev)
	}
	st := p.Pause(nd, ev)
	if st == binding.StatusSuccess {
		p.Rebuild(nd)
	}
	return st
}

func (p *rebuildInPause) WorkItem(nd *binding.NDIS) {
	p.ReturnHeld(nd)
	if p.Pausing && p.Sends == 0 {
		p.Rebuild(nd) // still Pausing: the pause completes below
	}
	p.FinishPending(nd)
}

// rebuildOnOid learns the stack's needs by querying them at restart and
// does not hold the restart up for the answer (writes wait for it); when a
// pended answer reports bigger needs, the completion handler rebuilds the
// pools right there once no send is in flight, usually with the binding
// Running.
type rebuildOnOid struct {
	brokenBase
	known bool // the last requirements query has answered
}

func (p *rebuildOnOid) NetPnPEvent(nd *binding.NDIS, ev binding.PnPEvent) binding.Status {
	if ev.Kind == binding.NetEventPause {
		return p.Pause(nd, ev)
	}
	p.known = false
	_, res := p.Request(nd, oid.Request{Type: oid.Query, OID: oid.OIDBackfillRequirements})
	if res.Status == binding.StatusSuccess {
		p.Needs, p.known = res.Needs, true
	}
	return p.Restart(nd, binding.PnPEvent{Kind: binding.NetEventRestart}) // the needs it has, attributes unread
}

func (p *rebuildOnOid) Write(nd *binding.NDIS, bytes uint32) {
	if p.known {
		p.brokenBase.Write(nd, bytes)
	}
}

func (p *rebuildOnOid) OidRequestComplete(nd *binding.NDIS, req oid.Request, res oid.Result) {
	if req.OID == oid.OIDBackfillRequirements && res.Status == binding.StatusSuccess {
		p.Needs, p.known = res.Needs, true
		if !p.PoolNeeds.Covers(p.Needs) && p.Sends == 0 {
			p.Rebuild(nd)
		}
	}
	p.OIDDone(nd)
}

// poolFreedTwice frees its pools at the top of the unbind but leaves the
// handles set; when the close pends, ProtocolCloseAdapterCompleteEx frees
// them again.
type poolFreedTwice struct{ brokenBase }

func (p *poolFreedTwice) UnbindAdapter(nd *binding.NDIS) binding.Status {
	p.State = fsm.Closing
	p.ReturnHeld(nd)
	nd.FreeNetBufferListPool(p.NBLPool) // the handle is not cleared
	if nd.CloseAdapter() == binding.StatusPending {
		return binding.StatusPending
	}
	p.NBLPool = pool.NBLPool{}
	return binding.StatusSuccess
}

// allocUnchecked assumes an NBL allocation at PASSIVE_LEVEL cannot fail and
// uses the result without testing it for NULL.
type allocUnchecked struct{ brokenBase }

func (p *allocUnchecked) Write(nd *binding.NDIS, bytes uint32) {
	if !p.Running() {
		return
	}
	nbl := nd.AllocateNetBufferAndNetBufferList(p.NBLPool, brokenCtx, p.ContextBackfill(nd, p.Needs), 1,
		p.Needs.DataBackfill+brokenHdr, bytes)
	nd.RetreatNetBufferDataStart(nd.FirstNB(nbl), brokenHdr, 0) // no NULL check
	p.Send(nd, nbl)
}

func init() {
	for _, g := range []sim.GoDesign{
		{
			Name:    "broken-context-12",
			Summary: "the pool's ContextSize is sizeof our send context, three ULONGs: 12 bytes",
			Breaks:  rule.PoolContextAlignment,
			New:     newContextTwelve,
		},
		{
			Name:    "broken-data-pool-without-nb",
			Summary: "we set DataSize to get a frame buffer with each NBL but left fAllocateNetBuffer FALSE",
			Breaks:  rule.PoolDataSizeWithoutNetBuffer,
			New:     newDataPoolWithoutNB,
		},
		{
			Name:    "broken-combined-pool",
			Summary: "we switched sends to NdisAllocateNetBufferAndNetBufferList but still create the pool with fAllocateNetBuffer FALSE",
			Breaks:  rule.CombinedAllocNeedsNetBufferPool,
			New:     newCombinedNoNB,
		},
		{
			Name:    "broken-nb-on-data-pool",
			Summary: "our NB pool has a DataSize for NdisAllocateNetBufferMdlAndData, but the send path calls NdisAllocateNetBuffer",
			Breaks:  rule.AllocNetBufferOnDataPool,
			New:     newNBOnDataPool,
		},
		{
			Name:    "broken-context-backfill-unrounded",
			Summary: "we pass ContextBackFillSize straight through as ContextBackFill; a filter asking for 8 bytes makes it misaligned",
			Breaks:  rule.NblContextAlignment,
			New:     func() binding.Protocol { return &unroundedBackfill{newBrokenBase(defaultBaseConfig())} },
			Changes: []oid.Edit{{Insert: &oid.Layer{Name: "mon-lwf", ContextBackfill: 8}}},
		},
		{
			Name:    "broken-restart-frees-cache",
			Summary: "a restart for a bigger stack rebuilds our pool while our cache of preallocated NBLs is still full",
			Breaks:  rule.PoolFreedWithOutstanding,
			New: func() binding.Protocol {
				cfg := defaultBaseConfig()
				cfg.BakeContext = true
				return &restartFreesCache{brokenBase: newBrokenBase(cfg)}
			},
		},
		{
			Name:    "broken-pool-freed-twice",
			Summary: "unbind frees the pool but keeps the handle; when the close pends, close-complete frees it again",
			Breaks:  rule.PoolUseAfterFree,
			New:     func() binding.Protocol { return &poolFreedTwice{newBrokenBase(defaultBaseConfig())} },
		},
		{
			Name:    "broken-rebuild-in-pause",
			Summary: "we rebuild our pools in the pause handler so they are fresh for the restart",
			Breaks:  rule.PoolChangedWhileActive,
			New:     func() binding.Protocol { return &rebuildInPause{newBrokenBase(defaultBaseConfig())} },
		},
		{
			Name:    "broken-rebuild-on-oid",
			Summary: "restart does not wait for our backfill query; its completion rebuilds the pools, usually while Running",
			Breaks:  rule.PoolChangedWhileActive,
			New: func() binding.Protocol {
				cfg := defaultBaseConfig()
				cfg.BakeContext = true
				return &rebuildOnOid{brokenBase: newBrokenBase(cfg)}
			},
		},
		{
			Name:    "broken-alloc-unchecked",
			Summary: "Write never checks the NBL allocation for NULL: it cannot fail at PASSIVE_LEVEL, can it?",
			Breaks:  rule.AllocationFailureIgnored,
			New:     func() binding.Protocol { return &allocUnchecked{newBrokenBase(defaultBaseConfig())} },
		},
	} {
		g.Stack = demoStack
		if g.Changes == nil {
			g.Changes = demoChanges()
		}
		sim.MustRegister(g)
	}
}
