package binding

import (
	"fmt"

	"github.com/ndissim/ndissim/fsm"
	"github.com/ndissim/ndissim/internal/rule"
	"github.com/ndissim/ndissim/oid"
	"github.com/ndissim/ndissim/pool"
)

// The environment's moves. Each is legal only when the matching Can method
// (or Outstanding) says so; the simulator picks among the legal ones. A move
// on a halted binding does nothing.

// Outstanding is what NDIS is waiting for on this binding.
type Outstanding struct {
	Sends, OIDs, HeldReceives int
	OpenPending               bool // an open that returned PENDING
	ClosePending              bool // a close that returned PENDING
	BindPending               bool // a bind that returned PENDING
	PnP                       PnPKind
	UnbindPending             bool
}

// Outstanding reports what is pending now.
func (b *Binding) Outstanding() Outstanding {
	return Outstanding{
		Sends: len(b.inFlight), OIDs: len(b.oids), HeldReceives: len(b.held),
		OpenPending: b.openPending, ClosePending: b.closePending, BindPending: b.bindPending,
		PnP: b.pnpPending, UnbindPending: b.unbindPending,
	}
}

// Busy reports whether the binding waits for the design to complete a bind,
// PnP event or unbind it pended. NDIS starts no new lifecycle operation then.
func (b *Binding) Busy() bool {
	return b.bindPending || b.pnpPending != 0 || b.unbindPending || b.openPending || b.closePending
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
	b.call("ProtocolBindAdapterEx", func() { st = b.proto.BindAdapter(&b.nd, params) })
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
	b.call("ProtocolOpenAdapterCompleteEx", func() { b.proto.OpenAdapterComplete(&b.nd, st) })
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
	ev := PnPEvent{Kind: NetEventRestart, Restart: b.stack.RestartParameters(withAttributes)}
	if b.tracer != nil {
		if n, ok := ev.Restart.Needs(); ok {
			b.trace(ActorNDIS, "ProtocolNetPnPEvent NetEventRestart filters=%v %v", ev.Restart.FilterModuleNames, n)
		} else {
			b.trace(ActorNDIS, "ProtocolNetPnPEvent NetEventRestart filters=%v RestartAttributes=NULL", ev.Restart.FilterModuleNames)
		}
	}
	var st Status
	b.call("ProtocolNetPnPEvent(NetEventRestart)", func() { st = b.proto.NetPnPEvent(&b.nd, ev) })
	b.traceStatus("ProtocolNetPnPEvent(NetEventRestart)", st)
	if st == StatusPending {
		b.pnpPending = NetEventRestart
		return nil
	}
	b.finishRestart(st)
	return nil
}

