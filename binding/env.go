package binding

import (
	"github.com/ndissim/ndissim/fsm"
	"github.com/ndissim/ndissim/oid"
	"github.com/ndissim/ndissim/pool"
	"github.com/ndissim/ndissim/rule"
)

// The environment's moves. Each is legal only when the matching Can method
// (or Outstanding) says so; the simulator picks among the legal ones. A move
// on a halted binding does nothing.

// op is a lifecycle operation NDIS started on the binding.
type op uint8

const (
	opNone op = iota
	opBind
	opPause
	opRestart
	opUnbind
)

// Outstanding is what NDIS is waiting for on this binding.
type Outstanding struct {
	Sends, OIDs, HeldReceives int
	OpenPending               bool // an open that returned PENDING
	ClosePending              bool // a close that returned PENDING
	BindPending               bool // a bind that returned PENDING
	PnP                       PnPKind
	UnbindPending             bool
	// InCallback is set while a bind, PnP or unbind callback has not
	// returned: it is blocked in a wait, and NDIS delivers only what may
	// run concurrently with it.
	InCallback bool
}

// Outstanding reports what is pending now.
func (b *Binding) Outstanding() Outstanding {
	return Outstanding{
		Sends: len(b.inFlight), OIDs: len(b.oids), HeldReceives: len(b.held),
		OpenPending: b.openPending, ClosePending: b.closePending, BindPending: b.bindPending,
		PnP: b.pnpPending, UnbindPending: b.unbindPending, InCallback: b.running != opNone,
	}
}

// Busy reports whether the binding waits for the design to complete a bind,
// PnP event or unbind it pended or is still running. NDIS starts no new
// lifecycle operation then.
func (b *Binding) Busy() bool {
	return b.bindPending || b.pnpPending != 0 || b.unbindPending || b.openPending || b.closePending || b.running != opNone
}

// lifecycleCall runs a bind, PnP or unbind callback, which NDIS calls at
// PASSIVE_LEVEL, marking the operation as running while it does.
func (b *Binding) lifecycleCall(o op, name string, cb callback, f func()) {
	b.running = o
	b.call(name, cb, PassiveLevel, f)
	b.running = opNone
}

// Bind calls ProtocolBindAdapterEx with the stack's bind parameters.
func (b *Binding) Bind() error {
	if b.halted {
		return nil
	}
	if err := b.lifecycle(fsm.Bind); err != nil {
		return err
	}
	b.opened, b.openPending, b.closeCalled, b.closePending = false, false, false, false
	params := b.stack.BindParameters()
	if b.tracer != nil {
		b.trace(ActorNDIS, "ProtocolBindAdapterEx DataBackFillSize=%d ContextBackFillSize=%d",
			params.DataBackFillSize, params.ContextBackFillSize)
	}
	var st Status
	b.lifecycleCall(opBind, "ProtocolBindAdapterEx", cbBind, func() { st = b.proto.BindAdapter(&b.nd, params) })
	b.traceStatus("ProtocolBindAdapterEx", st)
	b.finishBind(st, true)
	return nil
}

// finishBind moves on from a bind that returned or completed with st.
func (b *Binding) finishBind(st Status, returned bool) {
	if b.halted || b.life.State() != fsm.Opening {
		return
	}
	switch {
	case st == StatusPending && returned:
		b.bindPending = true
	case st == StatusSuccess && !b.opened:
		b.fail(rule.BindWithoutOpen, nil, "the bind %s SUCCESS but the adapter is not open (%s)",
			pick(returned, "returned", "completed with"), pick(b.openPending, "NdisOpenAdapterEx is still pending", "NdisOpenAdapterEx did not succeed"))
	case st == StatusSuccess:
		b.bindPending = false
		b.fire(fsm.BindComplete)
	default:
		b.bindPending = false
		b.fire(fsm.BindFailed)
		b.checkUnbound("a failed bind")
	}
}

// CompleteOpen delivers ProtocolOpenAdapterCompleteEx for a pended open.
func (b *Binding) CompleteOpen(ok bool) {
	if b.halted || !b.openPending {
		return
	}
	b.openPending = false
	st := StatusFailure
	if ok {
		st, b.opened = StatusSuccess, true
	}
	if b.tracer != nil {
		b.trace(ActorNDIS, "ProtocolOpenAdapterCompleteEx %s", st)
	}
	b.call("ProtocolOpenAdapterCompleteEx", cbOpenComplete, PassiveLevel, func() { b.proto.OpenAdapterComplete(&b.nd, st) })
}

