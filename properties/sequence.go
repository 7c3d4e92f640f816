package properties

import (
	"errors"
	"strings"
	"sync"

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
	dr := newDriver(d)
	return dr.run(seq, trace)
}

func (dr *driver) run(seq Sequence, trace bool) Outcome {
	dr.reset(trace)
	out := Outcome{}
	for i, s := range seq {
		if !dr.apply(s) {
			out.Steps, out.Err = i, ErrIllegalStep
			return dr.finish(out)
		}
		if err := CheckInvariants(dr.s.Binding()); err != nil {
			out.Steps, out.Err = i+1, err
			return dr.finish(out)
		}
	}
	out.Steps = len(seq)
	dr.teardown()
	out.Err = CheckInvariants(dr.s.Binding())
	return dr.finish(out)
}

func (dr *driver) finish(out Outcome) Outcome {
	if dr.tracing {
		out.Lines = append([]string(nil), dr.s.Lines()...)
	}
	return out
}

// drivers keeps drivers of one design for reuse: generating and checking a
// case replays sequences many times.
type drivers struct {
	d    sim.Design
	mu   sync.Mutex
	free []*driver
}

func (p *drivers) get() *driver {
	p.mu.Lock()
	defer p.mu.Unlock()
	if n := len(p.free); n > 0 {
		dr := p.free[n-1]
		p.free = p.free[:n-1]
		return dr
	}
	return newDriver(p.d)
}

func (p *drivers) put(dr *driver) {
	p.mu.Lock()
	p.free = append(p.free, dr)
	p.mu.Unlock()
}

func (p *drivers) run(seq Sequence) Outcome {
	dr := p.get()
	defer p.put(dr)
	return dr.run(seq, false)
}
