package design

import (
	"github.com/ndissim/ndissim/binding"
	"github.com/ndissim/ndissim/pool"
	"github.com/ndissim/ndissim/rule"
	"github.com/ndissim/ndissim/sim"
)

// The broken designs of the buffer rules of the second round: data pools,
// retreat memory, NB pools freed early, and a chain read after its free.

// mdlDataNoSize moved its frames to NdisAllocateNetBufferMdlAndData, one
// allocation per frame, but left the NB pool's DataSize 0: NDIS has no size
// for the data it is asked to preallocate.
type mdlDataNoSize struct{ brokenBase }

func (p *mdlDataNoSize) Write(nd *binding.NDIS, _ uint32) {
	if !p.Running() {
		return
	}
	nbl := nd.AllocateNetBufferList(p.NBLPool, brokenCtx, p.ContextBackfill(nd, p.Needs))
	if nbl.IsNull() {
		return
	}
	nb := nd.AllocateNetBufferMdlAndData(p.NBPool) // from a pool created with DataSize 0
	if nb.IsNull() {
		nd.FreeNetBufferList(nbl)
		return
	}
	nd.LinkNetBuffer(nbl, nb)
	p.Send(nd, nbl)
}

// headerByRetreat allocates its frames without backfill and lets the header
// retreat make NDIS allocate the header and the stack's backfill: an MDL and
// memory NDIS hangs on the NB. Each send costs an allocation; the designs
// below differ in how they give the memory back.
type headerByRetreat struct{ brokenBase }

func (p *headerByRetreat) Write(nd *binding.NDIS, bytes uint32) {
	if !p.Running() {
		return
	}
	nbl := nd.AllocateNetBufferAndNetBufferList(p.NBLPool, brokenCtx, p.ContextBackfill(nd, p.Needs), 1, 0, bytes)
	if nbl.IsNull() {
		return
	}
	// No unused data space: NDIS allocates brokenHdr plus the stack's backfill.
	if nd.RetreatNetBufferDataStart(nd.FirstNB(nbl), brokenHdr, p.Needs.DataBackfill) == pool.RetreatFailed {
		nd.FreeNetBufferList(nbl) // the write fails
		return
	}
	p.Send(nd, nbl)
}

// retreatNotReleased frees its completed sends as if the header had fitted
// in place: without the advance that gives NDIS's memory back first.
type retreatNotReleased struct{ headerByRetreat }

// retreatAllocates is headerByRetreat done right but for its cost: send-
// complete advances back over the header with FreeMdl TRUE, which releases
// the memory, then frees the NBL. Every send made NDIS allocate.
type retreatAllocates struct{ headerByRetreat }

func (p *retreatAllocates) SendNetBufferListsComplete(nd *binding.NDIS, nbl pool.NBL, st binding.Status, flags binding.SendCompleteFlags) {
	nd.AdvanceNetBufferDataStart(nd.FirstNB(nbl), brokenHdr, true)
	p.brokenBase.SendNetBufferListsComplete(nd, nbl, st, flags)
}

// cacheAfterPool is the NB cache with its unbind in the wrong order: the
// pools go first (brokenBase's unbind), the cached NBs after them. The NBs
// are still freed, so nothing leaks; the NB pool was freed over them.
type cacheAfterPool struct{ nbCache }

func (p *cacheAfterPool) UnbindAdapter(nd *binding.NDIS) binding.Status {
	st := p.brokenBase.UnbindAdapter(nd) // closes and frees the pools
	p.drain(nd)
	return st
}

// statsAfterFree counts the bytes of each completed send for its
// statistics, but reads the NBL's first NB after it has freed the NBL.
type statsAfterFree struct {
	brokenBase
	sent uint64
}

func (p *statsAfterFree) SendNetBufferListsComplete(nd *binding.NDIS, nbl pool.NBL, _ binding.Status, _ binding.SendCompleteFlags) {
	p.FreeSend(nd, nbl)
	if nb := nd.FirstNB(nbl); !nb.IsNull() { // NET_BUFFER_LIST_FIRST_NB of a freed NBL
		p.sent++
	}
	p.SendDone(nd)
}

func init() {
	for _, g := range []sim.GoDesign{
		{
			Name:    "broken-mdl-data-no-size",
			Summary: "we allocate each frame with NdisAllocateNetBufferMdlAndData but created the NB pool with DataSize 0",
			Breaks:  rule.MdlAndDataNeedsDataPool,
			New:     func() binding.Protocol { return &mdlDataNoSize{newBrokenBase(separateBaseConfig())} },
		},
		{
			Name:    "broken-retreat-not-released",
			Summary: "our frames have no backfill, so the header retreat allocates; send-complete frees the NBL without advancing back first",
			Breaks:  rule.RetreatMemoryNotReleased,
			New: func() binding.Protocol {
				return &retreatNotReleased{headerByRetreat{newBrokenBase(defaultBaseConfig())}}
			},
		},
		{
			Name:    "broken-retreat-allocates",
			Summary: "our frames have no backfill, so every header retreat makes NDIS allocate (send-complete releases it correctly)",
			Breaks:  rule.RetreatAllocates,
			New: func() binding.Protocol {
				return &retreatAllocates{headerByRetreat{newBrokenBase(defaultBaseConfig())}}
			},
		},
		{
			Name:    "broken-nb-pool-before-cache",
			Summary: "our unbind frees the pools first and our cache of NBs after them, so the NB pool goes with NBs live",
			Breaks:  rule.NbPoolFreedWithOutstanding,
			New: func() binding.Protocol {
				return &cacheAfterPool{nbCache{brokenBase: newBrokenBase(separateBaseConfig())}}
			},
		},
		{
			Name:    "broken-stats-after-free",
			Summary: "send-complete frees the NBL, then reads its first NB to count the bytes sent",
			Breaks:  rule.UseAfterFree,
			New:     func() binding.Protocol { return &statsAfterFree{brokenBase: newBrokenBase(defaultBaseConfig())} },
		},
	} {
		g.Stack, g.Changes = demoStack, demoChanges()
		sim.MustRegister(g)
	}
}