// Restart calls ProtocolNetPnPEvent(NetEventRestart), with the restart
// attributes or with a NULL list.
func (b *Binding) Restart(withAttributes bool) error {
	if b.halted {
		return nil
	}
	if err := b.lifecycle(fsm.Restart); err != nil {
		return err
	}
	ev := b.newPnPEvent(NetEventRestart)
	ev.Restart = b.stack.RestartParameters(withAttributes)
	if b.tracer != nil {
		if n, ok := ev.Restart.Needs(); ok {
			b.trace(ActorNDIS, "ProtocolNetPnPEvent NetEventRestart filters=%v %v", ev.Restart.FilterModuleNames, n)
		} else {
			b.trace(ActorNDIS, "ProtocolNetPnPEvent NetEventRestart filters=%v RestartAttributes=NULL", ev.Restart.FilterModuleNames)
		}
	}
	var st Status
	b.lifecycleCall(opRestart, "ProtocolNetPnPEvent(NetEventRestart)", cbPnP, func() { st = b.proto.NetPnPEvent(&b.nd, ev) })
	b.traceStatus("ProtocolNetPnPEvent(NetEventRestart)", st)
	if st == StatusPending {
		b.pnpPending = NetEventRestart
		return nil
	}
	b.finishRestart(st, "returned")
	return nil
}

// newPnPEvent numbers a new PnP notification, so that its completion can
// be told from a late one of an earlier event.
func (b *Binding) newPnPEvent(k PnPKind) PnPEvent {
	b.pnpSeq++
	b.pnpID = b.pnpSeq
	return PnPEvent{ID: b.pnpSeq, Kind: k}
}

// pnpStatusOK judges the final status of a pause or restart: PENDING as a
// final status and NOT_SUPPORTED are errors, a failure a warning (a pause
// or restart should always succeed). It reports whether NDIS goes on.
func (b *Binding) pnpStatusOK(k PnPKind, st Status, how string) bool {
	switch st {
	case StatusSuccess:
	case StatusPending, StatusNotSupported:
		b.fail(rule.PnPStatusInvalid, nil, "ProtocolNetPnPEvent(%s) %s %s; an NDIS 6 protocol never answers a PnP event with it",
			k, how, st)
		return false
	default:
		b.fail(rule.PnPEventFailed, nil, "ProtocolNetPnPEvent(%s) %s %s; a pause or restart should always succeed", k, how, st)
	}
	return true
}

func (b *Binding) finishRestart(st Status, how string) {
	if b.halted || !b.pnpStatusOK(NetEventRestart, st, how) {
		return
	}
	b.pnpPending = 0
	if st == StatusSuccess {
		b.fire(fsm.RestartComplete)
	} else {
		b.fire(fsm.RestartFailed)
	}
}

// Pause calls ProtocolNetPnPEvent(NetEventPause).
func (b *Binding) Pause() error {
	if b.halted {
		return nil
	}
	if err := b.lifecycle(fsm.Pause); err != nil {
		return err
	}
	if b.tracer != nil {
		b.trace(ActorNDIS, "ProtocolNetPnPEvent NetEventPause")
	}
	ev := b.newPnPEvent(NetEventPause)
	var st Status
	b.lifecycleCall(opPause, "ProtocolNetPnPEvent(NetEventPause)", cbPnP, func() { st = b.proto.NetPnPEvent(&b.nd, ev) })
	b.traceStatus("ProtocolNetPnPEvent(NetEventPause)", st)
	if st == StatusPending {
		b.pnpPending = NetEventPause
		return nil
	}
	b.finishPause(st, "returned")
	return nil
}

// finishPause completes a pause. A pause cannot fail: a failure status is
// a warning and completes it all the same.
func (b *Binding) finishPause(st Status, how string) {
	if b.halted || !b.pnpStatusOK(NetEventPause, st, how) {
		return
	}
	if n := len(b.inFlight) + len(b.held); n > 0 {
		b.fail(rule.PauseWithOutstanding, b.outstandingObjects(),
			"the pause completed with %d send(s) not yet completed and %d received NBL(s) not yet returned (%s)",
			len(b.inFlight), len(b.held), joinObjects(b.outstandingObjects()))
		return
	}
	b.pnpPending = 0
	b.fire(fsm.PauseComplete)
}

// Unbind calls ProtocolUnbindAdapterEx.
func (b *Binding) Unbind() error {
	if b.halted {
		return nil
	}
	if err := b.lifecycle(fsm.Unbind); err != nil {
		return err
	}
	if b.tracer != nil {
		b.trace(ActorNDIS, "ProtocolUnbindAdapterEx")
	}
	var st Status
	b.lifecycleCall(opUnbind, "ProtocolUnbindAdapterEx", cbUnbind, func() { st = b.proto.UnbindAdapter(&b.nd) })
	b.traceStatus("ProtocolUnbindAdapterEx", st)
	if st == StatusPending {
		b.unbindPending = true
		return nil
	}
	b.finishUnbind()
	return nil
}

