package design

import (
	"github.com/ndissim/ndissim/binding"
	"github.com/ndissim/ndissim/pool"
	"github.com/ndissim/ndissim/rule"
	"github.com/ndissim/ndissim/sim"
)

// The broken designs of the Structures rules.

// freeOrder allocates each send as an NBL plus an NB from its NB pool, and
// tears it down in allocation order: the NBL first, then the NB it still holds.
type freeOrder struct{ brokenBase }

func (p *freeOrder) SendNetBufferListsComplete(nd *binding.NDIS, nbl pool.NBL, _ binding.Status, _ binding.SendCompleteFlags) {
	nb := nd.FirstNB(nbl)
	nd.FreeNetBufferList(nbl) // the NB is still linked to it
	nd.FreeNetBuffer(nb)
	p.SendDone(nd)
}

// freePreallocNB moved from separate NBs to the combined call and kept the
// completion code that frees the NB before its NBL; that NB came with the
// NBL and goes only with it.
type freePreallocNB struct{ brokenBase }

func (p *freePreallocNB) SendNetBufferListsComplete(nd *binding.NDIS, nbl pool.NBL, _ binding.Status, _ binding.SendCompleteFlags) {
	nd.FreeNetBuffer(nd.FirstNB(nbl))
	nd.FreeNetBufferList(nbl)
	p.SendDone(nd)
}

// doubleFree completes a failed write through the same helper its Write
// error path uses, which frees the NBL, and then falls through to the common
// path that frees it again.
type doubleFree struct{ brokenBase }

func (p *doubleFree) SendNetBufferListsComplete(nd *binding.NDIS, nbl pool.NBL, st binding.Status, _ binding.SendCompleteFlags) {
	if st != binding.StatusSuccess {
		p.failWrite(nd, nbl)
	}
	p.FreeSend(nd, nbl)
	p.SendDone(nd)
}

// failWrite completes the application's write with an error and releases
// the NBL built for it.
func (p *doubleFree) failWrite(nd *binding.NDIS, nbl pool.NBL) { p.FreeSend(nd, nbl) }

// advanceAfterFree undoes its header retreat in the send-complete handler,
// but only after it has handed the NBL back to the pool.
type advanceAfterFree struct{ brokenBase }

func (p *advanceAfterFree) SendNetBufferListsComplete(nd *binding.NDIS, nbl pool.NBL, _ binding.Status, _ binding.SendCompleteFlags) {
	nb := nd.FirstNB(nbl)
	p.FreeSend(nd, nbl)
	nd.AdvanceNetBufferDataStart(nb, brokenHdr, false) // the NB went with its NBL
	p.SendDone(nd)
}

// freeReceived drains its receive queue the way it drains the queue of
// local copies it makes for RESOURCES indications: with
// NdisFreeNetBufferList. The miniport's NBLs must be returned instead.
type freeReceived struct{ brokenBase }

func (p *freeReceived) WorkItem(nd *binding.NDIS) {
	for _, nbl := range p.Held {
		nd.FreeNetBufferList(nbl)
	}
	p.Held = p.Held[:0]
	p.FinishPending(nd)
}

// relinkRetry retries a failed send in a fresh NBL, moving the payload NB
// over by linking it into the new NBL before it has been detached from the
// failed one.
type relinkRetry struct{ brokenBase }

func (p *relinkRetry) SendNetBufferListsComplete(nd *binding.NDIS, nbl pool.NBL, st binding.Status, _ binding.SendCompleteFlags) {
	if st != binding.StatusSuccess && p.Running() {
		if retry := nd.AllocateNetBufferList(p.NBLPool, brokenCtx, p.ContextBackfill(nd, p.Needs)); !retry.IsNull() {
			nd.LinkNetBuffer(retry, nd.FirstNB(nbl)) // still linked into nbl
			nd.FreeNetBufferList(nbl)
			p.SendDone(nd)
			p.Send(nd, retry)
			return
		}
	}
	p.FreeSend(nd, nbl)
	p.SendDone(nd)
}

// nullChainOffset allocates its NBL with a NULL MDL chain, to chain the
// payload's MDLs in afterwards, but already passes the backfill as
// DataOffset; with no MDL there is no data to offset into.
type nullChainOffset struct{ brokenBase }

func (p *nullChainOffset) Write(nd *binding.NDIS, bytes uint32) {
	if !p.Running() {
		return
	}
	nbl := nd.AllocateNetBufferAndNetBufferList(p.NBLPool, brokenCtx, p.ContextBackfill(nd, p.Needs), 0,
		p.Needs.DataBackfill+brokenHdr, 0)
	if !nbl.IsNull() {
		p.Send(nd, nbl) // (chaining the MDLs in is not modelled)
	}
}

func init() {
	for _, g := range []sim.GoDesign{
		{
			Name:    "broken-free-order",
			Summary: "send-complete frees the NBL, then the NB we allocated for it with NdisAllocateNetBuffer",
			Breaks:  rule.FreeOrderNbBeforeNbl,
			New:     func() binding.Protocol { return &freeOrder{newBrokenBase(separateBaseConfig())} },
		},
		{
			Name:    "broken-free-prealloc-nb",
			Summary: "we moved to the combined call but send-complete still frees the NB before the NBL",
			Breaks:  rule.FreePreallocatedNb,
			New:     func() binding.Protocol { return &freePreallocNB{newBrokenBase(defaultBaseConfig())} },
		},
		{
			Name:    "broken-double-free",
			Summary: "a failed send-complete frees the NBL in the write's error helper and again on the common path",
			Breaks:  rule.DoubleFree,
			New:     func() binding.Protocol { return &doubleFree{newBrokenBase(defaultBaseConfig())} },
		},
		{
			Name:    "broken-advance-after-free",
			Summary: "send-complete undoes our header retreat after freeing the NBL instead of before",
			Breaks:  rule.UseAfterFree,
			New:     func() binding.Protocol { return &advanceAfterFree{newBrokenBase(defaultBaseConfig())} },
		},
		{
			Name:    "broken-free-received",
			Summary: "our read path frees the received NBLs it queued, as it frees its own copies, instead of returning them",
			Breaks:  rule.ForeignNblFreed,
			New:     func() binding.Protocol { return &freeReceived{newBrokenBase(defaultBaseConfig())} },
		},
		{
			Name:    "broken-relink-retry",
			Summary: "a failed send is retried in a fresh NBL; we link its NB in before detaching it from the failed one",
			Breaks:  rule.NetBufferLinkedTwice,
			New:     func() binding.Protocol { return &relinkRetry{newBrokenBase(separateBaseConfig())} },
		},
		{
			Name:    "broken-null-chain-offset",
			Summary: "we allocate with a NULL MDL chain, to chain the MDLs later, but already pass the backfill as DataOffset",
			Breaks:  rule.NetBufferDataRange,
			New:     func() binding.Protocol { return &nullChainOffset{newBrokenBase(defaultBaseConfig())} },
		},
	} {
		g.Stack, g.Changes = demoStack, demoChanges()
		sim.MustRegister(g)
	}
}
