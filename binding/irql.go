package binding

import (
	"github.com/ndissim/ndissim/rule"
)

// Irql is the interrupt request level a callback or call runs at. A protocol
// only meets two: PASSIVE_LEVEL and DISPATCH_LEVEL.
type Irql uint8

const (
	PassiveLevel  Irql = 0
	DispatchLevel Irql = 2
)

func (l Irql) String() string {
	if l == DispatchLevel {
		return "DISPATCH_LEVEL"
	}
	return "PASSIVE_LEVEL"
}

// callback names the protocol callback now running, for the checks that
// depend on the calling context (an open only inside bind, for instance).
type callback uint8

const (
	cbNone callback = iota
	cbBind
	cbOpenComplete
	cbPnP
	cbUnbind
	cbCloseComplete
	cbSendComplete
	cbReceive
	cbOidComplete
	cbWrite
	cbWorkItem
)

var callbackNames = [...]string{
	cbNone: "no callback", cbBind: "ProtocolBindAdapterEx", cbOpenComplete: "ProtocolOpenAdapterCompleteEx",
	cbPnP: "ProtocolNetPnPEvent", cbUnbind: "ProtocolUnbindAdapterEx", cbCloseComplete: "ProtocolCloseAdapterCompleteEx",
	cbSendComplete: "ProtocolSendNetBufferListsComplete", cbReceive: "ProtocolReceiveNetBufferLists",
	cbOidComplete: "ProtocolOidRequestComplete", cbWrite: "a write", cbWorkItem: "a work item",
}

func (c callback) String() string { return callbackNames[c] }

// frame is what a callback saves of the binding's context on entry and gets
// back on return: the IRQL, the callback and the spin locks it holds.
type frame struct {
	irql  Irql
	cb    callback
	locks int
}

// Scheduler lets simulated time pass while a callback of the design waits
// (NdisWaitEvent, NdisMSleep). Each Tick is one tick of the simulator's
// clock, in which it may deliver what NDIS delivers concurrently with the
// waiting thread: completions, receives, work items. The simulator installs
// it; without one a wait that is not already satisfied is DesignHang.
type Scheduler interface {
	Tick()
}

// TickMicroseconds is the simulated time one tick stands for, by which
// waits with a timeout and NdisMSleep are converted to ticks.
const TickMicroseconds = 10_000

// MaxWaitTicks bounds one wait. A wait that nothing satisfies within it, in a
// callback no watchdog covers, is DesignHang.
const MaxWaitTicks = 2_000

// SetScheduler installs the scheduler waits tick through (nil: none).
func (b *Binding) SetScheduler(s Scheduler) { b.sched = s }

// Irql is the IRQL the design's code runs at now.
func (b *Binding) Irql() Irql { return b.irql }

// Waiting reports how many callbacks of the design are blocked in a wait
// now. The simulator offers only concurrent deliveries while one is.
func (b *Binding) Waiting() int { return b.waits }

// InWorkItem reports whether the design's work item is running (possibly
// blocked in a wait), so that the simulator does not start a second one.
func (b *Binding) InWorkItem() bool { return b.workItems > 0 }

// passiveOnly checks a call that is legal only at PASSIVE_LEVEL, by its
// row of CallIrqls.
func (b *Binding) passiveOnly(call string) bool {
	row := callIrql(call)
	if b.irql == PassiveLevel || !row.PassiveOnly {
		return true
	}
	b.fail(rule.IrqlTooHigh, nil, "%s at %s%s; it is called at PASSIVE_LEVEL only (%s)",
		call, b.irql, b.irqlCause(), row.Rule)
	return false
}

// irqlCause says why the IRQL is raised: a spin lock, or the callback NDIS
// chose to call at DISPATCH_LEVEL.
func (b *Binding) irqlCause() string {
	if b.locks > 0 {
		return " (a spin lock is held)"
	}
	switch b.cb {
	case cbSendComplete:
		return " (ProtocolSendNetBufferListsComplete runs at DISPATCH_LEVEL here)"
	case cbReceive:
		return " (ProtocolReceiveNetBufferLists runs at DISPATCH_LEVEL here)"
	case cbOidComplete:
		return " (ProtocolOidRequestComplete runs at DISPATCH_LEVEL here)"
	}
	return ""
}

// SpinLock is an NDIS_SPIN_LOCK. The design keeps it in its own state; its
// zero value is a lock that is not held.
type SpinLock struct {
	held    bool
	dpr     bool
	oldIrql Irql
}

// AllocateSpinLock is NdisAllocateSpinLock: it makes l a free lock.
func (nd *NDIS) AllocateSpinLock(l *SpinLock) {
	if nd.b.enter() {
		*l = SpinLock{}
	}
}

// AcquireSpinLock is NdisAcquireSpinLock: it raises the IRQL to
// DISPATCH_LEVEL until the matching NdisReleaseSpinLock.
func (nd *NDIS) AcquireSpinLock(l *SpinLock) { nd.b.acquire(l, false) }

// ReleaseSpinLock is NdisReleaseSpinLock: it restores the IRQL the
// acquire saved.
func (nd *NDIS) ReleaseSpinLock(l *SpinLock) { nd.b.release(l, false) }

// DprAcquireSpinLock is NdisDprAcquireSpinLock, for a caller already at
// DISPATCH_LEVEL.
func (nd *NDIS) DprAcquireSpinLock(l *SpinLock) { nd.b.acquire(l, true) }

