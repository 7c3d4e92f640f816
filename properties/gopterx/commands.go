package gopterx

import (
	"errors"
	"fmt"
	"math/rand"
	"sync"

	"github.com/leanovate/gopter"
	"github.com/leanovate/gopter/commands"

	"github.com/ndissim/ndissim/properties"
	"github.com/ndissim/ndissim/sim"
)

// Commands returns the stateful test of d for gopter's commands package:
// the commands are the environment's moves (properties.Step), the system
// under test is a binding running a fresh instance of d, and the model is
// what NDIS expects of the binding (properties.Observation). Preconditions
// offer only the moves NDIS could make in the model's state;
// postconditions check every invariant on the binding, and that it is
// where the model expects it.
//
// What NDIS expects depends on the design's own answers (a bind may pend, a
// write may send or not), which a model cannot know in advance. So the
// model is computed: NextState replays the steps so far on a shadow binding
// running another instance of d, and records its Observation. A design
// whose behaviour is not a function of its calls (global state, map order)
// shows as a divergence between the binding and the model.
//
// Use with commands.Prop. Shrinking is gopter's: halves, quarters and so on,
// then each step's own simplifications; Property shrinks further, to a
// 1-minimal sequence.
func Commands(d sim.Design) commands.Commands { return newCommands(d, false) }

// errFound ends the property of newCommands(d, true) at its first failing
// case.
var errFound = errors.New("gopterx: a case failed; not shrinking")

// newCommands is Commands, or with noShrink one whose property ends at the
// end of its first failing case instead of shrinking it: gopter reports an
// error (errFound) as soon as it starts to filter the first shrink
// candidate. The benchmarks use it to time gopter without shrinking.
func newCommands(d sim.Design, noShrink bool) commands.Commands {
	h := &cmdHarness{shadow: properties.NewRunner(d), noShrink: noShrink}
	w := h.shadow.Workload()
	initial := &model{obs: h.shadow.Observe()}
	return &commands.ProtoCommands{
		NewSystemUnderTestFunc: func(commands.State) commands.SystemUnderTest { return properties.NewRunner(d) },
		InitialStateGen:        gopter.Gen(func(*gopter.GenParameters) *gopter.GenResult { return gopter.NewGenResult(initial, gopter.NoShrinker) }),
		GenCommandFunc: func(st commands.State) gopter.Gen {
			m := st.(*model)
			return func(p *gopter.GenParameters) *gopter.GenResult {
				return gopter.NewGenResult(command{step: drawStep(m.obs, w, p.Rng), h: h}, shrinkCommand)
			}
		},
	}
}

// model is one state of the stateful test: immutable once made, chained to
// the state before it so that NextState costs no copy of the history.
type model struct {
	id   uint64
	prev *model
	step properties.Step
	obs  properties.Observation
}

func (m *model) steps() properties.Sequence {
	var out properties.Sequence
	for x := m; x != nil && x.prev != nil; x = x.prev {
		out = append(out, x.step)
	}
	for i, j := 0, len(out)-1; i < j; i, j = i+1, j-1 {
		out[i], out[j] = out[j], out[i]
	}
	return out
}

func (m *model) String() string {
	return fmt.Sprintf("%s (sends=%d oids=%d held=%d busy=%v)", m.obs.State, m.obs.Out.Sends, m.obs.Out.OIDs, m.obs.Out.HeldReceives, m.obs.Busy)
}

// cmdHarness holds the shadow binding that computes the model. gopter calls
// NextState along one history at a time (generation, the validity sieve,
// the run, each shrink), so the shadow usually just applies the next step;
// when asked about another history it replays that one from the start.
type cmdHarness struct {
	mu     sync.Mutex
	shadow *properties.Runner
	at     uint64 // the model the shadow is at
	last   uint64
	// noShrink ends the property once a case has failed: the first
	// NextState not of a step just run on the system under test is the
	// shrinking's.
	noShrink, failed, ran bool
}

func (h *cmdHarness) next(m *model, s properties.Step) *model {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.noShrink {
		if h.failed && !h.ran {
			panic(errFound)
		}
		h.ran = false
	}
	if h.at != m.id {
		h.shadow.Reset(false)
		for _, st := range m.steps() {
			h.shadow.Apply(st)
		}
	}
	h.shadow.Apply(s)
	h.last++
	h.at = h.last
	return &model{id: h.last, prev: m, step: s, obs: h.shadow.Observe()}
}

// command is one Step as a gopter command.
type command struct {
	step properties.Step
	h    *cmdHarness
}

// result is what Run observed on the system under test.
type result struct {
	legal bool
	obs   properties.Observation
	err   error
}

func (c command) Run(sut commands.SystemUnderTest) commands.Result {
	if c.h.noShrink {
		c.h.mu.Lock()
		c.h.ran = true
		c.h.mu.Unlock()
	}
	r := sut.(*properties.Runner)
	legal := r.Apply(c.step)
	return result{legal: legal, obs: r.Observe(), err: properties.CheckInvariants(r.Binding())}
}

func (c command) NextState(st commands.State) commands.State { return c.h.next(st.(*model), c.step) }

func (c command) PreCondition(st commands.State) bool { return st.(*model).obs.Legal(c.step) }

// PostCondition gets the model after NextState (gopter's order): the
// binding must be where the model is, and keep every invariant.
func (c command) PostCondition(st commands.State, res commands.Result) *gopter.PropResult {
	r := res.(result)
	m := st.(*model)
	if c.h.noShrink && (!r.legal || r.err != nil || r.obs != m.obs) {
		c.h.mu.Lock()
		c.h.failed = true
		c.h.mu.Unlock()
	}
	switch {
	case !r.legal:
		return gopter.NewPropResult(false, "illegal step "+c.step.String())
	case r.err != nil:
		return gopter.NewPropResult(false, r.err.Error())
	case r.obs != m.obs:
		return gopter.NewPropResult(false, fmt.Sprintf("after %s the binding is %+v, the model expects %+v", c.step, r.obs, m.obs))
	}
	return &gopter.PropResult{Status: gopter.PropTrue}
}

func (c command) String() string { return c.step.String() }

// shrinkCommand offers simpler versions of a command's step.
func shrinkCommand(v interface{}) gopter.Shrink {
	c := v.(command)
	simpler := simplify(c.step)
	i := 0
	return func() (interface{}, bool) {
		if i >= len(simpler) {
			return nil, false
		}
		i++
		return command{step: simpler[i-1], h: c.h}, true
	}
}

// teardownChance is how often a drawn step is a Teardown, so that
// generated sequences also end runs (and rebind) in the middle.
const teardownChance = 0.02

// drawStep draws a step from o as the engine would, and now and then a
// teardown.
func drawStep(o properties.Observation, w sim.Workload, rng *rand.Rand) properties.Step {
	if !o.Halted && rng.Float64() < teardownChance {
		return properties.Teardown
	}
	return o.Draw(w, rng)
}
