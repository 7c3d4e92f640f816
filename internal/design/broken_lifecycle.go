package design

import (
	"github.com/ndissim/ndissim/binding"
	"github.com/ndissim/ndissim/fsm"
	"github.com/ndissim/ndissim/oid"
	"github.com/ndissim/ndissim/pool"
	"github.com/ndissim/ndissim/rule"
	"github.com/ndissim/ndissim/sim"
)

// The broken designs of the Lifecycle rules.

// pauseEarly stops new sends in its pause handler and returns SUCCESS at
// once, as if stopping were the same as draining.
type pauseEarly struct{ brokenBase }

func (p *pauseEarly) NetPnPEvent(nd *binding.NDIS, ev binding.PnPEvent) binding.Status {
	if ev.Kind == binding.NetEventPause {
		p.State = fsm.Paused
		p.ReturnHeld(nd)
		return binding.StatusSuccess // sends may still be in flight
	}
	return p.Restart(nd, ev)
}

// pauseNoSignal defers the end of a pause to its work item, as it must,
// through a "pause drained" flag its send-complete handler raises. The
// handler tests for the last send before it counts the completing one, so
// the flag is never raised and the pended pause is never completed.
type pauseNoSignal struct {
	brokenBase
	drained bool
}

func (p *pauseNoSignal) SendNetBufferListsComplete(nd *binding.NDIS, nbl pool.NBL, _ binding.Status, _ binding.SendCompleteFlags) {
	p.FreeSend(nd, nbl)
	if p.Pausing && p.Sends == 0 { // one too early: this send still counts
		p.drained = true
	}
	p.Sends--
}

func (p *pauseNoSignal) WorkItem(nd *binding.NDIS) {
	p.ReturnHeld(nd)
	if p.drained {
		p.drained = false
		p.FinishPause(nd)
	}
	p.FinishUnbind(nd)
}

// restartOidFailure queries the stack's needs at restart and pends the
// restart for the answer, which its work item acts on; the work item
// completes the restart when the answer was a success and only logs a
// failed one, so that restart stays pended.
type restartOidFailure struct {
	brokenBase
	query    uint32           // the requirements query of a restart
	pended   binding.PnPEvent // the restart it pended for the answer
	answered bool
	answer   oid.Result
}

func (p *restartOidFailure) NetPnPEvent(nd *binding.NDIS, ev binding.PnPEvent) binding.Status {
	if ev.Kind == binding.NetEventPause {
		return p.Pause(nd, ev)
	}
	p.answered, p.query = false, p.RequestID()
	_, res := p.Request(nd, oid.Request{ID: p.query, Type: oid.Query, OID: oid.OIDBackfillRequirements})
	switch {
	case res.Status == binding.StatusPending && !p.answered:
		p.pended = ev
		return binding.StatusPending
	case res.Status == binding.StatusPending:
		res = p.answer // it completed before NdisOidRequest returned
	}
	p.query = 0
	if res.Status == binding.StatusSuccess {
		p.Needs = res.Needs
	}
	return p.Restart(nd, ev) // a failed query: the attributes stand in
}

func (p *restartOidFailure) OidRequestComplete(nd *binding.NDIS, req oid.Request, res oid.Result) {
	if req.ID == p.query {
		p.answered, p.answer = true, res
	}
	p.OIDDone(nd)
}

func (p *restartOidFailure) WorkItem(nd *binding.NDIS) {
	p.brokenBase.WorkItem(nd)
	if p.query == 0 || !p.answered {
		return
	}
	p.query = 0
	if p.answer.Status == binding.StatusSuccess {
		p.Needs = p.answer.Needs
		nd.CompleteNetPnPEvent(p.pended, p.Restart(nd, p.pended))
	}
	// a failure is logged, and the restart is left pended
}

// closeOidPending clears the packet filter at unbind, as the sample driver
// does, but calls NdisCloseAdapterEx without waiting for a set that pended.
// NDIS completes the request all the same, so this is a warning: the
// completion comes to a binding that is going away.
type closeOidPending struct{ brokenBase }

func (p *closeOidPending) UnbindAdapter(nd *binding.NDIS) binding.Status {
	p.State = fsm.Closing
	p.ReturnHeld(nd)
	p.Request(nd, oid.Request{Type: oid.Set, OID: oid.OIDGenCurrentPacketFilter, Value: 0})
	return p.CloseAdapter(nd) // the set may still be pending
}

// oidBeforeOpen queries the frame size right after NdisOpenAdapterEx
// returns, without checking whether the open pended.
type oidBeforeOpen struct {
	brokenBase
	frameSize uint32
}

func (p *oidBeforeOpen) BindAdapter(nd *binding.NDIS, bp oid.BindParameters) binding.Status {
	st := p.brokenBase.BindAdapter(nd, bp)
	p.frameSize = oid.MaxFrameSize
	if _, res := p.Request(nd, oid.Request{Type: oid.Query, OID: oid.OIDGenMaximumFrameSize}); res.Status == binding.StatusSuccess {
		p.frameSize = res.Value
	}
	return st
}

