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
// the caller chooses each move and its arguments, and its Decider and
// Faults answer the decisions made inside them; the few choices the
// engine's own code makes (which send the teardown completes first) are
// always 0, the first. A Script without a Decider lets the engine's own
// chooser answer instead, from the choices given to ApplyChoices; with
// Situation.Draw a caller generating moves (the stateful tests) draws them
// with the engine's weights and probabilities, never its own.
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
// faults decides allocation failures (nil: none fail). With a nil dec the
// engine's chooser answers both, from the choices of ApplyChoices.
func NewScript(d Design, dec binding.Decider, faults pool.Faults) *Script {
	s := &Script{e: NewEngine(d), dec: dec, faults: faults}
	s.Reset(true)
	return s
}

// Reset starts over on a new instance of the design and its original
// stack, at tick 0; trace says whether to keep the readable trace (Lines).
func (s *Script) Reset(trace bool) {
	if s.dec == nil {
		s.e.reset(&s.e.ch, &s.e.ch, trace)
	} else {
		s.e.reset(s.dec, s.faults, trace)
	}
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
// once the pause it started is done, and runs the watchdogs. A move NDIS
// would not make now (Situation.Allows) is refused with a *RefusedMove and
// not made; a lifecycle move the binding refuses wraps its
// *binding.LifecycleError. On a halted binding every move is taken and does
// nothing. A MoveEditStack with no stack change left does nothing.
func (s *Script) Apply(m Move) error {
	s.e.advance()
	sit := s.e.situation()
	if s.e.b.Halted() {
		return nil
	}
	if !lifecycleMove(m.Kind) && !sit.Allows(m) {
		return &RefusedMove{Move: m, Situation: sit}
	}
	if err := s.e.apply(m); err != nil {
		return &RefusedMove{Move: m, Situation: sit, Err: err}
	}
	return nil
}

// ApplyChoices is Apply with the decisions made inside the move (and the
// moves NDIS delivers while a callback waits) drawn by the engine's
// chooser from choices, as a run draws them from its stream; past their
// end every choice is 0, the simplest. It needs a Script without a Decider.
func (s *Script) ApplyChoices(m Move, choices []uint32) error {
	s.e.ch.replayFrom(append(noChoices, choices...)) // never nil: a nil stream means "draw"
	defer s.e.ch.replayFrom(noChoices)
	return s.Apply(m)
}

// Draw draws the move the engine would make in s from choices, read as
// the engine reads its stream: the move's kind among the legal ones by the
// engine's weights, then its arguments with w's probabilities. It returns
// the move and how many choices it read; ok is false when no move is legal.
// It is how a caller that generates moves (the stateful tests) draws them
// with the engine's own code.
func (s Situation) Draw(w Workload, choices []uint32) (m Move, used int, ok bool) {
	c := chooser{w: w}
	c.replayFrom(append(noChoices, choices...)) // never nil: a nil stream means "draw"
	moves := s.AppendLegal(nil)
	if len(moves) == 0 {
		return Move{}, 0, false
	}
	m = c.drawMove(c.pickMove(moves), s.Out)
	return m, min(c.pos, len(choices)), true
}

// lifecycleMove reports whether the binding itself judges k (and refuses
// it with a *binding.LifecycleError).
func lifecycleMove(k MoveKind) bool {
	return k == MoveBind || k == MoveRestart || k == MovePause || k == MoveUnbind
}

// Allows reports whether the environment may make move m now: its kind is
// legal (Legal) and its arguments name what is pending (the send or OID
// request to complete, at least one NBL to indicate).
func (s Situation) Allows(m Move) bool {
	if !s.Legal(m.Kind) {
		return false
	}
	switch m.Kind {
	case MoveCompleteSend:
		return m.I >= 0 && m.I < s.Out.Sends
	case MoveCompleteOid:
		return m.I >= 0 && m.I < s.Out.OIDs
	case MoveIndicate:
		return m.N > 0
	case MoveWrite:
		return m.N >= 0
	}
	return true
}

// RefusedMove is a move a Script's caller asked for that NDIS would not
// make in the Situation it met. Err is the binding's own refusal of a
// lifecycle move (a *binding.LifecycleError), nil for a move Allows
// rejects.
type RefusedMove struct {
	Move      Move
	Situation Situation
	Err       error
}

func (r *RefusedMove) Error() string {
	if r.Err != nil {
		return fmt.Sprintf("%s refused: %v", r.Move, r.Err)
	}
	return fmt.Sprintf("%s refused: NDIS does not make it while the binding is %s (%d send(s), %d OID request(s) pending%s)",
		r.Move, r.Situation.State, r.Situation.Out.Sends, r.Situation.Out.OIDs, pickText(r.Situation.Busy, ", waiting for the protocol", ""))
}

func (r *RefusedMove) Unwrap() error { return r.Err }

func pickText(cond bool, yes, no string) string {
	if cond {
		return yes
	}
	return no
}

// String is the move as a trace or a test names it: its kind and its
// arguments.
func (m Move) String() string {
	switch m.Kind {
	case MoveCompleteSend, MoveCompleteOid:
		return fmt.Sprintf("%s(%d, %s)", m.Kind, m.I, okText(m.OK))
	case MoveCompleteOpen:
		return fmt.Sprintf("%s(%s)", m.Kind, okText(m.OK))
	case MoveRestart:
		if !m.OK {
			return m.Kind.String() + "(NULL attributes)"
		}
	case MoveWrite:
		return fmt.Sprintf("%s(%d)", m.Kind, m.N)
	case MoveIndicate:
		if m.OK {
			return fmt.Sprintf("%s(%d, RESOURCES)", m.Kind, m.N)
		}
		return fmt.Sprintf("%s(%d)", m.Kind, m.N)
	}
	return m.Kind.String()
}

func okText(ok bool) string {
	if ok {
		return "ok"
	}
	return "FAIL"
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
