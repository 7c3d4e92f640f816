package binding

import (
	"fmt"

	"github.com/ndissim/ndissim/fsm"
	"github.com/ndissim/ndissim/oid"
	"github.com/ndissim/ndissim/pool"
	"github.com/ndissim/ndissim/rule"
)

// NDIS is the simulated NDIS API a design calls, bound to one binding. Every
// call is checked against the catalogue; a call that breaks an error rule
// halts the binding, and from then on every call does nothing and returns
// what a failed call returns (NULL, or a failure status).
type NDIS struct{ b *Binding }

// State is the binding's lifecycle state, for designs and tests that want to
// assert on it. A real protocol keeps its own copy; so should a design.
// Like every NDIS call it counts against the callback's call budget, so a
// design that polls it waiting for a change that cannot come is cut off.
func (nd *NDIS) State() fsm.State {
	nd.b.enter()
	return nd.b.life.State()
}

// OpenAdapter is NdisOpenAdapterEx, legal only inside BindAdapter itself, at
// PASSIVE_LEVEL, once. It returns SUCCESS, a failure, or PENDING followed by
// OpenAdapterComplete.
func (nd *NDIS) OpenAdapter() Status {
	b := nd.b
	if !b.enter() {
		return StatusFailure
	}
	if b.cb != cbBind || b.life.State() != fsm.Opening || b.opened || b.openPending {
		b.fail(rule.OpenOutsideBind, nil, "NdisOpenAdapterEx called %s; it is called from ProtocolBindAdapterEx, once",
			b.openContext())
		return StatusFailure
	}
	if !b.passiveOnly("NdisOpenAdapterEx") {
		return StatusFailure
	}
	st := StatusSuccess
	switch {
	case b.decide.Decide(DecideOpenFails):
		st = StatusFailure
	case b.decide.Decide(DecideOpenPends):
		st, b.openPending = StatusPending, true
	default:
		b.opened = true
	}
	if b.tracer != nil {
		b.trace(ActorProtocol, "NdisOpenAdapterEx -> %s", st)
	}
	return st
}

// CompleteBindAdapter is NdisCompleteBindAdapterEx for a bind that returned
// PENDING.
func (nd *NDIS) CompleteBindAdapter(st Status) {
	b := nd.b
	if !b.enter() {
		return
	}
	if b.tracer != nil {
		b.trace(ActorProtocol, "NdisCompleteBindAdapterEx %s", st)
	}
	if !b.bindPending {
		b.fail(rule.UnexpectedCompletion, nil, "NdisCompleteBindAdapterEx in %s, but no bind is pending", b.life.State())
		return
	}
	if st == StatusPending {
		b.fail(rule.UnexpectedCompletion, nil, "NdisCompleteBindAdapterEx with NDIS_STATUS_PENDING; a completion carries the final status")
		return
	}
	b.finishBind(st, false)
}

// CompleteNetPnPEvent is NdisCompleteNetPnPEvent for the pause or restart ev
// that returned PENDING, at PASSIVE_LEVEL only.
func (nd *NDIS) CompleteNetPnPEvent(ev PnPEvent, st Status) {
	b := nd.b
	if !b.enter() {
		return
	}
	if b.tracer != nil {
		b.trace(ActorProtocol, "NdisCompleteNetPnPEvent %s #%d %s", ev.Kind, ev.ID, st)
	}
	if !b.passiveOnly("NdisCompleteNetPnPEvent") {
		return
	}
	if b.pnpPending == 0 || ev.ID != b.pnpID || ev.Kind != b.pnpPending {
		b.fail(rule.UnexpectedCompletion, nil, "NdisCompleteNetPnPEvent for %s #%d in %s, but %s",
			ev.Kind, ev.ID, b.life.State(), b.pnpPendingText())
		return
	}
	if ev.Kind == NetEventPause {
		b.finishPause(st, "completed with")
	} else {
		b.finishRestart(st, "completed with")
	}
}

// pnpPendingText says which PnP event, if any, NDIS waits for.
func (b *Binding) pnpPendingText() string {
	if b.pnpPending == 0 {
		if b.running == opPause || b.running == opRestart {
			return fmt.Sprintf("ProtocolNetPnPEvent for #%d has not returned NDIS_STATUS_PENDING yet", b.pnpID)
		}
		return "no PnP event is pending"
	}
	return fmt.Sprintf("the pending event is %s #%d", b.pnpPending, b.pnpID)
}

// CompleteUnbindAdapter is NdisCompleteUnbindAdapterEx for an unbind that
// returned PENDING.
func (nd *NDIS) CompleteUnbindAdapter() {
	b := nd.b
	if !b.enter() {
		return
	}
	if b.tracer != nil {
		b.trace(ActorProtocol, "NdisCompleteUnbindAdapterEx")
	}
	if !b.unbindPending {
		b.fail(rule.UnexpectedCompletion, nil, "NdisCompleteUnbindAdapterEx in %s, but no unbind is pending", b.life.State())
		return
	}
	b.finishUnbind()
}

