package sim

import (
	"fmt"

	"github.com/ndissim/ndissim/binding"
	"github.com/ndissim/ndissim/pool"
)

// Script drives one binding move by move instead of by seed, with a traced
// line for everything that happens: the scenario tests under testdata are
// written with it, and so can a driver author's own lifecycle stories.
type Script struct {
	e    *Engine
	tr   *tracer
	from int
}

// NewScript starts a script on d. dec answers NDIS's decisions and faults
// decides allocation failures (nil: none fail).
func NewScript(d Design, dec binding.Decider, faults pool.Faults) *Script {
	e := NewEngine(d)
	e.stack.Reset(d.Stack)
	e.b.Reset(d.New(), e.stack, dec)
	e.b.SetFaults(faults)
	s := &Script{e: e, tr: newTracer(e)}
	e.tracer = s.tr
	e.b.SetTracer(s.tr)
	return s
}

// Binding is the binding the script drives.
func (s *Script) Binding() *binding.Binding { return s.e.b }

// Tick starts the next step: later lines and findings carry its number.
func (s *Script) Tick() {
	s.e.tick++
	s.e.b.SetStep(s.e.tick)
}

// EditStack applies the design's next stack change and restarts the
// binding with the new attributes, as NDIS does. The binding must be Paused.
func (s *Script) EditStack() error {
	if s.e.change >= len(s.e.d.Changes) {
		return fmt.Errorf("sim: the design has no stack change left")
	}
	s.e.applyChange()
	return nil
}

// Lines returns the trace lines written since the last call.
func (s *Script) Lines() []string {
	l := s.tr.lines[s.from:]
	s.from = len(s.tr.lines)
	return l
}