func (p *oidBeforeOpen) OidRequestComplete(nd *binding.NDIS, req oid.Request, res oid.Result) {
	if req.OID == oid.OIDGenMaximumFrameSize && res.Status == binding.StatusSuccess {
		p.frameSize = res.Value
	}
	p.OIDDone(nd)
}

// openPendingAsSuccess tests NdisOpenAdapterEx's status with NT_SUCCESS,
// which STATUS_PENDING passes: the bind returns SUCCESS while the open is
// still pending, so NDIS has a bound protocol without an open adapter.
type openPendingAsSuccess struct{ brokenBase }

func (p *openPendingAsSuccess) BindAdapter(nd *binding.NDIS, bp oid.BindParameters) binding.Status {
	p.BeginBind(bp)
	if !p.CreatePools(nd) {
		return binding.StatusResources
	}
	if st := nd.OpenAdapter(); st == binding.StatusSuccess || st == binding.StatusPending { // NT_SUCCESS
		p.Opened(nd)
		return binding.StatusSuccess
	}
	p.FreePools(nd)
	p.State = fsm.Unbound
	return binding.StatusFailure
}

// leakOnSendFailure frees its pools with the binding's last reference, and
// every NBL it allocates holds one. Its send-complete handler takes an early
// exit on a failure status that skips both the free and the dereference, so
// the NBL and the pools outlive the unbind: memory lost until the driver
// unloads, which NDIS cannot tell from pools kept on purpose (a warning).
type leakOnSendFailure struct {
	brokenBase
	refs int // NBLs allocated and not yet freed
}

func (p *leakOnSendFailure) BindAdapter(nd *binding.NDIS, bp oid.BindParameters) binding.Status {
	p.refs = 0
	return p.brokenBase.BindAdapter(nd, bp)
}

func (p *leakOnSendFailure) Write(nd *binding.NDIS, bytes uint32) {
	if !p.Running() {
		return
	}
	if nbl := p.Build(nd, p.Needs.DataBackfill, p.ContextBackfill(nd, p.Needs), bytes); !nbl.IsNull() {
		p.refs++
		p.Send(nd, nbl)
	}
}

func (p *leakOnSendFailure) SendNetBufferListsComplete(nd *binding.NDIS, nbl pool.NBL, st binding.Status, _ binding.SendCompleteFlags) {
	if st != binding.StatusSuccess {
		p.SendDone(nd) // counts the error, wakes a pause, and returns early
		return
	}
	p.FreeSend(nd, nbl)
	p.refs--
	p.SendDone(nd)
}

func (p *leakOnSendFailure) UnbindAdapter(nd *binding.NDIS) binding.Status {
	p.State = fsm.Closing
	p.ReturnHeld(nd)
	if nd.CloseAdapter() == binding.StatusPending {
		return binding.StatusPending
	}
	p.release(nd)
	return binding.StatusSuccess
}

func (p *leakOnSendFailure) CloseAdapterComplete(nd *binding.NDIS) {
	p.release(nd)
	nd.CompleteUnbindAdapter()
}

// release drops the binding's own reference: the pools go when no NBL holds one.
func (p *leakOnSendFailure) release(nd *binding.NDIS) {
	if p.refs == 0 {
		p.FreePools(nd)
	}
	p.State = fsm.Unbound
}

// poolsLeaked frees its pools in ProtocolCloseAdapterCompleteEx only; when
// NdisCloseAdapterEx completes at once NDIS calls no close-complete, and
// the unbind returns with the pools still allocated (a warning: pools may
// be the driver's).
type poolsLeaked struct{ brokenBase }

func (p *poolsLeaked) UnbindAdapter(nd *binding.NDIS) binding.Status {
	p.State = fsm.Closing
	p.ReturnHeld(nd)
	if nd.CloseAdapter() == binding.StatusPending {
		return binding.StatusPending // CloseAdapterComplete frees the pools
	}
	p.State = fsm.Unbound
	return binding.StatusSuccess
}

// closeNotWaited ignores NdisCloseAdapterEx's status and returns SUCCESS
// from its unbind; when the close pended, NDIS is told the binding is gone
// while the adapter is still open.
type closeNotWaited struct{ brokenBase }

func (p *closeNotWaited) UnbindAdapter(nd *binding.NDIS) binding.Status {
	p.State = fsm.Closing
	p.ReturnHeld(nd)
	nd.CloseAdapter() // PENDING is not looked at
	p.FreePools(nd)
	p.State = fsm.Unbound
	return binding.StatusSuccess
}

// CloseAdapterComplete has nothing left to do: the unbind has returned.
func (p *closeNotWaited) CloseAdapterComplete(*binding.NDIS) {}

// oidPanic sizes its receive ring from the frame size it queries once the
// open has completed, without checking the request's status: a failed query
// has a zero frame size and the division panics.
type oidPanic struct {
	brokenBase
	ringSlots uint32
}

const ringBytes = 64 << 10

func newOidPanic() binding.Protocol {
	p := &oidPanic{brokenBase: newBrokenBase(defaultBaseConfig())}
	p.Config.AfterOpen = p.queryFrameSize
	return p
}