// DprReleaseSpinLock is NdisDprReleaseSpinLock.
func (nd *NDIS) DprReleaseSpinLock(l *SpinLock) { nd.b.release(l, true) }

func (b *Binding) acquire(l *SpinLock, dpr bool) {
	if !b.enter() {
		return
	}
	call := pick(dpr, "NdisDprAcquireSpinLock", "NdisAcquireSpinLock")
	if b.tracer != nil {
		b.trace(ActorProtocol, "%s at %s", call, b.irql)
	}
	if dpr && b.irql != DispatchLevel {
		b.fail(rule.IrqlTooLow, nil, "%s at %s; it is called at DISPATCH_LEVEL only (use NdisAcquireSpinLock)", call, b.irql)
		return
	}
	if l.held {
		b.fail(rule.SpinLockReacquired, nil, "%s on a spin lock this driver already holds: the processor spins for ever", call)
		return
	}
	*l = SpinLock{held: true, dpr: dpr, oldIrql: b.irql}
	b.irql = DispatchLevel
	b.locks++
}

func (b *Binding) release(l *SpinLock, dpr bool) {
	if !b.enter() {
		return
	}
	call := pick(dpr, "NdisDprReleaseSpinLock", "NdisReleaseSpinLock")
	if b.tracer != nil {
		b.trace(ActorProtocol, "%s", call)
	}
	if dpr && b.irql != DispatchLevel {
		b.fail(rule.IrqlTooLow, nil, "%s at %s; it is called at DISPATCH_LEVEL only", call, b.irql)
		return
	}
	if !l.held || b.locks == 0 {
		b.fail(rule.SpinLockReleaseUnheld, nil, "%s on a spin lock that is not held", call)
		return
	}
	l.held = false
	b.irql = l.oldIrql
	b.locks--
}

// Event is an NDIS_EVENT. The design keeps it in its own state.
type Event struct{ signaled bool }

// InitializeEvent is NdisInitializeEvent: the event is not signaled.
func (nd *NDIS) InitializeEvent(e *Event) {
	if nd.b.enter() {
		e.signaled = false
	}
}

// SetEvent is NdisSetEvent, legal at <= DISPATCH_LEVEL.
func (nd *NDIS) SetEvent(e *Event) {
	if nd.b.enter() {
		if nd.b.tracer != nil {
			nd.b.trace(ActorProtocol, "NdisSetEvent")
		}
		e.signaled = true
	}
}

// ResetEvent is NdisResetEvent.
func (nd *NDIS) ResetEvent(e *Event) {
	if nd.b.enter() {
		e.signaled = false
	}
}

// WaitEvent is NdisWaitEvent: it blocks the calling thread, at PASSIVE_LEVEL
// only, until e is signaled or msTimeout milliseconds have passed (0: no
// timeout). It reports whether the event was signaled. While it waits the
// simulator delivers what NDIS may deliver concurrently.
func (nd *NDIS) WaitEvent(e *Event, msTimeout uint32) bool {
	b := nd.b
	if !b.enter() || !b.passiveOnly("NdisWaitEvent") {
		return false
	}
	if b.tracer != nil {
		b.trace(ActorProtocol, "NdisWaitEvent timeout=%dms", msTimeout)
	}
	ok := b.wait(e, ticksFor(uint64(msTimeout)*1000))
	if b.tracer != nil {
		b.trace(ActorProtocol, "NdisWaitEvent returned %v", ok)
	}
	return ok
}

// Sleep is NdisMSleep: the calling thread sleeps microseconds, below
// DISPATCH_LEVEL only. The simulator delivers what NDIS may deliver
// concurrently meanwhile.
func (nd *NDIS) Sleep(microseconds uint32) {
	b := nd.b
	if !b.enter() || !b.passiveOnly("NdisMSleep") {
		return
	}
	if b.tracer != nil {
		b.trace(ActorProtocol, "NdisMSleep %dus", microseconds)
	}
	b.wait(nil, max(1, ticksFor(uint64(microseconds))))
}

// ticksFor converts a duration to ticks, rounding up; 0 stays 0 (no timeout).
func ticksFor(us uint64) int {
	t := (us + TickMicroseconds - 1) / TickMicroseconds
	return int(min(t, MaxWaitTicks))
}

// wait lets ticks pass until e is signaled (never, for a nil e) or ticks
// have passed (0: no bound but MaxWaitTicks). A finding reported while it
// waits (a watchdog) unwinds the waiting callback like any halt.
func (b *Binding) wait(e *Event, ticks int) bool {
	limit := ticks
	if limit == 0 {
		limit = MaxWaitTicks
	}
	b.waits++
	defer func() { b.waits-- }()
	for waited := 0; ; waited++ {
		if e != nil && e.signaled {
			return true
		}
		if waited >= limit {
			if ticks == 0 {
				b.fail(rule.DesignHang, nil, "a wait with no timeout was not satisfied in %d ticks", MaxWaitTicks)
				panic(halt{})
			}
			return false
		}
		if b.sched == nil {
			b.fail(rule.DesignHang, nil, "a wait that nothing can satisfy: no other thread runs here")
			panic(halt{})
		}
		b.sched.Tick()
		if b.halted {
			panic(halt{})
		}
	}
}
