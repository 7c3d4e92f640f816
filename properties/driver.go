package properties

import (
	"fmt"

	"github.com/ndissim/ndissim/binding"
	"github.com/ndissim/ndissim/pool"
	"github.com/ndissim/ndissim/sim"
)

// driver runs Steps on a binding through a sim.Script, which makes each move
// as sim's engine does: the same calls, stack edits, watchdogs and
// teardown. The difference is where choices come from: each step carries
// its own arguments and Fate instead of drawing them from a seeded stream,
// so that deleting a step from a sequence leaves the others as they were.
// It is the system under test of the stateful tests and is not safe for
// concurrent use.
type driver struct {
	d       sim.Design
	s       *sim.Script
	fate    Fate
	asked   [numFates]uint8
	tracing bool
}

func newDriver(d sim.Design) *driver {
	dr := &driver{d: d}
	dr.s = sim.NewScript(d, dr, dr)
	dr.reset(false)
	return dr
}

// reset starts a new run of a new instance of the design.
func (dr *driver) reset(trace bool) {
	dr.s.Reset(trace)
	dr.fate, dr.asked, dr.tracing = Fate{}, [numFates]uint8{}, trace
}

// Decide answers NDIS's decisions from the running step's Fate, except
// where the miniport's completion mode decides, as in the engine.
func (dr *driver) Decide(d binding.Decision) bool {
	fated := dr.ask(int(d) - 1) // asked in any case, so fates keep their places
	if v, ok := sim.CompletionDecides(dr.d.Stack.Completes, d); ok {
		return v
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

func (dr *driver) observe() Observation {
	b := dr.s.Binding()
	s := dr.s.Situation()
	return Observation{
		State: s.State, Out: s.Out, Busy: s.Busy, Halted: b.Halted(),
		Editing: s.Editing, Change: s.Change, Changes: s.Changes,
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
		dr.s.Log(fmt.Sprintf("%5d  step     %s", dr.s.Ticks()+1, s))
	}
	if s.Op == OpTeardown {
		dr.teardown()
		return true
	}
	dr.s.Apply(sim.Move{Kind: s.Op.move(), I: s.I, N: s.N, OK: s.OK})
	return true
}

// teardown drives the binding to Unbound the way every engine run ends:
// completing what NDIS owes, without faults.
func (dr *driver) teardown() {
	dr.fate = Fate{}
	dr.s.Teardown()
}
