package properties

import (
	"fmt"
	"math/rand"
	"strings"

	"github.com/ndissim/ndissim/sim"
)

// Step is one move of a stateful test: one of sim's moves (sim.Move), or
// the teardown that drives the binding to Unbound as every engine run ends,
// with the choices drawn inside it. The moves, their arguments and every
// decision inside them are sim's own: a Runner draws a step with the
// engine's weights and probabilities (sim.Situation.Draw), so a move or a
// decision is added in sim alone. A Step is a value: sequences of steps
// are copied, never shared mutably.
type Step struct {
	sim.Move
	// Teardown drives the binding to Unbound instead of making Move.
	Teardown bool
	// Choices are what the engine's chooser drew inside the move: NDIS's
	// decisions (an open or a send pends, a request fails, a callback runs
	// at DISPATCH_LEVEL), allocation failures and the moves delivered while
	// a callback waits. Past their end every choice is 0, the simplest (no
	// pend, no failure), so shrinking lowers them toward 0.
	Choices []uint32
}

// Do is the step that makes move m with every choice inside it 0.
func Do(m sim.Move) Step { return Step{Move: m} }

// Teardown is the step that ends a run.
var Teardown = Step{Teardown: true}

func (s Step) String() string {
	if s.Teardown {
		return "teardown"
	}
	last := len(s.Choices) // trailing zeros are the default: not shown
	for last > 0 && s.Choices[last-1] == 0 {
		last--
	}
	if last == 0 {
		return s.Move.String()
	}
	var b strings.Builder
	b.WriteString(s.Move.String())
	b.WriteString(" {choices")
	for _, c := range s.Choices[:last] {
		b.WriteByte(' ')
		fmt.Fprint(&b, c)
	}
	b.WriteString("}")
	return b.String()
}

// Observation is what NDIS expects of the binding after a step: sim's
// Situation, which decides what moves NDIS may make next, and whether an
// error finding halted the binding.
type Observation struct {
	sim.Situation
	Halted bool
}

// Legal reports whether NDIS could make step s now (sim.Situation.Allows):
// completions only of what is pending, no new lifecycle operation while
// one is pended or a stack edit waits, indications only while Running or
// Pausing. A Teardown is always legal. On a halted binding every move is
// legal (and ignored).
func (o Observation) Legal(s Step) bool { return o.Halted || s.Teardown || o.Allows(s.Move) }

// stepChoices is how many choices a drawn step carries for the decisions
// inside it; later ones are 0, the simplest.
const stepChoices = 16

// Draw draws the step the engine would make from o (sim.Situation.Draw:
// the engine's weights and probabilities under w), with random choices for
// the decisions inside it. On a halted binding, where the run is over, it
// is a work item, which does nothing.
func (o Observation) Draw(w sim.Workload, r *rand.Rand) Step {
	if o.Halted {
		return Do(sim.Move{Kind: sim.MoveWorkItem})
	}
	choices := make([]uint32, stepChoices+4)
	for i := range choices {
		choices[i] = r.Uint32()
	}
	m, used, ok := o.Situation.Draw(w, choices)
	if !ok {
		return Teardown
	}
	return Step{Move: m, Choices: choices[used : used+stepChoices]}
}
