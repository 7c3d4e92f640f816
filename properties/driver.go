package properties

import (
	"fmt"

	"github.com/ndissim/ndissim/binding"
	"github.com/ndissim/ndissim/fsm"
	"github.com/ndissim/ndissim/oid"
	"github.com/ndissim/ndissim/pool"
	"github.com/ndissim/ndissim/sim"
)

// driver runs Steps on a binding the way sim's engine runs its moves: the
// same calls, the same stack edits, the same watchdogs, the same teardown.
// The difference is where choices come from: each step carries its own
// arguments and Fate instead of drawing them from a seeded stream, so that
// deleting a step from a sequence leaves the others as they were. It is the
// system under test of the stateful tests and is not safe for concurrent use.
type driver struct {
	d       sim.Design
	stack   *oid.Stack
	b       *binding.Binding
	fate    Fate
	asked   [numFates]uint8
	tick    int
	change  int
	editing bool
	idle    int
	lines   []string
	tracing bool
}

func newDriver(d sim.Design) *driver {
	dr := &driver{d: d, stack: d.Stack.Clone()}
	dr.b = binding.New(dr.stack, dr)
	dr.reset(false)
	return dr
}

// reset starts a new run of a new instance of the design.
func (dr *driver) reset(trace bool) {
	dr.stack.Reset(dr.d.Stack)
	dr.b.Reset(dr.d.New(), dr.stack, dr)
	dr.b.SetFaults(dr)
	dr.tick, dr.change, dr.editing, dr.idle = 0, 0, false, 0
	dr.fate, dr.asked = Fate{}, [numFates]uint8{}
	dr.lines, dr.tracing = dr.lines[:0], trace
	if trace {
		dr.b.SetTracer(dr)
	} else {
		dr.b.SetTracer(nil)
	}
}

// Decide answers NDIS's decisions from the running step's Fate, except
// where the miniport's completion mode decides (as in sim/choice.go): a
// sync miniport completes every send and request at once, a pend one never.
func (dr *driver) Decide(d binding.Decision) bool {
	fated := dr.ask(int(d) - 1) // asked in any case, so fates keep their places
	switch dr.stack.Completes {
	case oid.CompleteSync:
		switch d {
		case binding.DecideOidPends:
			return false
		case binding.DecideSendCompletesNow:
			return true
		}
	case oid.CompletePend:
		switch d {
		case binding.DecideOidPends:
			return true
		case binding.DecideSendCompletesNow:
			return false
		}
	}
	return fated
}

// FailAllocation answers the allocation faults from the running step's Fate.
func (dr *driver) FailAllocation(pool.Op) bool { return dr.ask(fateAllocFails) }

func (dr *driver) ask(k int) bool {
	if k < 0 || k >= numFates {
		return false
	}
	n := dr.asked[k]
	if n < 8 {
		dr.asked[k]++
	}
	return n < 8 && dr.fate[k]&(1<<n) != 0
}

// Trace records a line of a traced run, in the engine's format.
func (dr *driver) Trace(actor binding.Actor, text string) {
	live := dr.b.Pools().LiveCount(pool.OwnerProtocol)
	out := dr.b.Outstanding()
	dr.lines = append(dr.lines, fmt.Sprintf("%5d  %-8s %-72s  [%s pools=%d nbls=%d nbs=%d sent=%d held=%d]",
		dr.tick, actor, text, dr.b.State(), live.Pools, live.NBLs, live.NBs, out.Sends, out.HeldReceives))
}

func (dr *driver) observe() Observation {
	return Observation{
		State: dr.b.State(), Out: dr.b.Outstanding(), Busy: dr.b.Busy(), Halted: dr.b.Halted(),
		Editing: dr.editing, Change: dr.change, Changes: len(dr.d.Changes),
	}
}

