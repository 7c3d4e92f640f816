package binding

import (
	"fmt"
	"path/filepath"
	"runtime"
	"strings"

	"github.com/ndissim/ndissim/fsm"
	"github.com/ndissim/ndissim/oid"
	"github.com/ndissim/ndissim/pool"
	"github.com/ndissim/ndissim/rule"
)

// Finding is one rule broken by the design under test.
type Finding = rule.Finding

// DefaultCallBudget bounds the NDIS calls one callback may make. A design
// that polls NDIS in a loop waiting for something that only happens after it
// returns would otherwise spin for ever; past the budget the callback is cut
// off and reported as DesignHang.
const DefaultCallBudget = 100_000

// Binding is one protocol binding and everything NDIS tracks about it. It is
// reused across runs (Reset), and not safe for concurrent use.
type Binding struct {
	proto   Protocol
	nd      NDIS
	life    *fsm.Machine
	pools   *pool.Tracker
	stack   *oid.Stack
	decide  Decider
	tracer  Tracer
	sched   Scheduler
	budget  int
	calls   int // NDIS calls made by the callback now running
	depth   int // callbacks of the design now running
	reports []Finding
	warned  map[rule.Name]bool

	// state is what NDIS holds and counts for the binding, and what a
	// Snapshot copies whole.
	state
	indication []pool.NBL // the list handed to the receive callback, reused
}

// state is the binding's run state, apart from its findings, the pool
// tracker and the stack: plain values and slices, so that a Snapshot
// copies it in one assignment and re-buffers its slices (copyFrom).
type state struct {
	step      int
	halted    bool
	frame            // the running callback's IRQL, kind and spin locks
	waits     int    // callbacks blocked in a wait
	workItems int    // work items running
	receiving int    // receive callbacks running (one may wait while another comes)
	running   op     // the lifecycle callback running (blocked in a wait, if anything runs meanwhile)
	pnpID     uint32 // the PnP notification pending or running
	pnpSeq    uint32

	opened, openPending     bool
	bindPending             bool
	pnpPending              PnPKind
	unbindPending           bool
	closeCalled             bool
	closePending            bool
	nextOID                 uint32
	oids                    []oid.Request
	inFlight                []pool.NBL
	held                    []pool.NBL
	resourcesIndicated      []pool.NBL
	recvPool                pool.NBLPool
	sends, completed, recvs uint64
}

// copyFrom makes st a copy of o that shares no slice with it, reusing
// st's own buffers.
func (st *state) copyFrom(o *state) {
	oids, inFlight, held, res := st.oids[:0], st.inFlight[:0], st.held[:0], st.resourcesIndicated[:0]
	*st = *o
	st.oids = append(oids, o.oids...)
	st.inFlight = append(inFlight, o.inFlight...)
	st.held = append(held, o.held...)
	st.resourcesIndicated = append(res, o.resourcesIndicated...)
}

// New returns an Unbound binding over stack, whose needs the binding reads
// at every send. The stack is the environment's: it edits it between a pause
// and a restart.
func New(stack *oid.Stack, d Decider) *Binding {
	b := &Binding{life: fsm.New(), pools: pool.NewTracker(stack.MAA), budget: DefaultCallBudget,
		warned: map[rule.Name]bool{}}
	b.nd.b = b
	b.Reset(nil, stack, d)
	return b
}

// Reset makes the binding Unbound and empty again for a new run of proto,
// keeping its memory.
func (b *Binding) Reset(proto Protocol, stack *oid.Stack, d Decider) {
	b.proto, b.stack, b.decide = proto, stack, d
	b.life.Reset()
	b.pools.ResetMAA(stack.MAA)
	b.pools.SetFaults(nil)
	b.calls, b.depth, b.step, b.halted = 0, 0, 0, false
	b.frame, b.waits, b.workItems, b.receiving, b.running = frame{}, 0, 0, 0, opNone
	b.pnpID, b.pnpSeq = 0, 0
	b.reports = b.reports[:0]
	clear(b.warned)
	b.opened, b.openPending, b.bindPending, b.pnpPending = false, false, false, 0
	b.unbindPending, b.closeCalled, b.closePending = false, false, false
	b.nextOID = 0
	b.oids, b.inFlight, b.held = b.oids[:0], b.inFlight[:0], b.held[:0]
	b.resourcesIndicated = b.resourcesIndicated[:0]
	b.sends, b.completed, b.recvs = 0, 0, 0
	b.recvPool, _ = b.pools.AllocateNetBufferListPool(pool.OwnerMiniport,
		pool.NBLPoolParameters{AllocateNetBuffer: true, DataSize: oid.MaxFrameSize})
}

// SetTracer installs a tracer (nil: none).
func (b *Binding) SetTracer(t Tracer) { b.tracer = t }

// SetFaults makes allocations fail as f decides.
func (b *Binding) SetFaults(f pool.Faults) { b.pools.SetFaults(f) }

// SetCallBudget changes the NDIS calls one callback may make.
func (b *Binding) SetCallBudget(n int) { b.budget = n }

