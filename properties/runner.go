package properties

import (
	"fmt"

	"github.com/ndissim/ndissim/binding"
	"github.com/ndissim/ndissim/sim"
)

// Runner runs Steps on a fresh instance of a design through a sim.Script,
// which makes each move as sim's engine does: the same calls, stack edits,
// watchdogs and teardown, and decisions answered by the engine's own
// chooser from each step's Choices. Each step carries its own choices
// instead of drawing from one seeded stream, so that deleting a step from a
// sequence leaves the others as they were. It is the system under test of
// the stateful tests (package gopterx) and is not safe for concurrent use.
type Runner struct {
	s       *sim.Script
	w       sim.Workload
	tracing bool
}

// NewRunner returns a runner of d at the start of a run.
func NewRunner(d sim.Design) *Runner {
	d = withWorkload(d)
	r := &Runner{s: sim.NewScript(d, nil, nil), w: d.Workload}
	r.Reset(false)
	return r
}

// Reset starts a new run of a new instance of the design; trace keeps the
// readable trace.
func (r *Runner) Reset(trace bool) {
	r.s.Reset(trace)
	r.tracing = trace
}

// Workload is the design's workload, which steps are drawn with
// (Observation.Draw).
func (r *Runner) Workload() sim.Workload { return r.w }

// Binding is the binding the runner drives.
func (r *Runner) Binding() *binding.Binding { return r.s.Binding() }

// Observe is where the binding stands now.
func (r *Runner) Observe() Observation {
	return Observation{Situation: r.s.Situation(), Halted: r.s.Binding().Halted()}
}

// Apply makes step s if it is legal now and reports whether it was.
func (r *Runner) Apply(s Step) bool {
	if !r.Observe().Legal(s) {
		return false
	}
	r.log(s)
	if s.Teardown {
		r.s.Teardown()
		return true
	}
	_ = r.s.ApplyChoices(s.Move, s.Choices) // legal: checked above
	return true
}

// Lines returns the trace lines written since the last call or Reset.
func (r *Runner) Lines() []string { return r.s.Lines() }

func (r *Runner) log(s Step) {
	if r.tracing {
		r.s.Log(fmt.Sprintf("%5d  step     %s", r.s.Ticks()+1, s))
	}
}

// withWorkload gives a design without a workload the default one.
func withWorkload(d sim.Design) sim.Design {
	if d.Workload == (sim.Workload{}) {
		d.Workload = sim.DefaultWorkload
	}
	return d
}