// apply makes step s if it is legal now and reports whether it was.
func (dr *driver) apply(s Step) bool {
	if !dr.observe().Legal(s) {
		return false
	}
	dr.fate, dr.asked = s.Fate, [numFates]uint8{}
	defer func() { dr.fate = Fate{} }()
	if dr.tracing {
		dr.lines = append(dr.lines, fmt.Sprintf("%5d  step     %s", dr.tick+1, s))
	}
	if s.Op == OpTeardown {
		dr.teardown()
		return true
	}
	dr.tick++
	dr.b.SetStep(dr.tick)
	b := dr.b
	switch s.Op {
	case OpBind:
		b.Bind()
	case OpCompleteOpen:
		b.CompleteOpen(s.OK)
	case OpCompleteClose:
		b.CompleteClose()
	case OpCompleteSend:
		b.CompleteSend(s.I, s.OK)
	case OpCompleteOid:
		b.CompleteOid(s.I, s.OK)
	case OpRestart:
		b.Restart(s.OK)
	case OpPause:
		b.Pause()
	case OpUnbind:
		b.Unbind()
	case OpWrite:
		b.Write(uint32(s.N))
	case OpIndicate:
		b.Indicate(s.N, s.OK)
	case OpWorkItem:
		b.RunWorkItem()
	case OpEditStack:
		if b.State() == fsm.Running {
			dr.editing = true
			b.Pause()
		} else {
			dr.applyChange()
		}
	}
	dr.afterMove(s.Op == OpWorkItem)
	return true
}

// afterMove is the engine's: finish a stack edit once its pause is done,
// and run the watchdogs.
func (dr *driver) afterMove(workRan bool) {
	if dr.editing && dr.b.State() == fsm.Paused && !dr.b.Busy() {
		dr.editing = false
		dr.applyChange()
	}
	out := dr.b.Outstanding()
	waiting := out.PnP != 0 || out.BindPending || out.UnbindPending
	if !waiting || out.Sends > 0 || out.OIDs > 0 || out.OpenPending || out.ClosePending {
		dr.idle = 0
		return
	}
	if !workRan {
		return
	}
	dr.idle++
	switch {
	case out.PnP == binding.NetEventPause && dr.idle > sim.PauseBound:
		dr.b.PauseOverdue(dr.idle)
	case out.PnP != binding.NetEventPause && dr.idle > sim.PendedBound:
		dr.b.PendedOverdue(dr.idle)
	}
}

func (dr *driver) applyChange() {
	c := dr.d.Changes[dr.change]
	dr.change++
	if err := dr.stack.Apply(c); err != nil {
		panic("properties: stack edit refused: " + err.Error())
	}
	if dr.tracing {
		dr.Trace(binding.ActorNDIS, "stack edit: "+c.String()+" -> "+dr.stack.String())
	}
	dr.b.Restart(true)
}

// teardownBound caps the moves of one teardown, as the engine's does.
const teardownBound = 10_000

// teardown drives the binding to Unbound without faults, completing what
// NDIS owes, the way every engine run ends.
func (dr *driver) teardown() {
	dr.fate = Fate{}
	for i := 0; i < teardownBound && !dr.b.Halted(); i++ {
		out := dr.b.Outstanding()
		s := dr.b.State()
		if s == fsm.Unbound && !dr.b.Busy() {
			return
		}
		dr.tick++
		dr.b.SetStep(dr.tick)
		work := false
		switch {
		case out.Sends > 0:
			dr.b.CompleteSend(0, true)
		case out.OIDs > 0:
			dr.b.CompleteOid(0, true)
		case out.OpenPending:
			dr.b.CompleteOpen(true)
		case out.ClosePending:
			dr.b.CompleteClose()
		case s == fsm.Running && !dr.b.Busy():
			dr.b.Pause()
		case s == fsm.Paused && !dr.b.Busy():
			dr.b.Unbind()
		default:
			dr.b.RunWorkItem()
			work = true
		}
		dr.afterMove(work)
	}
}
