package sim

import (
	"slices"

	"github.com/ndissim/ndissim/binding"
	"github.com/ndissim/ndissim/fsm"
	"github.com/ndissim/ndissim/oid"
	"github.com/ndissim/ndissim/pool"
	"github.com/ndissim/ndissim/rule"
)

// Watchdog bounds, in ticks during which NDIS owes the design nothing: every
// send is completed, every OID answered, and the design's work item runs each
// tick (or the design's callback waits). A correct design finishes what it
// pended, or what its callback waits for, well within them.
const (
	PauseBound  = 8
	PendedBound = 8
	// WaitBound is the watchdog of a callback blocked in a wait: 50 ticks,
	// half a second of simulated time, five polls of a design that sleeps
	// 100 ms between looks at its counters, as the sample driver does.
	WaitBound = 50
	// teardownBound caps the moves that drive a run to Unbound at its end.
	teardownBound = 10_000
)

// Result is one run.
type Result struct {
	Seed     uint64
	Steps    int // environment moves made
	Findings []rule.Finding
	// Stream is every choice the run drew; replaying it gives the same run.
	Stream []uint32
	// Lines is the readable trace, when the run was traced.
	Lines []string
	// Observed is the first error the engine's observer returned.
	Observed error
}

// Err is the run's error finding, if any.
func (r *Result) Err() *rule.Finding {
	for i := range r.Findings {
		if r.Findings[i].Severity == rule.Error {
			return &r.Findings[i]
		}
	}
	return nil
}

// Engine runs one design, run after run, reusing its memory. It is not safe
// for concurrent use; a check gives each worker its own engine.
type Engine struct {
	d       Design
	stack   *oid.Stack
	b       *binding.Binding
	ch      chooser
	tick    int
	change  int  // the next of d.Changes to apply
	editing bool // a stack edit waits for the pause it started
	idle    int  // ticks a pended operation has waited with nothing owed
	moves   []MoveKind
	tracer  *tracer
	observe func(b *binding.Binding) error
	broken  error
	// cov, when set, records what the runs exercise (coverage.go); nil
	// costs a test per hook.
	cov *Coverage
	// covDec is decider()'s answer for a run that records coverage, kept
	// here so that handing it to the binding does not allocate on every
	// run (TestRunsDecideAsDeciderSays).
	covDec coverageDecider
}

// NewEngine returns an engine for d.
func NewEngine(d Design) *Engine {
	e := &Engine{d: d, stack: d.Stack.Clone()}
	if d.New != nil {
		// The engine's own copy of the design reuses its instances from
		// one run to the next (instances.go). It is wiring for new runs,
		// kept in the factory: no run state that a snapshot must copy.
		e.d.New = (&instances{make: d.New}).next
	}
	e.ch.w = d.Workload
	e.ch.completes = d.Stack.Completes
	e.b = binding.New(e.stack, &e.ch)
	e.b.SetScheduler(e)
	return e
}

// Run runs the design once with seed, drawing every choice from it.
func (e *Engine) Run(seed uint64) Result {
	e.ch.seed(seed)
	return e.run(seed, false)
}

// RunShared is Run without copying the run's choice stream and findings:
// the result's Stream and Findings are the engine's own, valid until its
// next run, and a caller that keeps either copies it (slices.Clone). It
// spares a search the allocation of every run's stream, most of the bytes
// a run allocates, when it keeps the streams of the few runs that found
// something.
func (e *Engine) RunShared(seed uint64) Result {
	e.ch.seed(seed)
	return e.runShared(seed, false)
}

// Replay re-executes a recorded stream, tracing every step if trace is set.
func (e *Engine) Replay(stream []uint32, trace bool) Result {
	e.ch.replayFrom(stream)
	return e.run(0, trace)
}

// ReplayMoves replays stream as the run that drew it: moves moves (0:
// until the stream ends, as Replay), then the teardown, which draws what
// is left of the stream. A whole run's stream holds its teardown's choices
// after its moves' and replays exactly only so; a shrunk stream replays
// the same either way with the moves its replay made (a trace file's
// Moves).
func (e *Engine) ReplayMoves(stream []uint32, moves int, trace bool) Result {
	e.ch.replayFrom(stream)
	e.ch.moves = moves
	return e.run(0, trace)
}