// SetStep stamps later findings with the simulation step.
func (b *Binding) SetStep(step int) { b.step = step }

// State is the binding's lifecycle state.
func (b *Binding) State() fsm.State { return b.life.State() }

// Halted reports whether an error finding stopped the binding.
func (b *Binding) Halted() bool { return b.halted }

// Findings are the findings so far: every error (at most one: the binding
// halts on it) and the first warning of each rule. The slice is the
// binding's own and valid until the next Reset; copy what outlives the run.
func (b *Binding) Findings() []Finding { return b.reports }

// Pools is the tracker holding the binding's pools and structures.
func (b *Binding) Pools() *pool.Tracker { return b.pools }

// Stack is the stack the binding sits on.
func (b *Binding) Stack() *oid.Stack { return b.stack }

// report records a finding, stamped with where it happened. An error halts
// the binding; a warning is kept once per rule so that a design that is short
// of backfill on every send does not drown its report.
func (b *Binding) report(err error) {
	f, ok := err.(*rule.Finding)
	if !ok || b.halted {
		return
	}
	if f.Severity == rule.Warning {
		if b.warned[f.Rule] {
			return
		}
		b.warned[f.Rule] = true
	}
	f.State = string(b.life.State())
	f.Step = b.step
	b.reports = append(b.reports, *f)
	if f.Severity == rule.Error {
		b.halted = true
	}
	if b.tracer != nil {
		b.tracer.Trace(ActorNDIS, "finding "+f.Error())
	}
}

func (b *Binding) fail(name rule.Name, objects []string, format string, args ...any) {
	b.report(rule.New(name, objects, format, args...))
}

func (b *Binding) trace(actor Actor, format string, args ...any) {
	b.tracer.Trace(actor, fmt.Sprintf(format, args...))
}

// hang is what a callback over its call budget panics with, and halt what
// an NDIS call made after an error finding panics with: like a bug check,
// the finding stops the design where it stands. call recovers both.
type (
	hang struct{}
	halt struct{}
)

// call runs one callback of the design at irql. A panic in it becomes
// DesignPanic and a callback over its call budget DesignHang; either way the
// binding halts and the simulator's own state is untouched. A spin lock still
// held when it returns is SpinLockHeldAtReturn.
func (b *Binding) call(name string, cb callback, irql Irql, f func()) {
	if b.halted {
		return
	}
	outer, saved := b.calls, b.frame
	b.calls = 0
	b.frame = frame{irql: irql, cb: cb}
	b.depth++
	defer func() {
		b.depth--
		b.calls = outer
		r := recover()
		switch r.(type) {
		case nil:
			if b.locks > 0 {
				b.fail(rule.SpinLockHeldAtReturn, nil, "%s returned holding %d spin lock(s)", name, b.locks)
			}
		case halt:
		case hang:
			b.fail(rule.DesignHang, nil, "%s made more than %d NDIS calls without returning", name, b.budget)
		default:
			b.fail(rule.DesignPanic, nil, "%s panicked: %v%s", name, r, panicSite())
		}
		b.frame = saved
	}()
	f()
}

// callbackIrql draws the IRQL of a callback NDIS may call at PASSIVE_LEVEL
// or DISPATCH_LEVEL, never below the IRQL of the code it interrupts (an
// inline completion inside a call made at DISPATCH_LEVEL stays there).
func (b *Binding) callbackIrql() Irql {
	if b.depth > 0 && b.irql == DispatchLevel {
		return DispatchLevel
	}
	if b.decide.Decide(DecideDispatch) {
		return DispatchLevel
	}
	return PassiveLevel
}

// panicSite names the design's line that panicked: the first frame outside
// the Go runtime and this package. Only the file's base name is kept, so that
// the message is the same on every machine.
func panicSite() string {
	pc := make([]uintptr, 32)
	frames := runtime.CallersFrames(pc[:runtime.Callers(3, pc)])
	for {
		f, more := frames.Next()
		if !strings.HasPrefix(f.Function, "runtime.") && !strings.Contains(f.Function, "/ndissim/binding.") && f.File != "" {
			fn := f.Function[strings.LastIndex(f.Function, "/")+1:]
			return fmt.Sprintf(" (at %s:%d in %s)", filepath.Base(f.File), f.Line, fn)
		}
		if !more {
			return ""
		}
	}
}

// enter is the start of every NDIS call the design makes. It returns false
// when the binding is halted and the call must do nothing; inside a callback
// it does not return at all then, so that a design looping on NDIS after a
// finding cannot spin.
func (b *Binding) enter() bool {
	if b.halted {
		if b.depth > 0 {
			panic(halt{})
		}
		return false
	}
	b.calls++
	if b.calls > b.budget {
		panic(hang{})
	}
	return true
}

func (b *Binding) fire(ev fsm.Event) {
	if err := b.life.Fire(ev); err != nil {
		// The binding only fires events its own bookkeeping allows; an
		// invalid one is a bug in ndissim, not in the design.
		panic(fmt.Sprintf("binding: %v", err))
	}
	if b.tracer != nil {
		b.trace(ActorNDIS, "state %s", b.life.State())
	}
}
