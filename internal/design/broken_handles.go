package design

import (
	"github.com/ndissim/ndissim/binding"
	"github.com/ndissim/ndissim/fsm"
	"github.com/ndissim/ndissim/oid"
	"github.com/ndissim/ndissim/pool"
	"github.com/ndissim/ndissim/rule"
	"github.com/ndissim/ndissim/sim"
)

// The broken designs of the binding handle and PnP completion rules.

// openInWorkItem keeps its bind handler short by pending the bind and
// opening the adapter from its worker thread; NDIS accepts
// NdisOpenAdapterEx only inside ProtocolBindAdapterEx.
type openInWorkItem struct {
	brokenBase
	openDeferred bool
}

func (p *openInWorkItem) BindAdapter(nd *binding.NDIS, bp oid.BindParameters) binding.Status {
	p.Reset()
	p.State = fsm.Opening
	p.Needs = oid.Needs{DataBackfill: bp.DataBackFillSize, ContextBackfill: bp.ContextBackFillSize}
	if !p.CreatePools(nd) {
		return binding.StatusResources
	}
	p.openDeferred = true
	return binding.StatusPending
}

func (p *openInWorkItem) WorkItem(nd *binding.NDIS) {
	if p.openDeferred {
		p.openDeferred = false
		switch nd.OpenAdapter() {
		case binding.StatusSuccess:
			p.Opened(nd)
			nd.CompleteBindAdapter(binding.StatusSuccess)
		case binding.StatusFailure:
			p.FreePools(nd)
			nd.CompleteBindAdapter(binding.StatusFailure)
		}
		return
	}
	p.brokenBase.WorkItem(nd)
}

// closeOnSendError treats a failed send as a dead adapter and closes the
// binding from its work item; NDIS accepts NdisCloseAdapterEx only in the
// bind or the unbind (a driver that wants to go calls NdisUnbindAdapter).
type closeOnSendError struct {
	brokenBase
	dead bool
}

func (p *closeOnSendError) SendNetBufferListsComplete(nd *binding.NDIS, nbl pool.NBL, st binding.Status, flags binding.SendCompleteFlags) {
	if st != binding.StatusSuccess {
		p.dead = true
	}
	p.brokenBase.SendNetBufferListsComplete(nd, nbl, st, flags)
}

func (p *closeOnSendError) WorkItem(nd *binding.NDIS) {
	if p.dead {
		p.dead = false
		nd.CloseAdapter()
	}
	p.brokenBase.WorkItem(nd)
}

// filterAfterClose clears the packet filter at unbind, as the sample does,
// but after NdisCloseAdapterEx instead of before: the handle is dead.
type filterAfterClose struct{ brokenBase }

func (p *filterAfterClose) UnbindAdapter(nd *binding.NDIS) binding.Status {
	p.State = fsm.Closing
	p.ReturnHeld(nd)
	st := nd.CloseAdapter()
	p.Request(nd, oid.Request{Type: oid.Set, OID: oid.OIDGenCurrentPacketFilter, Value: 0})
	if st == binding.StatusPending {
		return binding.StatusPending
	}
	p.FreePools(nd)
	p.State = fsm.Unbound
	return binding.StatusSuccess
}

// pauseNotSupported has a PnP handler written for the events it knows, in
// which the pause was never added: every other event gets
// NDIS_STATUS_NOT_SUPPORTED, and so does NetEventPause.
type pauseNotSupported struct{ brokenBase }

func (p *pauseNotSupported) NetPnPEvent(nd *binding.NDIS, ev binding.PnPEvent) binding.Status {
	switch ev.Kind {
	case binding.NetEventRestart:
		return p.Restart(nd, ev)
	}
	return binding.StatusNotSupported
}

// staleRestart queries the stack's needs at restart and pends the restart
// when the query pends; its work item completes the restart it remembers
// once an answer is in. When the query answers at once the restart
// returns SUCCESS, but the "restart waits" flag stays set, so a later work
// item completes that restart again: NDIS is waiting for another event,
// or none.
type staleRestart struct {
	brokenBase
	restartEv    binding.PnPEvent
	restartWaits bool
	query        uint32
	answered     bool
}

func (p *staleRestart) NetPnPEvent(nd *binding.NDIS, ev binding.PnPEvent) binding.Status {
	if ev.Kind == binding.NetEventPause {
		return p.Pause(nd, ev)
	}
	p.restartEv, p.restartWaits, p.answered = ev, true, false
	p.query = p.RequestID()
	_, res := p.Request(nd, oid.Request{ID: p.query, Type: oid.Query, OID: oid.OIDBackfillRequirements})
	if res.Status == binding.StatusPending && !p.answered {
		return binding.StatusPending
	}
	p.answered = true
	return p.Restart(nd, ev) // restartWaits is not cleared
}

func (p *staleRestart) OidRequestComplete(nd *binding.NDIS, req oid.Request, _ oid.Result) {
	if req.ID == p.query {
		p.answered = true
	}
	p.OIDDone(nd)
}