func (p *oidPanic) queryFrameSize(nd *binding.NDIS) {
	if _, res := p.Request(nd, oid.Request{Type: oid.Query, OID: oid.OIDGenMaximumFrameSize}); res.Status != binding.StatusPending {
		p.sizeRing(res)
	}
}

func (p *oidPanic) sizeRing(res oid.Result) {
	p.ringSlots = ringBytes / res.Value // res.Status unchecked
}

func (p *oidPanic) OidRequestComplete(nd *binding.NDIS, req oid.Request, res oid.Result) {
	if req.OID == oid.OIDGenMaximumFrameSize {
		p.sizeRing(res)
	}
	p.OIDDone(nd)
}

// statsLoop counts the NBs of every completed send for its statistics, in a
// chain walk that reads the next NB but never advances its cursor: on the
// first completion the loop spins for ever, in a DPC on a real machine.
type statsLoop struct {
	brokenBase
	sentNBs uint64
}

func (p *statsLoop) SendNetBufferListsComplete(nd *binding.NDIS, nbl pool.NBL, st binding.Status, _ binding.SendCompleteFlags) {
	for nb := nd.FirstNB(nbl); !nb.IsNull(); p.sentNBs++ {
		_ = nd.NextNB(nb) // nb = next is missing
	}
	p.brokenBase.SendNetBufferListsComplete(nd, nbl, st, 0)
}

func init() {
	for _, g := range []sim.GoDesign{
		{
			Name:    "broken-pause-early",
			Summary: "our pause handler stops new sends and returns SUCCESS without waiting for the ones in flight",
			Breaks:  rule.PauseWithOutstanding,
			New:     func() binding.Protocol { return &pauseEarly{newBrokenBase(defaultBaseConfig())} },
		},
		{
			Name:    "broken-pause-no-signal",
			Summary: "send-complete checks for the last send before decrementing the count, so a pended pause is never completed",
			Breaks:  rule.PauseNotCompleted,
			New:     func() binding.Protocol { return &pauseNoSignal{brokenBase: newBrokenBase(defaultBaseConfig())} },
		},
		{
			Name:    "broken-restart-oid-failure",
			Summary: "restart pends for our backfill query; when the query fails, the completion handler never completes the restart",
			Breaks:  rule.PendedNotCompleted,
			New:     func() binding.Protocol { return &restartOidFailure{brokenBase: newBrokenBase(defaultBaseConfig())} },
		},
		{
			Name:    "broken-close-oid-pending",
			Summary: "unbind sets the packet filter to 0 and closes the adapter without waiting for the set to complete",
			Breaks:  rule.CloseWithOidsOutstanding,
			New:     func() binding.Protocol { return &closeOidPending{newBrokenBase(defaultBaseConfig())} },
		},
		{
			Name:    "broken-oid-before-open",
			Summary: "bind queries the frame size right after NdisOpenAdapterEx, even when the open pended",
			Breaks:  rule.OidInInvalidState,
			New:     func() binding.Protocol { return &oidBeforeOpen{brokenBase: newBrokenBase(defaultBaseConfig())} },
		},
		{
			Name:    "broken-open-pending-as-success",
			Summary: "bind checks NdisOpenAdapterEx with NT_SUCCESS, so PENDING counts as opened and the bind returns SUCCESS",
			Breaks:  rule.BindWithoutOpen,
			New:     func() binding.Protocol { return &openPendingAsSuccess{newBrokenBase(defaultBaseConfig())} },
		},
		{
			Name:    "broken-leak-on-send-failure",
			Summary: "send-complete returns early on a failure status without freeing the NBL or dropping its binding reference",
			Breaks:  rule.ResourcesKeptPastUnbind,
			New:     func() binding.Protocol { return &leakOnSendFailure{brokenBase: newBrokenBase(defaultBaseConfig())} },
		},
		{
			Name:    "broken-pools-leaked",
			Summary: "we free our pools in close-complete only, which NDIS does not call when the close completes at once",
			Breaks:  rule.ResourcesKeptPastUnbind,
			New:     func() binding.Protocol { return &poolsLeaked{newBrokenBase(defaultBaseConfig())} },
		},
		{
			Name:    "broken-close-not-waited",
			Summary: "unbind ignores NdisCloseAdapterEx's status and returns SUCCESS while the close is still pending",
			Breaks:  rule.LeakAtUnbind,
			New:     func() binding.Protocol { return &closeNotWaited{newBrokenBase(defaultBaseConfig())} },
		},
		{
			Name:    "broken-oid-panic",
			Summary: "we size our receive ring by dividing by the queried frame size without checking the query's status",
			Breaks:  rule.DesignPanic,
			New:     newOidPanic,
		},
		{
			Name:    "broken-stats-loop",
			Summary: "send-complete counts each NBL's NBs for our statistics, and the loop never advances to the next NB",
			Breaks:  rule.DesignHang,
			New:     func() binding.Protocol { return &statsLoop{brokenBase: newBrokenBase(defaultBaseConfig())} },
		},
	} {
		g.Stack, g.Changes = demoStack, demoChanges()
		sim.MustRegister(g)
	}
}
