package binding

import (
	"github.com/ndissim/ndissim/fsm"
	"github.com/ndissim/ndissim/internal/rule"
	"github.com/ndissim/ndissim/oid"
	"github.com/ndissim/ndissim/pool"
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

// OpenAdapter is NdisOpenAdapterEx, legal only inside BindAdapter. It returns
// SUCCESS, a failure, or PENDING followed by OpenAdapterComplete.
func (nd *NDIS) OpenAdapter() Status {
	b := nd.b
	if !b.enter() {
		return StatusFailure
	}
	if b.life.State() != fsm.Opening || b.opened || b.openPending {
		b.fail(rule.UnexpectedCompletion, nil, "NdisOpenAdapterEx called in %s%s; it is called once, while binding",
			b.life.State(), openedText(b.opened || b.openPending))
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

// CompleteNetPnPEvent is NdisCompleteNetPnPEvent for a pause or restart that
// returned PENDING.
func (nd *NDIS) CompleteNetPnPEvent(st Status) {
	b := nd.b
	if !b.enter() {
		return
	}
	if b.tracer != nil {
		b.trace(ActorProtocol, "NdisCompleteNetPnPEvent %s", st)
	}
	switch b.pnpPending {
	case NetEventPause:
		b.finishPause()
	case NetEventRestart:
		b.finishRestart(st)
	default:
		b.fail(rule.UnexpectedCompletion, nil, "NdisCompleteNetPnPEvent in %s, but no PnP event is pending", b.life.State())
	}
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

// CloseAdapter is NdisCloseAdapterEx. Every send and OID request of the
// binding must have completed first.
func (nd *NDIS) CloseAdapter() Status {
	b := nd.b
	if !b.enter() {
		return StatusFailure
	}
	if !b.opened || b.closeCalled {
		b.fail(rule.UnexpectedCompletion, nil, "NdisCloseAdapterEx in %s on an adapter that is %s",
			b.life.State(), pick(b.closeCalled, "already closed", "not open"))
		return StatusFailure
	}
	if len(b.inFlight) > 0 || len(b.oids) > 0 {
		objs := b.outstandingObjects()
		b.fail(rule.CloseWithOutstanding, objs,
			"NdisCloseAdapterEx with %d send(s) and %d OID request(s) not yet completed (%s)",
			len(b.inFlight), len(b.oids), joinObjects(objs))
		return StatusFailure
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
// PENDING one later through OidRequestComplete. The request's ID is assigned
// here and returned in the request.
func (nd *NDIS) OidRequest(req oid.Request) (oid.Request, oid.Result) {
	b := nd.b
	if !b.enter() {
		return req, oid.Result{Status: StatusFailure}
	}
	b.nextOID++
	req.ID = b.nextOID
	s := b.life.State()
	if s == fsm.Unbound || (s == fsm.Opening && !b.opened) || b.closeCalled {
		b.fail(rule.OidInInvalidState, []string{req.String()}, "NdisOidRequest %s in %s%s",
			req, s, pick(b.closeCalled, " after NdisCloseAdapterEx", openedText(b.opened)))
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
	return req, res
}

// SendNetBufferLists is NdisSendNetBufferLists for one NBL. Ownership passes
// to NDIS until SendNetBufferListsComplete, which may come before this call
// returns.
func (nd *NDIS) SendNetBufferLists(nbl pool.NBL) {
	b := nd.b
	if !b.enter() {
		return
	}
	if b.tracer != nil {
		b.trace(ActorProtocol, "NdisSendNetBufferLists %s", nbl)
	}
	if !b.usable(nbl, "NdisSendNetBufferLists") {
		return
	}
	if s := b.life.State(); s != fsm.Running {
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
func (nd *NDIS) ReturnNetBufferLists(nbl pool.NBL) {
	b := nd.b
	if !b.enter() {
		return
	}
	if b.tracer != nil {
		b.trace(ActorProtocol, "NdisReturnNetBufferLists %s", nbl)
	}
	for _, r := range b.resourcesIndicated {
		if r == nbl {
			b.fail(rule.ReceiveResourcesHeld, []string{nbl.String()},
				"NdisReturnNetBufferLists %s, which was indicated with NDIS_RECEIVE_FLAGS_RESOURCES; such NBLs are copied, never kept or returned", nbl)
			return
		}
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

// usable checks that nbl is a live NBL the design holds, reporting the rule
// it breaks otherwise.
func (b *Binding) usable(nbl pool.NBL, call string) bool {
	if !b.pools.LiveNBL(nbl) {
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