// Trace runs seed again with a readable trace.
func (e *Engine) Trace(seed uint64) Result {
	e.ch.seed(seed)
	return e.run(seed, true)
}

// run is runShared with the result's stream and findings copied.
func (e *Engine) run(seed uint64, trace bool) Result {
	res := e.runShared(seed, trace)
	res.Findings = append([]rule.Finding(nil), res.Findings...)
	res.Stream = append([]uint32(nil), res.Stream...)
	return res
}

func (e *Engine) runShared(seed uint64, trace bool) Result {
	if e.cov != nil {
		e.covDec = coverageDecider{ch: &e.ch, cov: e.cov}
		e.reset(&e.covDec, &e.covDec, trace)
	} else {
		dec, faults := e.decider()
		e.reset(dec, faults, trace)
	}
	steps := e.d.Workload.Steps
	n := 0
	for ; !e.b.Halted() && e.broken == nil; n++ {
		if e.ch.moves > 0 {
			if n >= e.ch.moves {
				break
			}
		} else if e.ch.replay != nil {
			// The first move runs even on an empty stream: the bind draws
			// nothing, and a rule it breaks has a trace of no choices.
			if e.ch.exhausted() && n > 0 {
				break
			}
		} else if n >= steps {
			break
		}
		e.step()
	}
	e.teardown()
	res := Result{Seed: seed, Steps: n, Findings: e.b.Findings(), Stream: e.ch.stream, Observed: e.broken}
	if e.tracer != nil {
		res.Lines = e.tracer.lines
	}
	return res
}

// reset starts a new run on a new instance of the design, with NDIS's
// decisions and the allocation faults answered by dec and faults.
func (e *Engine) reset(dec binding.Decider, faults pool.Faults, trace bool) {
	e.stack.Reset(e.d.Stack)
	e.b.Reset(e.d.New(), e.stack, dec)
	e.b.SetFaults(faults)
	e.tick, e.change, e.editing, e.idle = 0, 0, false, 0
	e.tracer, e.broken = nil, nil
	if trace {
		e.tracer = newTracer(e)
		e.b.SetTracer(e.tracer)
	} else {
		e.b.SetTracer(nil)
	}
}

// advance starts the next tick: later trace lines and findings carry it.
func (e *Engine) advance() {
	e.tick++
	e.b.SetStep(e.tick)
}

// step makes one environment move chosen among the legal ones.
func (e *Engine) step() {
	e.advance()
	e.legalMoves()
	e.apply(e.draw(e.pick()))
	e.check()
}

func (e *Engine) check() {
	e.cov.Observe(e.b) // coverage.go; nothing when not recording
	if e.observe != nil && e.broken == nil {
		e.broken = e.observe(e.b)
	}
}

// pick draws one of the legal moves by weight. Choice 0 is the first move,
// so shrinking toward 0 prefers the simplest one.
func (e *Engine) pick() MoveKind { return e.ch.pickMove(e.moves) }

// pickMove draws one of moves by weight: the one place a move is chosen.
func (c *chooser) pickMove(moves []MoveKind) MoveKind {
	total := 0
	for _, k := range moves {
		total += weight[k]
	}
	v := c.draw(total)
	for _, k := range moves {
		if v < weight[k] {
			return k
		}
		v -= weight[k]
	}
	return moves[len(moves)-1]
}

// afterMove runs what NDIS does on its own between moves: finishing a stack
// edit once its pause is done, and the watchdogs.
func (e *Engine) afterMove(workRan bool) {
	if e.editing && e.b.State() == fsm.Paused && !e.b.Busy() {
		e.editing = false
		e.applyChange()
		// The restart is a new operation: the idle ticks the pause spent
		// waiting in this move are not the restart's.
		e.idle = 0
	}
	out := e.b.Outstanding()
	waiting := out.PnP != 0 || out.BindPending || out.UnbindPending || out.InCallback
	if !waiting || owed(out) {
		e.idle = 0
		return
	}
	if !workRan {
		return
	}
	e.idle++
	bound := PendedBound
	switch {
	case out.InCallback:
		bound = WaitBound
	case out.PnP == binding.NetEventPause:
		bound = PauseBound
	}
	if e.idle > bound {
		e.b.Overdue(e.idle)
	}
}