// CloseAdapter is NdisCloseAdapterEx, at PASSIVE_LEVEL, from the bind (after
// the open succeeded and a later step failed) or the unbind, including what
// either pended. Every send must have completed first, and should every OID
// request; the binding handle is dead from the call on.
func (nd *NDIS) CloseAdapter() Status {
	b := nd.b
	if !b.enter() {
		return StatusFailure
	}
	closable := b.running == opBind || b.running == opUnbind || b.bindPending || b.unbindPending
	if !closable || !b.opened || b.closeCalled {
		why := "outside ProtocolBindAdapterEx and ProtocolUnbindAdapterEx (a driver that wants to close calls NdisUnbindAdapter)"
		if closable {
			why = pick(b.closeCalled, "on an adapter it already closed", "on an adapter that is not open")
		}
		b.fail(rule.CloseOutsideUnbind, nil, "NdisCloseAdapterEx in %s %s", b.life.State(), why)
		return StatusFailure
	}
	if !b.passiveOnly("NdisCloseAdapterEx") {
		return StatusFailure
	}
	// A close the lifecycle allows comes after a pause that drained every
	// send, so this guards a bookkeeping slip rather than a design's choice.
	if len(b.inFlight) > 0 {
		objs := b.outstandingObjects()
		b.fail(rule.CloseWithOutstanding, objs, "NdisCloseAdapterEx with %d send(s) not yet completed (%s)",
			len(b.inFlight), joinObjects(objs))
		return StatusFailure
	}
	if len(b.oids) > 0 {
		objs := b.outstandingObjects()
		b.fail(rule.CloseWithOidsOutstanding, objs, "NdisCloseAdapterEx with %d OID request(s) of the protocol not yet completed (%s)",
			len(b.oids), joinObjects(objs))
	}
	b.closeCalled = true
	st := StatusSuccess
	if b.decide.Decide(DecideClosePends) {
		st, b.closePending = StatusPending, true
	}
	if b.tracer != nil {
		b.trace(ActorProtocol, "NdisCloseAdapterEx -> %s", st)
	}
	return st
}

// OidRequest is NdisOidRequest. A synchronous answer comes back at once; a
// PENDING one later through OidRequestComplete, which may come before this
// call returns. req.ID is the request's identity, as the NDIS_OID_REQUEST's
// address is a real driver's: a design that must recognise an early
// completion sets it before the call (OwnRequestID and above); when it is 0,
// NDIS numbers the request from 1 and returns it in the request.
func (nd *NDIS) OidRequest(req oid.Request) (oid.Request, oid.Result) {
	b := nd.b
	if !b.enter() {
		return req, oid.Result{Status: StatusFailure}
	}
	if req.ID == 0 {
		b.nextOID++
		req.ID = b.nextOID
	}
	s := b.life.State()
	if b.closeCalled {
		b.fail(rule.HandleUsedAfterClose, []string{req.String()}, "NdisOidRequest %s in %s after NdisCloseAdapterEx", req, s)
		return req, oid.Result{Status: StatusFailure}
	}
	if s == fsm.Unbound || (s == fsm.Opening && !b.opened) {
		b.fail(rule.OidInInvalidState, []string{req.String()}, "NdisOidRequest %s in %s%s", req, s, openedText(b.opened))
		return req, oid.Result{Status: StatusFailure}
	}
	var res oid.Result
	switch {
	case b.decide.Decide(DecideOidFails):
		res = oid.Result{Status: StatusFailure}
	case b.decide.Decide(DecideOidPends):
		res = oid.Result{Status: StatusPending}
		b.oids = append(b.oids, req)
	default:
		res = b.stack.Answer(req)
	}
	if b.tracer != nil {
		b.trace(ActorProtocol, "NdisOidRequest %s -> %s", req, res.Status)
	}
	if res.Status == StatusPending && b.decide.Decide(DecideOidCompletesNow) {
		// The completion may overtake the return, as the page warns.
		b.CompleteOid(len(b.oids)-1, !b.decide.Decide(DecideOidFails))
	}
	return req, res
}

