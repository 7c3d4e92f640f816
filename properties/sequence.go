package properties

import (
	"errors"
	"strings"

	"github.com/ndissim/ndissim/sim"
)

// Sequence is a run of the stateful tests: steps in order. Replay follows
// the last step with a Teardown, as every engine run ends.
type Sequence []Step

func (s Sequence) String() string {
	parts := make([]string, len(s))
	for i, st := range s {
		parts[i] = st.String()
	}
	return "[" + strings.Join(parts, "; ") + "]"
}

// ErrIllegalStep is the Outcome.Err of a sequence that makes a move NDIS
// could not make at that point (Observation.Legal). Such a sequence says
// nothing about the design: shrinking treats it as passing.
var ErrIllegalStep = errors.New("properties: a step is not legal where it stands")

// Outcome is a replayed sequence.
type Outcome struct {
	// Steps is how many steps ran: up to the first illegal step or broken
	// invariant, or all of them.
	Steps int
	// Err is nil (every invariant held after every step and after the
	// final teardown), ErrIllegalStep, or the first *InvariantError.
	Err error
	// Lines is the readable trace, when asked for.
	Lines []string
}

// Failed reports whether the sequence was legal and broke an invariant.
func (o Outcome) Failed() bool { return o.Err != nil && !errors.Is(o.Err, ErrIllegalStep) }

// Replay runs seq on a fresh instance of d, checking every invariant after
// every step and after the teardown that ends the run; trace asks for the
// readable trace.
func Replay(d sim.Design, seq Sequence, trace bool) Outcome {
	return NewRunner(d).Run(seq, trace)
}

// Run is Replay on the runner's design, reusing its memory.
func (r *Runner) Run(seq Sequence, trace bool) Outcome {
	r.Reset(trace)
	out := Outcome{}
	for i, s := range seq {
		if !r.Apply(s) {
			out.Steps, out.Err = i, ErrIllegalStep
			return r.finish(out)
		}
		if err := CheckInvariants(r.Binding()); err != nil {
			out.Steps, out.Err = i+1, err
			return r.finish(out)
		}
	}
	out.Steps = len(seq)
	r.s.Teardown() // as every engine run ends; not a step of the sequence
	out.Err = CheckInvariants(r.Binding())
	return r.finish(out)
}

func (r *Runner) finish(out Outcome) Outcome {
	if r.tracing {
		out.Lines = append([]string(nil), r.Lines()...)
	}
	return out
}