func (b *Binding) finishUnbind() {
	if b.halted {
		return
	}
	b.unbindPending = false
	b.fire(fsm.UnbindComplete)
	b.checkUnbound("the unbind")
}

// CompleteClose delivers ProtocolCloseAdapterCompleteEx for a pended close.
func (b *Binding) CompleteClose() {
	if b.halted || !b.closePending {
		return
	}
	b.closePending = false
	if b.tracer != nil {
		b.trace(ActorNDIS, "ProtocolCloseAdapterCompleteEx")
	}
	b.call("ProtocolCloseAdapterCompleteEx", cbCloseComplete, PassiveLevel, func() { b.proto.CloseAdapterComplete(&b.nd) })
}

// CompleteSend completes the i-th send in flight (in send order).
func (b *Binding) CompleteSend(i int, ok bool) {
	if b.halted || i >= len(b.inFlight) {
		return
	}
	nbl := b.inFlight[i]
	b.inFlight = append(b.inFlight[:i], b.inFlight[i+1:]...)
	b.pools.SetHolder(nbl, pool.HeldByProtocol)
	b.completed++
	st := StatusSuccess
	if !ok {
		st = StatusFailure
	}
	irql := b.callbackIrql()
	var flags SendCompleteFlags
	if irql == DispatchLevel {
		flags = SendCompleteDispatchLevel
	}
	if b.tracer != nil {
		b.trace(ActorMiniport, "ProtocolSendNetBufferListsComplete %s %s at %s", nbl, st, irql)
	}
	b.call("ProtocolSendNetBufferListsComplete", cbSendComplete, irql, func() { b.proto.SendNetBufferListsComplete(&b.nd, nbl, st, flags) })
}

// CompleteOid completes the i-th pended OID request (in request order).
func (b *Binding) CompleteOid(i int, ok bool) {
	if b.halted || i >= len(b.oids) {
		return
	}
	req := b.oids[i]
	b.oids = append(b.oids[:i], b.oids[i+1:]...)
	res := oid.Result{Status: StatusFailure}
	if ok {
		res = b.stack.Answer(req)
	}
	irql := b.callbackIrql()
	if b.tracer != nil {
		b.trace(ActorMiniport, "ProtocolOidRequestComplete %s %s at %s", req, res.Status, irql)
	}
	b.call("ProtocolOidRequestComplete", cbOidComplete, irql, func() { b.proto.OidRequestComplete(&b.nd, req, res) })
}

// Indicate has the miniport indicate n received NBLs, with or without the
// RESOURCES flag.
func (b *Binding) Indicate(n int, resources bool) {
	if b.halted || n <= 0 {
		return
	}
	// An indication made while an earlier receive callback still runs (it
	// waits) gets its own list: the binding's buffer is that callback's.
	nbls := b.indication[:0]
	if b.receiving > 0 {
		nbls = nil
	}
	for range n {
		nbl, err := b.pools.AllocateNetBufferList(b.recvPool, 0, 0)
		if err != nil || nbl.IsNull() {
			break
		}
		nbls = append(nbls, nbl)
	}
	if b.receiving == 0 {
		b.indication = nbls
	}
	if len(nbls) == 0 {
		return // NDIS never indicates an empty list
	}
	var flags ReceiveFlags
	if resources {
		flags = ReceiveResources
		b.resourcesIndicated = append(b.resourcesIndicated, nbls...)
	} else {
		for _, nbl := range nbls {
			b.pools.SetHolder(nbl, pool.IndicatedToProtocol)
			b.held = append(b.held, nbl)
		}
	}
	b.recvs += uint64(len(nbls))
	irql := b.callbackIrql()
	if irql == DispatchLevel {
		flags |= ReceiveDispatchLevel
	}
	if b.tracer != nil {
		b.trace(ActorMiniport, "ProtocolReceiveNetBufferLists %s%s", joinNBLs(nbls), flagText(flags))
	}
	b.receiving++
	b.call("ProtocolReceiveNetBufferLists", cbReceive, irql, func() { b.proto.ReceiveNetBufferLists(&b.nd, nbls, flags) })
	b.receiving--
	if resources {
		// The miniport takes its NBLs back the moment the callback returns.
		for _, nbl := range nbls {
			if b.pools.LiveNBL(nbl) && b.pools.Holder(nbl) == pool.HeldByMiniport {
				_ = b.pools.FreeNetBufferList(nbl)
			}
		}
	}
}