func (p *staleRestart) WorkItem(nd *binding.NDIS) {
	p.brokenBase.WorkItem(nd)
	if p.restartWaits && p.answered {
		p.restartWaits = false
		nd.CompleteNetPnPEvent(p.restartEv, p.Restart(nd, p.restartEv))
	}
}

// restartFailsOnAlloc rebuilds its pools at every restart and fails the
// restart when an allocation fails; a restart should always succeed (keep
// the old pools, or fail the writes), so NDIS warns.
type restartFailsOnAlloc struct{ brokenBase }

func (p *restartFailsOnAlloc) NetPnPEvent(nd *binding.NDIS, ev binding.PnPEvent) binding.Status {
	if ev.Kind == binding.NetEventPause {
		return p.Pause(nd, ev)
	}
	if n, ok := ev.Restart.Needs(); ok {
		p.Needs = n
	}
	p.Rebuild(nd)
	if p.NBLPool.IsNull() {
		return binding.StatusResources
	}
	p.State = fsm.Running
	return binding.StatusSuccess
}

// sourceHandleUnset sets SourceHandle in its send helper, which the
// small-write fast path does not go through.
type sourceHandleUnset struct{ brokenBase }

// smallWrite is the size below which its fast path sends.
const smallWrite = 128

func (p *sourceHandleUnset) Write(nd *binding.NDIS, bytes uint32) {
	if !p.Running() {
		return
	}
	nbl := p.Build(nd, p.Needs.DataBackfill, p.ContextBackfill(nd, p.Needs), bytes)
	if nbl.IsNull() {
		return
	}
	if bytes >= smallWrite {
		p.Send(nd, nbl) // sets SourceHandle
		return
	}
	p.Sends++
	nd.SendNetBufferLists(nbl, 0) // the fast path
}

// newEmptyFirstNB links its own NB into each NBL, but its NBL pool was
// switched to fAllocateNetBuffer TRUE for another path: every NBL comes
// with an NB of its own, empty, which stays first in the chain.
func newEmptyFirstNB() binding.Protocol {
	cfg := separateBaseConfig()
	cfg.NBLPool.AllocateNetBuffer = true
	p := newBrokenBase(cfg)
	return &p.Base
}

func init() {
	base := func() brokenBase { return newBrokenBase(defaultBaseConfig()) }
	for _, g := range []sim.GoDesign{
		{
			Name:    "broken-open-in-work-item",
			Summary: "bind pends and our worker thread calls NdisOpenAdapterEx, to keep the bind handler short",
			Breaks:  rule.OpenOutsideBind,
			New:     func() binding.Protocol { return &openInWorkItem{brokenBase: base()} },
		},
		{
			Name:    "broken-close-on-send-error",
			Summary: "a failed send makes our work item close the adapter while the binding is Running",
			Breaks:  rule.CloseOutsideUnbind,
			New:     func() binding.Protocol { return &closeOnSendError{brokenBase: base()} },
		},
		{
			Name:    "broken-filter-after-close",
			Summary: "unbind clears the packet filter after NdisCloseAdapterEx instead of before",
			Breaks:  rule.HandleUsedAfterClose,
			New:     func() binding.Protocol { return &filterAfterClose{base()} },
		},
		{
			Name:    "broken-pause-not-supported",
			Summary: "our PnP handler answers NDIS_STATUS_NOT_SUPPORTED for every event but restart, the pause included",
			Breaks:  rule.PnPStatusInvalid,
			New:     func() binding.Protocol { return &pauseNotSupported{base()} },
		},
		{
			Name:    "broken-stale-restart-completion",
			Summary: "a restart whose query answered at once leaves its 'restart waits' flag set; a later work item completes that old restart",
			Breaks:  rule.UnexpectedCompletion,
			New:     func() binding.Protocol { return &staleRestart{brokenBase: base()} },
		},
		{
			Name:    "broken-restart-fails-on-alloc",
			Summary: "we rebuild our pools at every restart and fail the restart when an allocation fails",
			Breaks:  rule.PnPEventFailed,
			New:     func() binding.Protocol { return &restartFailsOnAlloc{base()} },
		},
		{
			Name:    "broken-source-handle-unset",
			Summary: "our small-write fast path skips the send helper that sets SourceHandle",
			Breaks:  rule.SourceHandleNotSet,
			New:     func() binding.Protocol { return &sourceHandleUnset{base()} },
		},
		{
			Name:    "broken-empty-first-nb",
			Summary: "we link our own NB into each NBL from a pool now created with fAllocateNetBuffer TRUE: the NBL's own, empty NB goes first",
			Breaks:  rule.SendWithoutData,
			New:     newEmptyFirstNB,
		},
	} {
		g.Stack, g.Changes = demoStack, demoChanges()
		sim.MustRegister(g)
	}
}
