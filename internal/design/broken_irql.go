package design

import (
	"github.com/ndissim/ndissim/binding"
	"github.com/ndissim/ndissim/fsm"
	"github.com/ndissim/ndissim/oid"
	"github.com/ndissim/ndissim/pool"
	"github.com/ndissim/ndissim/rule"
	"github.com/ndissim/ndissim/sim"
)

// The broken designs of the IRQL and locks rules.

// pauseFromSendComplete finishes a pended pause from the send-complete
// handler of its last send, as NDIS 5 drivers did from their completion
// routine; that handler runs at DISPATCH_LEVEL as often as not, where
// NdisCompleteNetPnPEvent may not be called.
type pauseFromSendComplete struct{ brokenBase }

func (p *pauseFromSendComplete) SendNetBufferListsComplete(nd *binding.NDIS, nbl pool.NBL, _ binding.Status, _ binding.SendCompleteFlags) {
	p.FreeSend(nd, nbl)
	p.Sends--
	p.FinishPause(nd) // NdisCompleteNetPnPEvent, here and now
}

// closeFromOidComplete clears the packet filter at unbind and, when the set
// pends, closes the adapter from its OID-complete handler; that handler may
// run at DISPATCH_LEVEL, where NdisCloseAdapterEx may not be called.
type closeFromOidComplete struct {
	brokenBase
	filter     uint32 // the unbind's packet-filter set
	filterDone bool
	pended     bool // the unbind returned PENDING
}

func (p *closeFromOidComplete) UnbindAdapter(nd *binding.NDIS) binding.Status {
	p.State = fsm.Closing
	p.ReturnHeld(nd)
	p.filter, p.filterDone, p.pended = p.RequestID(), false, false
	_, res := p.Request(nd, oid.Request{ID: p.filter, Type: oid.Set, OID: oid.OIDGenCurrentPacketFilter, Value: 0})
	if res.Status == binding.StatusPending && !p.filterDone {
		p.pended = true
		return binding.StatusPending
	}
	return p.CloseAdapter(nd)
}

func (p *closeFromOidComplete) OidRequestComplete(nd *binding.NDIS, req oid.Request, _ oid.Result) {
	p.OIDDone(nd)
	if req.ID != p.filter {
		return
	}
	p.filterDone = true
	if p.pended && p.CloseAdapter(nd) == binding.StatusSuccess { // at DISPATCH_LEVEL half the time
		nd.CompleteUnbindAdapter()
	}
}

// waitInReceive hands a receive it keeps to a reader as soon as one posts a
// read: after queuing it, its receive handler waits up to 10 ms on the
// "read posted" event. The handler runs at DISPATCH_LEVEL as often as not,
// where NdisWaitEvent may not be called.
type waitInReceive struct {
	brokenBase
	readPosted binding.Event
}

func (p *waitInReceive) ReceiveNetBufferLists(nd *binding.NDIS, nbls []pool.NBL, flags binding.ReceiveFlags) {
	kept := len(p.Held)
	p.brokenBase.ReceiveNetBufferLists(nd, nbls, flags)
	if len(p.Held) > kept {
		nd.WaitEvent(&p.readPosted, 10)
	}
}

// lockAcrossWait guards its send count with a spin lock, and its pause
// handler holds that lock while it waits for the count to drain: a spin
// lock raises the IRQL to DISPATCH_LEVEL, where NdisWaitEvent may not be
// called.
type lockAcrossWait struct {
	brokenBase
	lock    binding.SpinLock
	drained binding.Event
}

func (p *lockAcrossWait) NetPnPEvent(nd *binding.NDIS, ev binding.PnPEvent) binding.Status {
	if ev.Kind != binding.NetEventPause {
		return p.Restart(nd, ev)
	}
	p.State = fsm.Pausing
	p.ReturnHeld(nd)
	nd.AcquireSpinLock(&p.lock)
	if p.Sends > 0 {
		nd.ResetEvent(&p.drained)
		nd.WaitEvent(&p.drained, 0) // still holding the lock
	}
	nd.ReleaseSpinLock(&p.lock)
	p.State = fsm.Paused
	return binding.StatusSuccess
}

func (p *lockAcrossWait) SendNetBufferListsComplete(nd *binding.NDIS, nbl pool.NBL, _ binding.Status, _ binding.SendCompleteFlags) {
	p.FreeSend(nd, nbl)
	if p.Sends--; p.Sends == 0 {
		nd.SetEvent(&p.drained)
	}
}

// lockHeldAtReturn takes its spin lock at the top of Write to look at the
// binding state, and the early exit for a binding that is not running
// returns without releasing it.
type lockHeldAtReturn struct {
	brokenBase
	lock binding.SpinLock
}

func (p *lockHeldAtReturn) Write(nd *binding.NDIS, bytes uint32) {
	nd.AcquireSpinLock(&p.lock)
	if !p.Running() {
		return // the release is missing
	}
	nd.ReleaseSpinLock(&p.lock)
	p.SendNew(nd, p.Needs.DataBackfill, p.ContextBackfill(nd, p.Needs), bytes)
}

// dprLockInWrite counts its sends under a spin lock with
// NdisDprAcquireSpinLock, copied from its send-complete handler, which
// runs at DISPATCH_LEVEL; a write runs at PASSIVE_LEVEL, where the Dpr
// variant may not be used.
type dprLockInWrite struct {
	brokenBase
	lock binding.SpinLock
}

func (p *dprLockInWrite) Write(nd *binding.NDIS, bytes uint32) {
	if !p.Running() {
		return
	}
	nd.DprAcquireSpinLock(&p.lock)
	running := p.State == fsm.Running
	nd.DprReleaseSpinLock(&p.lock)
	if running {
		p.SendNew(nd, p.Needs.DataBackfill, p.ContextBackfill(nd, p.Needs), bytes)
	}
}