// owed reports whether NDIS owes the design a completion.
func owed(out binding.Outstanding) bool {
	return out.Sends > 0 || out.OIDs > 0 || out.OpenPending || out.ClosePending
}

// Tick is one tick of a callback's blocking wait (binding.Scheduler). NDIS
// goes on delivering what may run concurrently with the waiting thread: a
// move drawn among the legal ones, which exclude lifecycle events while a
// lifecycle callback runs. When NDIS owes nothing the tick runs the
// design's work item (its other thread), or passes idle inside one; such
// ticks count toward the watchdog.
func (e *Engine) Tick() {
	e.cov.Set(CondWait) // coverage.go; nothing when not recording
	e.advance()
	if owed(e.b.Outstanding()) {
		e.concurrentMoves()
		e.apply(e.draw(e.pick()))
	} else if !e.b.InWorkItem() {
		e.apply(Move{Kind: MoveWorkItem})
	} else {
		e.afterMove(true)
	}
	e.check()
}

// concurrentMoves lists the moves NDIS may make while a callback waits.
// Nested waits are bounded: a callback delivered inside a wait that waits
// in turn gets only completions, so the nesting cannot grow without end.
func (e *Engine) concurrentMoves() {
	e.legalMoves()
	deep := e.b.Waiting() > 1
	e.moves = slices.DeleteFunc(e.moves, func(k MoveKind) bool {
		return (k == MoveWorkItem && e.b.InWorkItem()) || (deep && k >= MoveWorkItem)
	})
}

// applyChange edits the stack and restarts the binding with the new
// attributes, as NDIS does when a filter is inserted or removed.
func (e *Engine) applyChange() {
	c := e.d.Changes[e.change]
	e.change++
	if err := e.stack.Apply(c); err != nil {
		// Design files are checked before a run, so this is an ndissim bug.
		panic("sim: stack edit refused: " + err.Error())
	}
	if e.tracer != nil {
		if c.Insert != nil {
			e.tracer.Trace(binding.ActorFilter, c.Insert.Name+" attaches on top (FilterAttach): "+e.stack.String())
		} else {
			e.tracer.Trace(binding.ActorFilter, c.Remove+" detaches (FilterDetach): "+e.stack.String())
		}
	}
	e.b.Restart(true)
}

// teardown drives the binding to Unbound, so that every run ends with the
// leak check. It completes what NDIS owes without faults; which send or OID
// request it completes first is drawn from the choice stream.
func (e *Engine) teardown() {
	defer e.check()
	for i := 0; i < teardownBound && !e.b.Halted() && e.broken == nil; i++ {
		out := e.b.Outstanding()
		s := e.b.State()
		if s == fsm.Unbound && !e.b.Busy() {
			return
		}
		e.advance()
		m := Move{Kind: MoveWorkItem}
		switch {
		case out.Sends > 0:
			m = Move{Kind: MoveCompleteSend, I: e.ch.draw(out.Sends), OK: true}
		case out.OIDs > 0:
			m = Move{Kind: MoveCompleteOid, I: e.ch.draw(out.OIDs), OK: true}
		case out.OpenPending:
			m = Move{Kind: MoveCompleteOpen, OK: true}
		case out.ClosePending:
			m = Move{Kind: MoveCompleteClose}
		case s == fsm.Running && !e.b.Busy():
			m = Move{Kind: MovePause}
		case s == fsm.Paused && !e.b.Busy():
			m = Move{Kind: MoveUnbind}
		}
		e.apply(m)
	}
}

// Binding is the binding the engine drives, for observers between runs and
// for property tests; it is reset by the next run.
func (e *Engine) Binding() *binding.Binding { return e.b }

// SetObserver installs a function called after every step and at the end of
// teardown with the binding; a non-nil error ends the run and is returned in
// Result.Observed. Property tests use it to check invariants at every step.
func (e *Engine) SetObserver(f func(b *binding.Binding) error) { e.observe = f }
