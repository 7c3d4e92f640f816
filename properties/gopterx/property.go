package gopterx

import (
	"sync"

	"github.com/leanovate/gopter"
	"github.com/leanovate/gopter/prop"

	"github.com/ndissim/ndissim/properties"
	"github.com/ndissim/ndissim/sim"
)

// Case is the value Property generates and shrinks: a sequence of steps,
// plus where its shrinker resumes (internal).
type Case struct {
	Steps  properties.Sequence
	resume int
}

func (c Case) String() string { return c.Steps.String() }

// Property is the design's invariants as a gopter property over sequences of
// legal steps, with a shrinker that makes a failing sequence 1-minimal: no
// single step of the reported sequence can be removed and leave a legal
// sequence that still fails. gopter's commands shrinking (Commands) only
// removes halves, quarters and so on, so its result can keep steps that
// play no part in the failure.
//
// A generated sequence has the run's size in steps (gopter ramps it from
// MinSize to MaxSize) and stops early at the first broken invariant. Each
// step is checked against every invariant, and a teardown ends the run.
// The guarantee holds when shrinking ends by exhausting the candidates, not
// by reaching TestParameters.MaxShrinkCount; keep that well above the
// sequence length (the default, 1000, is).
func Property(d sim.Design) gopter.Prop {
	p := &runners{d: d}
	return prop.ForAll(func(c Case) *gopter.PropResult {
		out := p.run(c.Steps)
		if !out.Failed() {
			return &gopter.PropResult{Status: gopter.PropTrue}
		}
		return gopter.NewPropResult(false, out.Err.Error())
	}, genCase(p))
}

// GenSequence generates legal sequences of d's moves, size steps long, the
// way the engine draws moves, without shrinking.
func GenSequence(d sim.Design) gopter.Gen {
	p := &runners{d: d}
	return func(params *gopter.GenParameters) *gopter.GenResult {
		return gopter.NewGenResult(p.generate(params), gopter.NoShrinker)
	}
}

func genCase(p *runners) gopter.Gen {
	return func(params *gopter.GenParameters) *gopter.GenResult {
		return gopter.NewGenResult(Case{Steps: p.generate(params)}, p.shrinkCase)
	}
}

// generate draws a sequence of params.MaxSize legal steps, running them as
// it goes so that each is drawn among the moves legal at its point. It
// stops after the first step that breaks an invariant.
func (p *runners) generate(params *gopter.GenParameters) properties.Sequence {
	r := p.get()
	defer p.put(r)
	r.Reset(false)
	seq := make(properties.Sequence, 0, params.MaxSize)
	for len(seq) < params.MaxSize {
		s := drawStep(r.Observe(), r.Workload(), params.Rng)
		r.Apply(s)
		seq = append(seq, s)
		if properties.CheckInvariants(r.Binding()) != nil {
			break
		}
	}
	return seq
}

// runners keeps runners of one design for reuse: generating and checking a
// case replays sequences many times.
type runners struct {
	d    sim.Design
	mu   sync.Mutex
	free []*properties.Runner
}

func (p *runners) get() *properties.Runner {
	p.mu.Lock()
	defer p.mu.Unlock()
	if n := len(p.free); n > 0 {
		r := p.free[n-1]
		p.free = p.free[:n-1]
		return r
	}
	return properties.NewRunner(p.d)
}

func (p *runners) put(r *properties.Runner) {
	p.mu.Lock()
	p.free = append(p.free, r)
	p.mu.Unlock()
}

func (p *runners) run(seq properties.Sequence) properties.Outcome {
	r := p.get()
	defer p.put(r)
	return r.Run(seq, false)
}

// An edit is one shrink candidate: delete steps [at, at+n), or (n == 0)
// replace step at with step.
type edit struct {
	at, n int
	step  properties.Step
}

func (e edit) apply(seq properties.Sequence) properties.Sequence {
	if e.n == 0 {
		out := append(properties.Sequence(nil), seq...)
		out[e.at] = e.step
		return out
	}
	out := make(properties.Sequence, 0, len(seq)-e.n)
	return append(append(out, seq[:e.at]...), seq[e.at+e.n:]...)
}

// shrinkCase offers, in order: the sequence cut after its failing step;
// deletions of halves, quarters, ... down to pairs; every single-step
// deletion; then simpler versions of each step (no fate, first index, OK
// status, smallest sizes). gopter takes the first candidate that still
// fails and asks again, so the shrink ends on a sequence none of whose
// single deletions fails: 1-minimal. The list is rotated to start where the
// previous successful candidate was, so a long sequence is not rescanned
// from its start after every deletion.
func (p *runners) shrinkCase(v interface{}) gopter.Shrink {
	c := v.(Case)
	seq := c.Steps
	var edits []edit
	if out := p.run(seq); out.Failed() && out.Steps < len(seq) {
		edits = append(edits, edit{at: out.Steps, n: len(seq) - out.Steps})
	}
	for size := len(seq) / 2; size >= 2; size /= 2 {
		for at := 0; at+size <= len(seq); at += size {
			edits = append(edits, edit{at: at, n: size})
		}
	}
	for at := len(seq) - 1; at >= 0; at-- {
		edits = append(edits, edit{at: at, n: 1})
	}
	for at, s := range seq {
		for _, simpler := range simplify(s) {
			edits = append(edits, edit{at: at, step: simpler})
		}
	}
	start := 0
	if len(edits) > 0 {
		start = c.resume % len(edits)
	}
	i := 0
	return func() (interface{}, bool) {
		if i >= len(edits) {
			return nil, false
		}
		k := (start + i) % len(edits)
		i++
		return Case{Steps: edits[k].apply(seq), resume: k}, true
	}
}

// simplify lists simpler versions of s, simplest first: without its
// choices (every decision the simplest), each nonzero choice lowered to 0,
// then simpler arguments (the first index, an OK status, the smallest
// sizes).
func simplify(s properties.Step) []properties.Step {
	var out []properties.Step
	with := func(f func(*properties.Step)) {
		t := s
		t.Choices = append([]uint32(nil), s.Choices...)
		f(&t)
		out = append(out, t)
	}
	if nonzero(s.Choices) > 0 {
		with(func(t *properties.Step) { t.Choices = nil })
		if nonzero(s.Choices) > 1 {
			for i, c := range s.Choices {
				if c != 0 {
					with(func(t *properties.Step) { t.Choices[i] = 0 })
				}
			}
		}
	}
	if s.Teardown {
		return out
	}
	switch s.Kind {
	case sim.MoveCompleteSend, sim.MoveCompleteOid:
		if s.I > 0 {
			with(func(t *properties.Step) { t.I = 0 })
		}
		if !s.OK {
			with(func(t *properties.Step) { t.OK = true })
		}
	case sim.MoveCompleteOpen, sim.MoveRestart:
		if !s.OK {
			with(func(t *properties.Step) { t.OK = true })
		}
	case sim.MoveWrite:
		if s.N > 64 {
			with(func(t *properties.Step) { t.N = 64 })
		}
	case sim.MoveIndicate:
		if s.N > 1 {
			with(func(t *properties.Step) { t.N = 1 })
		}
		if s.OK {
			with(func(t *properties.Step) { t.OK = false })
		}
	}
	return out
}

func nonzero(cs []uint32) int {
	n := 0
	for _, c := range cs {
		if c != 0 {
			n++
		}
	}
	return n
}