// releaseUnheld releases its statistics lock in the error branch of its
// send-complete handler and then again on the common path.
type releaseUnheld struct {
	brokenBase
	lock     binding.SpinLock
	failures int
}

func (p *releaseUnheld) SendNetBufferListsComplete(nd *binding.NDIS, nbl pool.NBL, st binding.Status, _ binding.SendCompleteFlags) {
	nd.AcquireSpinLock(&p.lock)
	if st != binding.StatusSuccess {
		p.failures++
		nd.ReleaseSpinLock(&p.lock) // and falls through to the release below
	}
	nd.ReleaseSpinLock(&p.lock)
	p.FreeSend(nd, nbl)
	p.SendDone(nd)
}

// lockReacquired takes its spin lock in Write to check the state and, still
// holding it, calls the helper that counts the send, which takes the same
// lock: a spin lock is not recursive.
type lockReacquired struct {
	brokenBase
	lock binding.SpinLock
}

func (p *lockReacquired) Write(nd *binding.NDIS, bytes uint32) {
	nd.AcquireSpinLock(&p.lock)
	if !p.Running() {
		nd.ReleaseSpinLock(&p.lock)
		return
	}
	p.countSend(nd) // takes the lock again
	nd.ReleaseSpinLock(&p.lock)
	if nbl := p.Build(nd, p.Needs.DataBackfill, p.ContextBackfill(nd, p.Needs), bytes); !nbl.IsNull() {
		nd.SetSourceHandle(nbl)
		nd.SendNetBufferLists(nbl, 0)
	} else {
		p.Sends--
	}
}

func (p *lockReacquired) countSend(nd *binding.NDIS) {
	nd.AcquireSpinLock(&p.lock)
	p.Sends++
	nd.ReleaseSpinLock(&p.lock)
}

// returnFlagInWorkItem returns its kept receives from its work item with
// NDIS_RETURN_FLAGS_DISPATCH_LEVEL, the flags its receive handler uses; a
// work item runs at PASSIVE_LEVEL.
type returnFlagInWorkItem struct{ brokenBase }

func (p *returnFlagInWorkItem) WorkItem(nd *binding.NDIS) {
	for _, nbl := range p.Held {
		nd.ReturnNetBufferLists(nbl, binding.ReturnDispatchLevel)
	}
	p.Held = p.Held[:0]
	p.FinishPending(nd)
}

func init() {
	base := func() brokenBase { return newBrokenBase(defaultBaseConfig()) }
	for _, g := range []sim.GoDesign{
		{
			Name:    "broken-pause-from-send-complete",
			Summary: "the last send-complete finishes our pended pause with NdisCompleteNetPnPEvent, at DISPATCH_LEVEL half the time",
			Breaks:  rule.IrqlTooHigh,
			New:     func() binding.Protocol { return &pauseFromSendComplete{base()} },
		},
		{
			Name:    "broken-close-from-oid-complete",
			Summary: "when the unbind's packet-filter set pends, OID-complete closes the adapter, at DISPATCH_LEVEL half the time",
			Breaks:  rule.IrqlTooHigh,
			New:     func() binding.Protocol { return &closeFromOidComplete{brokenBase: base()} },
		},
		{
			Name:    "broken-wait-in-receive",
			Summary: "our receive handler waits up to 10 ms for a read to be posted, with NdisWaitEvent, at DISPATCH_LEVEL half the time",
			Breaks:  rule.IrqlTooHigh,
			New:     func() binding.Protocol { return &waitInReceive{brokenBase: base()} },
		},
		{
			Name:    "broken-lock-across-wait",
			Summary: "our pause handler holds the send-count spin lock while it waits for the count to drain",
			Breaks:  rule.IrqlTooHigh,
			New:     func() binding.Protocol { return &lockAcrossWait{brokenBase: base()} },
		},
		{
			Name:    "broken-lock-held-at-return",
			Summary: "Write takes our spin lock to look at the state, and its early exit for a binding not running skips the release",
			Breaks:  rule.SpinLockHeldAtReturn,
			New:     func() binding.Protocol { return &lockHeldAtReturn{brokenBase: base()} },
		},
		{
			Name:    "broken-dpr-lock-in-write",
			Summary: "Write takes our lock with NdisDprAcquireSpinLock, copied from send-complete, but a write runs at PASSIVE_LEVEL",
			Breaks:  rule.IrqlTooLow,
			New:     func() binding.Protocol { return &dprLockInWrite{brokenBase: base()} },
		},
		{
			Name:    "broken-release-unheld",
			Summary: "send-complete releases our statistics lock in its error branch and again on the common path",
			Breaks:  rule.SpinLockReleaseUnheld,
			New:     func() binding.Protocol { return &releaseUnheld{brokenBase: base()} },
		},
		{
			Name:    "broken-lock-reacquired",
			Summary: "Write holds our spin lock while it calls the helper that counts the send, which takes the same lock",
			Breaks:  rule.SpinLockReacquired,
			New:     func() binding.Protocol { return &lockReacquired{brokenBase: base()} },
		},
		{
			Name:    "broken-return-flag-in-work-item",
			Summary: "our work item returns kept receives with NDIS_RETURN_FLAGS_DISPATCH_LEVEL, copied from the receive handler",
			Breaks:  rule.DispatchFlagMismatch,
			New:     func() binding.Protocol { return &returnFlagInWorkItem{base()} },
		},
	} {
		g.Stack, g.Changes = demoStack, demoChanges()
		sim.MustRegister(g)
	}
}