// Write has an application ask the design to send bytes.
func (b *Binding) Write(bytes uint32) {
	if b.halted {
		return
	}
	if b.tracer != nil {
		b.trace(ActorApplication, "write %d bytes", bytes)
	}
	b.call("write", cbWrite, PassiveLevel, func() { b.proto.Write(&b.nd, bytes) })
}

// RunWorkItem runs the design's deferred work.
func (b *Binding) RunWorkItem() {
	if b.halted {
		return
	}
	if b.tracer != nil {
		b.trace(ActorNDIS, "work item")
	}
	b.workItems++
	b.call("work item", cbWorkItem, PassiveLevel, func() { b.proto.WorkItem(&b.nd) })
	b.workItems--
}

// lifecycle fires a lifecycle event the environment asked for, refusing one
// the binding's state does not allow (a scripted move in the wrong state).
func (b *Binding) lifecycle(ev fsm.Event) error {
	if !b.life.Can(ev) || b.Busy() {
		return &LifecycleError{Event: ev, State: b.life.State(), Busy: b.Busy()}
	}
	b.fire(ev)
	return nil
}

func (b *Binding) traceStatus(call string, st Status) {
	if b.tracer != nil && !b.halted {
		b.trace(ActorProtocol, "%s returned %s", call, st)
	}
}

// checkUnbound is the check NDIS makes when a binding is gone: the adapter
// closed and no received NBL held (the NBL tracker's bug check 0x7C/0x27).
// The protocol's own pools and structures may outlive a binding (they can
// be the driver's), so keeping them is only a warning.
func (b *Binding) checkUnbound(after string) {
	if len(b.held) > 0 {
		objs := make([]string, 0, len(b.held))
		for _, nbl := range b.held {
			objs = append(objs, nbl.String()+" (received)")
		}
		b.fail(rule.LeakAtUnbind, objs, "after %s the protocol still holds %d received NBL(s): %s",
			after, len(b.held), joinObjects(objs))
		return
	}
	if b.opened && (!b.closeCalled || b.closePending) {
		b.fail(rule.LeakAtUnbind, nil, "after %s the adapter is still open: NdisCloseAdapterEx was not called or has not completed", after)
		return
	}
	if live := b.pools.LiveCount(pool.OwnerProtocol); live != (pool.Live{}) {
		objs := b.pools.LiveObjects(pool.OwnerProtocol, 8)
		b.fail(rule.ResourcesKeptPastUnbind, objs,
			"after %s the protocol still has %d pool(s), %d NBL(s) and %d NB(s): %s; free them unless they are the driver's, not the binding's",
			after, live.Pools, live.NBLs, live.NBs, joinObjects(objs))
	}
}

// Overdue is the environment's watchdog: a lifecycle operation the design
// pended, or whose callback is blocked in a wait, has not finished although
// NDIS owed it nothing for ticks. A pause is PauseNotCompleted (bug check
// 0x7C/0x25), a restart or unbind PendedNotCompleted, a bind (which has no
// watchdog subcode) PendedNotCompleted when pended and DesignHang when its
// callback never returns.
func (b *Binding) Overdue(ticks int) {
	if b.halted {
		return
	}
	running := pick(b.running != opNone, "is still blocked in a wait", "is still not completed")
	switch {
	case b.pnpPending == NetEventPause || b.running == opPause:
		b.fail(rule.PauseNotCompleted, b.outstandingObjects(),
			"the pause %s %d ticks after NDIS had nothing left to deliver (%d send(s) in flight, %d received NBL(s) held)",
			running, ticks, len(b.inFlight), len(b.held))
	case b.running == opBind:
		b.fail(rule.DesignHang, nil, "ProtocolBindAdapterEx %s %d ticks after NDIS had nothing left to deliver", running, ticks)
	case b.bindPending:
		b.fail(rule.PendedNotCompleted, nil, "the bind (ProtocolBindAdapterEx returned PENDING) %s %d ticks after NDIS had nothing left to deliver", running, ticks)
	case b.pnpPending == NetEventRestart || b.running == opRestart:
		b.fail(rule.PendedNotCompleted, nil, "the restart (ProtocolNetPnPEvent) %s %d ticks after NDIS had nothing left to deliver", running, ticks)
	case b.unbindPending || b.running == opUnbind:
		b.fail(rule.PendedNotCompleted, nil, "the unbind (ProtocolUnbindAdapterEx) %s %d ticks after NDIS had nothing left to deliver", running, ticks)
	}
}
