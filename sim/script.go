package sim

import (
	"fmt"

	"github.com/ndissim/ndissim/binding"
	"github.com/ndissim/ndissim/pool"
)

// Script drives one binding move by move instead of by seed, with a traced
// line for everything that happens: the scenario tests under testdata are
// written with it, and so can a driver author's own lifecycle stories. The
// stateful tests of package properties run their sequences on it.
//
// A Script makes moves exactly as the engine does (Apply, Teardown), but
// never draws from a seed: the caller chooses each move and its arguments,
// and its Decider and Faults answer the decisions made inside them. The
// few choices the engine's own code makes (which send the teardown
// completes first) are always 0, the first.
type Script struct {
	e      *Engine
	dec    binding.Decider
	faults pool.Faults
	tr     *tracer
	from   int
}

// noChoices is the stream a Script's engine replays: every draw is 0.
var noChoices = []uint32{}

// NewScript starts a traced script on d. dec answers NDIS's decisions and
// faults decides allocation failures (nil: none fail).
func NewScript(d Design, dec binding.Decider, faults pool.Faults) *Script {
	s := &Script{e: NewEngine(d), dec: dec, faults: faults}
	s.Reset(true)
	return s
}

// Reset starts over on a new instance of the design and its original
// stack, at tick 0; trace says whether to keep the readable trace (Lines).
func (s *Script) Reset(trace bool) {
	s.e.reset(s.dec, s.faults, trace)
	s.e.ch.replayFrom(noChoices)
	s.tr, s.from = s.e.tracer, 0
}

// Binding is the binding the script drives.
func (s *Script) Binding() *binding.Binding { return s.e.b }

// Tick starts the next step: later lines and findings carry its number.
// Apply and Teardown tick on their own.
func (s *Script) Tick() { s.e.advance() }

// Ticks is the number of the current step: 0 until the first tick.
func (s *Script) Ticks() int { return s.e.tick }

// Situation is what the legality of a move depends on now.
func (s *Script) Situation() Situation { return s.e.situation() }

// LegalMoves appends the kinds of the moves the engine could make now to
// buf, in the engine's order, and returns it.
func (s *Script) LegalMoves(buf []MoveKind) []MoveKind { return s.e.situation().AppendLegal(buf) }

// Apply makes move m in the next tick as the engine makes its moves, then
// does what NDIS does on its own after a move: it finishes a stack edit
// once the pause it started is done, and runs the watchdogs. m should be
// legal (Situation.Legal, its index within what is pending): the engine
// makes no other move, and the binding takes any other for NDIS's bug. A
// MoveEditStack with no stack change left does nothing.
func (s *Script) Apply(m Move) {
	s.e.advance()
	s.e.apply(m)
}

// Teardown drives the binding to Unbound as every engine run ends: it
// completes what NDIS owes with success, first the first send or request
// pending, lets the design's work run, pauses and unbinds. It gives up
// after a bound on its moves, and at once on a halted binding.
func (s *Script) Teardown() { s.e.teardown() }

// EditStack applies the design's next stack change and restarts the
// binding with the new attributes, as NDIS does. The binding must be Paused.
func (s *Script) EditStack() error {
	if s.e.change >= len(s.e.d.Changes) {
		return fmt.Errorf("sim: the design has no stack change left")
	}
	s.e.applyChange()
	return nil
}

// Log adds line to the trace as it is, when the script is traced.
func (s *Script) Log(line string) {
	if s.tr != nil {
		s.tr.add(line)
	}
}

// Lines returns the trace lines written since the last call or Reset.
func (s *Script) Lines() []string {
	if s.tr == nil {
		return nil
	}
	l := s.tr.lines[s.from:]
	s.from = len(s.tr.lines)
	return l
}