func (b *Binding) finishRestart(st Status) {
	if b.halted {
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
	var st Status
	b.call("ProtocolNetPnPEvent(NetEventPause)", func() { st = b.proto.NetPnPEvent(&b.nd, PnPEvent{Kind: NetEventPause}) })
	b.traceStatus("ProtocolNetPnPEvent(NetEventPause)", st)
	if st == StatusPending {
		b.pnpPending = NetEventPause
		return nil
	}
	// A pause cannot fail: any other status completes it.
	b.finishPause()
	return nil
}

func (b *Binding) finishPause() {
	if b.halted {
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

// PauseOverdue reports PauseNotCompleted: the environment's watchdog saw a
// pended pause outlive its bound.
func (b *Binding) PauseOverdue(ticks int) {
	if b.halted || b.pnpPending != NetEventPause {
		return
	}
	b.fail(rule.PauseNotCompleted, b.outstandingObjects(),
		"the pause was pended %d ticks ago and is still not completed (%d send(s) in flight, %d received NBL(s) held)",
		ticks, len(b.inFlight), len(b.held))
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
	b.call("ProtocolUnbindAdapterEx", func() { st = b.proto.UnbindAdapter(&b.nd) })
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
	b.call("ProtocolCloseAdapterCompleteEx", func() { b.proto.CloseAdapterComplete(&b.nd) })
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
	if b.tracer != nil {
		b.trace(ActorMiniport, "ProtocolSendNetBufferListsComplete %s %s", nbl, st)
	}
	b.call("ProtocolSendNetBufferListsComplete", func() { b.proto.SendNetBufferListsComplete(&b.nd, nbl, st) })
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
	if b.tracer != nil {
		b.trace(ActorMiniport, "ProtocolOidRequestComplete %s %s", req, res.Status)
	}
	b.call("ProtocolOidRequestComplete", func() { b.proto.OidRequestComplete(&b.nd, req, res) })
}

// Indicate has the miniport indicate n received NBLs, with or without the
// RESOURCES flag.
func (b *Binding) Indicate(n int, resources bool) {
	if b.halted || n <= 0 {
		return
	}
	b.indication = b.indication[:0]
	for range n {
		nbl, err := b.pools.AllocateNetBufferList(b.recvPool, 0, 0)
		if err != nil || nbl.IsNull() {
			break
		}
		b.indication = append(b.indication, nbl)
	}
	if len(b.indication) == 0 {
		return // NDIS never indicates an empty list
	}
	var flags ReceiveFlags
	if resources {
		flags = ReceiveResources
		b.resourcesIndicated = append(b.resourcesIndicated, b.indication...)
	} else {
		for _, nbl := range b.indication {
			b.pools.SetHolder(nbl, pool.IndicatedToProtocol)
			b.held = append(b.held, nbl)
		}
	}
	b.recvs += uint64(len(b.indication))
	if b.tracer != nil {
		b.trace(ActorMiniport, "ProtocolReceiveNetBufferLists %s%s", joinNBLs(b.indication), flagText(flags))
	}
	b.call("ProtocolReceiveNetBufferLists", func() { b.proto.ReceiveNetBufferLists(&b.nd, b.indication, flags) })
	if resources {
		// The miniport takes its NBLs back the moment the callback returns.
		for _, nbl := range b.indication {
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
	b.call("write", func() { b.proto.Write(&b.nd, bytes) })
}

// RunWorkItem runs the design's deferred work.
func (b *Binding) RunWorkItem() {
	if b.halted {
		return
	}
	if b.tracer != nil {
		b.trace(ActorNDIS, "work item")
	}
	b.call("work item", func() { b.proto.WorkItem(&b.nd) })
}

// lifecycle fires a lifecycle event the environment asked for, refusing one
// the binding's state does not allow (a scripted move in the wrong state).
func (b *Binding) lifecycle(ev fsm.Event) error {
	if !b.life.Can(ev) || b.Busy() {
		return fmt.Errorf("binding: NDIS cannot %s a binding that is %s%s", ev, b.life.State(), busyText(b.Busy()))
	}
	b.fire(ev)
	return nil
}

func busyText(busy bool) string {
	if busy {
		return " and waiting for the protocol to complete what it pended"
	}
	return ""
}

func (b *Binding) traceStatus(call string, st Status) {
	if b.tracer != nil && !b.halted {
		b.trace(ActorProtocol, "%s returned %s", call, st)
	}
}

// checkUnbound is the check NDIS's NBL tracker makes when a binding is gone:
// nothing held, every pool freed, the adapter closed.
func (b *Binding) checkUnbound(after string) {
	live := b.pools.LiveCount(pool.OwnerProtocol)
	if live != (pool.Live{}) || len(b.held) > 0 {
		objs := b.pools.LiveObjects(pool.OwnerProtocol, 8)
		for _, nbl := range b.held {
			objs = append(objs, nbl.String()+" (received)")
		}
		b.fail(rule.LeakAtUnbind, objs,
			"after %s the protocol still holds %d pool(s), %d NBL(s), %d NB(s) and %d received NBL(s): %s",
			after, live.Pools, live.NBLs, live.NBs, len(b.held), joinObjects(objs))
		return
	}
	if b.opened && (!b.closeCalled || b.closePending) {
		b.fail(rule.LeakAtUnbind, nil, "after %s the adapter is still open: NdisCloseAdapterEx was not called or has not completed", after)
	}
}

// PendedOverdue reports PendedNotCompleted: a bind, restart or unbind the
// design pended was not completed although NDIS owed it nothing for ticks.
func (b *Binding) PendedOverdue(ticks int) {
	if b.halted {
		return
	}
	var what string
	switch {
	case b.bindPending:
		what = "the bind (ProtocolBindAdapterEx returned PENDING)"
	case b.pnpPending == NetEventRestart:
		what = "the restart (ProtocolNetPnPEvent returned PENDING)"
	case b.unbindPending:
		what = "the unbind (ProtocolUnbindAdapterEx returned PENDING)"
	default:
		return
	}
	b.fail(rule.PendedNotCompleted, nil, "%s is still not completed %d ticks after NDIS had nothing left to deliver", what, ticks)
}