// SendNetBufferLists is NdisSendNetBufferLists for one NBL. Ownership passes
// to NDIS until SendNetBufferListsComplete, which may come before this call
// returns. flags may carry SendDispatchLevel only at DISPATCH_LEVEL.
func (nd *NDIS) SendNetBufferLists(nbl pool.NBL, flags SendFlags) {
	b := nd.b
	if !b.enter() {
		return
	}
	if b.tracer != nil {
		b.trace(ActorProtocol, "NdisSendNetBufferLists %s%s", nbl, pick(flags&SendDispatchLevel != 0, " NDIS_SEND_FLAGS_DISPATCH_LEVEL", ""))
	}
	if !b.handleOpen("NdisSendNetBufferLists", nbl) || !b.usable(nbl, "NdisSendNetBufferLists") ||
		!b.flagMatches(flags&SendDispatchLevel != 0, "NDIS_SEND_FLAGS_DISPATCH_LEVEL") || !b.sendable(nbl) {
		return
	}
	switch s := b.life.State(); s {
	case fsm.Running:
	case fsm.Pausing:
		b.fail(rule.SendWhilePausing, []string{nbl.String()},
			"NdisSendNetBufferLists %s while the binding is Pausing; the pause now waits for it too", nbl)
	default:
		b.fail(rule.SendWhileNotRunning, []string{nbl.String()}, "NdisSendNetBufferLists %s while the binding is %s", nbl, s)
		return
	}
	b.checkBackfill(nbl)
	b.pools.SetHolder(nbl, pool.HeldByNDIS)
	b.inFlight = append(b.inFlight, nbl)
	b.sends++
	if b.decide.Decide(DecideSendCompletesNow) {
		b.CompleteSend(len(b.inFlight)-1, !b.decide.Decide(DecideSendFails))
	}
}

// SetSourceHandle sets NET_BUFFER_LIST->SourceHandle of an NBL the design
// is about to send to its binding handle, as every sender must.
func (nd *NDIS) SetSourceHandle(nbl pool.NBL) {
	b := nd.b
	if b.enter() && b.usable(nbl, "set SourceHandle of") {
		b.pools.SetSourceHandle(nbl)
	}
}

// handleOpen checks that the binding handle is still valid for call: not
// after NdisCloseAdapterEx.
func (b *Binding) handleOpen(call string, nbl pool.NBL) bool {
	if !b.closeCalled {
		return true
	}
	b.fail(rule.HandleUsedAfterClose, []string{nbl.String()}, "%s %s in %s after NdisCloseAdapterEx; the binding handle is no longer valid",
		call, nbl, b.life.State())
	return false
}

// flagMatches checks a DISPATCH_LEVEL flag the design passed: it may be set
// only when the caller runs at DISPATCH_LEVEL. A clear flag is always legal
// (NDIS then finds the IRQL out itself).
func (b *Binding) flagMatches(set bool, flag string) bool {
	if !set || b.irql == DispatchLevel {
		return true
	}
	b.fail(rule.DispatchFlagMismatch, nil, "%s set at %s", flag, b.irql)
	return false
}

// sendable checks what NDIS needs of a sent NBL: SourceHandle set, at least
// one NB, and data in every NB.
func (b *Binding) sendable(nbl pool.NBL) bool {
	if !b.pools.SourceHandle(nbl) {
		b.fail(rule.SourceHandleNotSet, []string{nbl.String()}, "NdisSendNetBufferLists %s, whose SourceHandle is not the binding handle", nbl)
		return false
	}
	first := b.pools.FirstNB(nbl)
	if first.IsNull() {
		b.fail(rule.SendWithoutData, []string{nbl.String()}, "NdisSendNetBufferLists %s, which has no NET_BUFFER", nbl)
		return false
	}
	for nb := first; !nb.IsNull(); nb = b.pools.NextNB(nb) {
		if info, _ := b.pools.NB(nb); info.DataLength == 0 {
			b.fail(rule.SendWithoutData, []string{nbl.String(), nb.String()}, "NdisSendNetBufferLists %s, whose %s has no data (DataLength 0)", nbl, nb)
			return false
		}
	}
	return true
}

// checkBackfill warns when the stack below will have to allocate: an NB's
// unused data space or the NBL's unused context space is short of the
// stack's needs.
func (b *Binding) checkBackfill(nbl pool.NBL) {
	need := b.stack.Needs()
	b.checkDataBackfill(nbl, need.DataBackfill)
	if room := b.pools.ContextHeadroom(nbl); room < need.ContextBackfill && !b.warned[rule.SendContextShortfall] {
		b.fail(rule.SendContextShortfall, []string{nbl.String()},
			"%s has %d bytes of unused context, the stack below needs %d (ContextBackFillSize); NDIS will allocate for each send",
			nbl, room, need.ContextBackfill)
	}
}

func (b *Binding) checkDataBackfill(nbl pool.NBL, need uint32) {
	if need == 0 || b.warned[rule.SendBackfillShortfall] {
		return
	}
	for nb := b.pools.FirstNB(nbl); !nb.IsNull(); nb = b.pools.NextNB(nb) {
		info, _ := b.pools.NB(nb)
		if info.DataOffset < need {
			b.fail(rule.SendBackfillShortfall, []string{nbl.String(), nb.String()},
				"%s of %s has DataOffset %d, the stack below needs %d (DataBackFillSize); each retreat below will allocate",
				nb, nbl, info.DataOffset, need)
			return
		}
	}
}

// ReturnNetBufferLists is NdisReturnNetBufferLists for one received NBL.
// flags may carry ReturnDispatchLevel only at DISPATCH_LEVEL.
func (nd *NDIS) ReturnNetBufferLists(nbl pool.NBL, flags ReturnFlags) {
	b := nd.b
	if !b.enter() {
		return
	}
	if b.tracer != nil {
		b.trace(ActorProtocol, "NdisReturnNetBufferLists %s%s", nbl, pick(flags&ReturnDispatchLevel != 0, " NDIS_RETURN_FLAGS_DISPATCH_LEVEL", ""))
	}
	if b.resourcesHeld(nbl, "NdisReturnNetBufferLists") || !b.handleOpen("NdisReturnNetBufferLists", nbl) ||
		!b.flagMatches(flags&ReturnDispatchLevel != 0, "NDIS_RETURN_FLAGS_DISPATCH_LEVEL") {
		return
	}
	i := indexOf(b.held, nbl)
	if i < 0 {
		b.fail(rule.ReturnNotOwned, []string{nbl.String()},
			"NdisReturnNetBufferLists %s, which is not a received NBL this binding holds (%s)", nbl, b.whose(nbl))
		return
	}
	b.held = append(b.held[:i], b.held[i+1:]...)
	b.pools.SetHolder(nbl, pool.HeldByMiniport)
	_ = b.pools.FreeNetBufferList(nbl) // the miniport recycles it
}

// resourcesHeld reports (as ReceiveResourcesHeld) a call on an NBL that was
// indicated with NDIS_RECEIVE_FLAGS_RESOURCES: the design kept it past the
// indication, since the miniport took it back when the callback returned.
func (b *Binding) resourcesHeld(nbl pool.NBL, call string) bool {
	for _, r := range b.resourcesIndicated {
		if r == nbl {
			b.fail(rule.ReceiveResourcesHeld, []string{nbl.String()},
				"%s %s, which was indicated with NDIS_RECEIVE_FLAGS_RESOURCES; such NBLs are copied, never kept or returned", call, nbl)
			return true
		}
	}
	return false
}

// usable checks that nbl is a live NBL the design holds, reporting the rule
// it breaks otherwise.
func (b *Binding) usable(nbl pool.NBL, call string) bool {
	if !b.pools.LiveNBL(nbl) {
		if b.resourcesHeld(nbl, call) {
			return false
		}
		name := rule.UseAfterFree
		if nbl.IsNull() {
			name = rule.AllocationFailureIgnored
		}
		b.fail(name, []string{nbl.String()}, "%s with %s, which %s", call, nbl,
			pick(nbl.IsNull(), "is NULL: its allocation failed", "was already freed"))
		return false
	}
	switch b.pools.Holder(nbl) {
	case pool.HeldByNDIS:
		b.fail(rule.SendInFlightTouched, []string{nbl.String()},
			"%s with %s, which was sent and is not yet completed; it belongs to NDIS until send-complete", call, nbl)
		return false
	case pool.HeldByMiniport, pool.IndicatedToProtocol:
		if call == "NdisFreeNetBufferList" {
			b.fail(rule.ForeignNblFreed, []string{nbl.String()},
				"NdisFreeNetBufferList %s, a received NBL from the miniport's pool; return it with NdisReturnNetBufferLists", nbl)
		} else {
			b.fail(rule.ReturnNotOwned, []string{nbl.String()},
				"%s with %s, a received NBL the miniport owns; the protocol only reads and returns it", call, nbl)
		}
		return false
	}
	return true
}

func (b *Binding) whose(nbl pool.NBL) string {
	switch {
	case !b.pools.LiveNBL(nbl):
		return "it was already returned or freed"
	case b.pools.Owner(nbl) == pool.OwnerProtocol:
		return "it is the protocol's own NBL"
	}
	return "it was already returned"
}

// pick is a conditional expression for message fragments.
func pick(cond bool, yes, no string) string {
	if cond {
		return yes
	}
	return no
}

// openContext says where an NdisOpenAdapterEx out of place was made.
func (b *Binding) openContext() string {
	switch {
	case b.opened || b.openPending:
		return "a second time"
	case b.cb != cbBind:
		return fmt.Sprintf("outside ProtocolBindAdapterEx (in %s, binding %s)", b.cb, b.life.State())
	}
	return fmt.Sprintf("while the binding is %s", b.life.State())
}

func openedText(opened bool) string {
	if opened {
		return ""
	}
	return " before the open has completed"
}

// MAA is MEMORY_ALLOCATION_ALIGNMENT on the simulated platform: the
// compile-time constant a real driver sizes its contexts with.
func (nd *NDIS) MAA() uint32 {
	nd.b.enter()
	return nd.b.pools.MAA()
}
