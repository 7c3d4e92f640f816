package sim

import (
	"github.com/ndissim/ndissim/binding"
	"github.com/ndissim/ndissim/pool"
	"github.com/ndissim/ndissim/rule"
)

// The bounded explorer's hook into the engine. A Stepper makes one
// environment move at a time, as Engine.step does, but it asks a Chooser to
// pick each of the move's choices among a few alternatives that the bounds
// allow, and records the raw values the engine itself would have drawn. So
// the stream of a path the explorer finds is a stream Engine.Replay
// re-executes exactly: the trace file and `ndissim replay` are check's.
//
// Step and Tick below follow Engine.step and Engine.Tick line for line; only
// the draws differ (which values may come out). A test replays explored
// paths through Engine.Replay and compares, so that the two cannot drift.

// FaultSet is which faults NDIS may inject while exploring.
type FaultSet uint8

const (
	FaultAlloc FaultSet = 1 << iota // allocations of the design fail
	FaultOID                        // OID requests and opens fail
	FaultSend                       // sends complete with a failure status
	FaultNone  FaultSet = 0
	FaultAll            = FaultAlloc | FaultOID | FaultSend
)

// ExploreBounds bound the environment the explorer enumerates.
type ExploreBounds struct {
	// Sends is the most sends in flight: no write is offered at the
	// bound, and a send made at it completes at once.
	Sends int
	// Receives is the most received NBLs the design holds: no indication
	// is offered when one could pass it.
	Receives int
	// Edits is how many of the design's stack edits may be applied.
	Edits int
	// Pends is the most requests NDIS holds pending at once (OID
	// requests, an open, a close); at the bound it answers at once.
	Pends int
	// Faults are the faults in play. A fault the design's workload gives
	// probability 0 never strikes: its trace could not be replayed.
	Faults FaultSet
	// Dispatch tries callbacks NDIS may call at DISPATCH_LEVEL at both
	// IRQLs; without it they run at PASSIVE_LEVEL.
	Dispatch bool
}

// Chooser picks one of n alternatives, 0 the simplest.
type Chooser interface {
	Choose(n int) int
}

// Stepper drives one engine move by move for the explorer.
type Stepper struct {
	e       *Engine
	bnd     ExploreBounds
	src     Chooser
	replay  []uint32
	pos     int
	stream  []uint32
	cands   []uint32
	kinds   []MoveKind
	cov     *Coverage
	generic bool
	wired   bool // Reset has made the stepper the binding's decider
	// first is the cache of the first Step after a Restore (firstStep).
	first firstStep
}

// firstStep is what a Step right after a restore of one snapshot computes
// before its first draw: the legal moves, those the bounds allow, and what
// NDIS holds. The explorer restores a state's snapshot once for each of
// its transitions, and all of that depends only on the restored state,
// which a snapshot at one generation always restores alike; so it is
// computed at the first of them and reused by the others.
type firstStep struct {
	sn       *Snapshot // the snapshot restored last (nil: none)
	gen      uint64    // its generation then
	restored bool      // Restore was the last thing done: the next Step is its first
	ok       bool      // the fields below are sn's at gen
	moves    []MoveKind
	cands    []uint32 // the first weight of each move allowed
	kinds    []MoveKind
	total    int
	out      binding.Outstanding
}

// NewStepper returns a stepper for d within b.
func NewStepper(d Design, b ExploreBounds) *Stepper {
	return &Stepper{e: NewEngine(d), bnd: b}
}

// Reset starts a new run: Unbound, nothing drawn.
func (s *Stepper) Reset() {
	s.e.reset(s, s, false)
	s.e.b.SetScheduler(s)
	s.wired = true
	s.stream, s.replay, s.pos = s.stream[:0], nil, 0
	s.first.restored = false
}

// Replay starts a new run and re-makes the first steps moves of stream,
// which earlier Steps recorded.
func (s *Stepper) Replay(stream []uint32, steps int) {
	s.Reset()
	s.replay = stream
	for range steps {
		s.Step(nil)
	}
	s.replay, s.pos = nil, 0
}

// Step makes one environment move with its choices from src, and reports
// whether any move was within the bounds.
func (s *Stepper) Step(src Chooser) bool {
	s.src = src
	e := s.e
	e.advance()
	var k MoveKind
	var ok bool
	var out binding.Outstanding
	if f := &s.first; f.restored {
		f.restored = false
		k, ok = s.pickFirst(f)
		out = f.out
	} else {
		e.legalMoves()
		out = e.b.Outstanding()
		k, ok = s.pickMove(false, out)
	}
	if !ok {
		return false
	}
	e.apply(s.args(k, false, out))
	e.check()
	// The watchdog's count of idle ticks is a timeout across moves; the
	// explorer replaces it by its liveness check (a pended operation that
	// no continuation completes), so the count starts again at every move
	// and stays out of the state. A wait's ticks within one move still
	// count: a callback that never returns is found inside its move.
	e.idle = 0
	return true
}

// Tick is Engine.Tick with the explorer's draws. Inside a wait NDIS
// delivers only what it owes, oldest first, at PASSIVE_LEVEL: the waits of
// a design that polls would otherwise multiply every interleaving by
// itself; what a completion does at DISPATCH_LEVEL or out of order is
// explored by the outer moves.
func (s *Stepper) Tick() {
	e := s.e
	s.cov.Set(CondWait)
	e.advance()
	if out := e.b.Outstanding(); owed(out) {
		e.concurrentMoves()
		if k, ok := s.pickMove(true, out); ok {
			e.apply(s.args(k, true, out))
		}
	} else if !e.b.InWorkItem() {
		e.apply(Move{Kind: MoveWorkItem})
	} else {
		e.afterMove(true)
	}
	e.check()
}

// draw is chooser.draw with the values that may come out: cands (nil: all
// of [0, n)). Replaying, it returns the recorded value.
func (s *Stepper) draw(n int, cands []uint32) int {
	if n <= 1 {
		return 0
	}
	var v uint32
	switch {
	case s.replay != nil:
		if s.pos < len(s.replay) {
			v = s.replay[s.pos] % uint32(n)
		}
		s.pos++
	case cands == nil:
		v = uint32(s.src.Choose(n))
	case len(cands) == 1:
		v = cands[0]
	default:
		v = cands[s.src.Choose(len(cands))]
	}
	s.stream = append(s.stream, v)
	return int(v)
}

// one is a single-value candidate list, reusing the scratch slice.
func (s *Stepper) one(v uint32) []uint32 { s.cands = append(s.cands[:0], v); return s.cands }

func (s *Stepper) two(v, w uint32, both bool) []uint32 {
	if !both {
		return s.one(v)
	}
	s.cands = append(s.cands[:0], v, w)
	return s.cands
}

// pickMove is Engine.pick over the legal moves the bounds allow: the value
// drawn is the first of the move's range of weights.
func (s *Stepper) pickMove(inner bool, out binding.Outstanding) (MoveKind, bool) {
	var total int
	s.cands, s.kinds, total = s.allowedMoves(inner, out, s.cands[:0], s.kinds[:0])
	if len(s.kinds) == 0 && s.replay == nil {
		return 0, false
	}
	return s.moveAt(s.draw(total, s.cands)), true
}

// allowedMoves appends to cands and kinds the legal moves (e.moves) the
// bounds allow, with out pending, and returns them with the moves' total
// weight.
func (s *Stepper) allowedMoves(inner bool, out binding.Outstanding, cands []uint32, kinds []MoveKind) ([]uint32, []MoveKind, int) {
	total := 0
	for _, k := range s.e.moves {
		if s.allowed(k, inner, out) {
			cands = append(cands, uint32(total))
			kinds = append(kinds, k)
		}
		total += weight[k]
	}
	return cands, kinds, total
}

// moveAt is the legal move whose range of weights holds v.
func (s *Stepper) moveAt(v int) MoveKind {
	moves := s.e.moves
	for _, k := range moves {
		if v < weight[k] {
			return k
		}
		v -= weight[k]
	}
	return moves[len(moves)-1]
}

// pickFirst is legalMoves and pickMove(false) in a Step right after a
// restore, from f when f holds them for the snapshot restored, else
// computed and kept in f. The engine's moves are left as legalMoves
// leaves them either way.
func (s *Stepper) pickFirst(f *firstStep) (MoveKind, bool) {
	e := s.e
	if f.ok {
		e.moves = append(e.moves[:0], f.moves...)
	} else {
		e.legalMoves()
		f.out = e.b.Outstanding()
		f.moves = append(f.moves[:0], e.moves...)
		f.cands, f.kinds, f.total = s.allowedMoves(false, f.out, f.cands[:0], f.kinds[:0])
		f.ok = true
	}
	if len(f.kinds) == 0 { // a restore replays nothing
		return 0, false
	}
	return s.moveAt(s.draw(f.total, f.cands)), true
}

// allowed applies the bounds to a legal move; out is what NDIS holds.
func (s *Stepper) allowed(k MoveKind, inner bool, out binding.Outstanding) bool {
	if inner {
		return k <= MoveCompleteClose
	}
	switch k {
	case MoveWrite:
		return out.Sends < s.bnd.Sends
	case MoveIndicate:
		return out.HeldReceives < s.bnd.Receives
	case MoveEditStack:
		return s.e.change < s.bnd.Edits
	}
	return true
}

// args is Engine.draw with the explorer's alternatives: which send or
// request completes (any, or the oldest inside a wait), its status (a
// failure only with that fault in play), a write of 64 bytes, an
// indication of one or two NBLs with or without RESOURCES, a restart with
// or without attributes.
func (s *Stepper) args(k MoveKind, inner bool, out binding.Outstanding) Move {
	m := Move{Kind: k}
	w := s.e.d.Workload
	switch k {
	case MoveCompleteSend:
		m.I = s.draw(out.Sends, s.index(inner))
		m.OK = !s.chance(w.SendFailure, true, s.bnd.Faults&FaultSend != 0)
	case MoveCompleteOid:
		m.I = s.draw(out.OIDs, s.index(inner))
		m.OK = !s.chance(w.OIDFailure, true, s.bnd.Faults&FaultOID != 0)
	case MoveCompleteOpen:
		m.OK = !s.chance(w.OIDFailure, true, s.bnd.Faults&FaultOID != 0)
	case MoveWrite:
		m.N = 64 + s.draw(1437, s.one(0))
	case MoveIndicate:
		m.N = 1 + s.draw(3, s.two(0, 1, out.HeldReceives+2 <= s.bnd.Receives))
		m.OK = s.draw(4, s.two(0, 3, true)) == 3
	case MoveRestart:
		m.OK = s.draw(4, s.two(0, 3, true)) != 3
	}
	return m
}

func (s *Stepper) index(inner bool) []uint32 {
	if inner {
		return s.one(0)
	}
	return nil
}

// chance is chooser.chance whose outcome may be false or true as allowed.
// The values drawn are 0 (false) and 999 (true), as the engine reads them;
// an outcome the probability rules out is never forced.
func (s *Stepper) chance(p float64, mayFalse, mayTrue bool) bool {
	if p <= 0 {
		return false
	}
	const scale = 1000
	t := uint32(max(scale-int(p*scale+0.5), 0))
	s.cands = s.cands[:0]
	if t > 0 && mayFalse {
		s.cands = append(s.cands, 0)
	}
	if t <= scale-1 && mayTrue {
		s.cands = append(s.cands, scale-1)
	}
	if len(s.cands) == 0 {
		s.cands = append(s.cands, 0) // the outcome the engine's 0 gives
	}
	return uint32(s.draw(scale, s.cands)) >= t
}

// Decide is chooser.Decide with the explorer's alternatives.
func (s *Stepper) Decide(d binding.Decision) bool {
	v := s.decide(d)
	s.cov.decided(d, v)
	return v
}

func (s *Stepper) decide(d binding.Decision) bool {
	if v, ok := CompletionDecides(s.e.d.Stack.Completes, d); ok {
		return v
	}
	w := s.e.d.Workload
	switch d {
	case binding.DecideOpenPends, binding.DecideClosePends, binding.DecideOidPends:
		return s.chance(w.Pend, true, s.pended(s.e.b.Outstanding()) < s.bnd.Pends)
	case binding.DecideSendCompletesNow:
		return s.chance(1-w.Pend, s.e.b.Outstanding().Sends <= s.bnd.Sends, true)
	case binding.DecideOpenFails:
		return s.chance(w.OIDFailure/4, true, s.bnd.Faults&FaultOID != 0)
	case binding.DecideOidFails:
		return s.chance(w.OIDFailure, true, s.bnd.Faults&FaultOID != 0)
	case binding.DecideSendFails:
		return s.chance(w.SendFailure, true, s.bnd.Faults&FaultSend != 0)
	case binding.DecideDispatch:
		return s.draw(2, s.two(0, 1, s.bnd.Dispatch && s.e.b.Waiting() == 0)) == 1
	case binding.DecideOidCompletesNow:
		return s.draw(4, s.two(0, 3, true)) == 3
	}
	return false
}

// pended counts what NDIS holds pending for the design, sends aside.
func (s *Stepper) pended(out binding.Outstanding) int {
	n := out.OIDs
	if out.OpenPending {
		n++
	}
	if out.ClosePending {
		n++
	}
	return n
}

// FailAllocation is chooser.FailAllocation: a failure only with
// allocation faults in play.
func (s *Stepper) FailAllocation(pool.Op) bool {
	v := s.chance(s.e.d.Workload.AllocationFailure, true, s.bnd.Faults&FaultAlloc != 0)
	s.cov.allocFailed(v)
	return v
}

// Stream is every value drawn since Reset.
func (s *Stepper) Stream() []uint32 { return s.stream }

// Halted reports whether an error finding stopped the binding.
func (s *Stepper) Halted() bool { return s.e.b.Halted() }

// Findings are the run's findings so far (the binding's slice).
func (s *Stepper) Findings() []rule.Finding { return s.e.b.Findings() }

// Binding is the binding stepped.
func (s *Stepper) Binding() *binding.Binding { return s.e.b }

// Fingerprint writes the state at a move boundary: where the design's
// stack edits stand, the binding, and the design.
// It reports whether the design wrote its own fingerprint.
func (s *Stepper) Fingerprint(h *binding.StateHash) bool {
	e := s.e
	h.Reset(e.b)
	h.Word(uint64(e.change))
	h.Bool(e.editing)
	e.b.Fingerprint(h)
	return e.b.FingerprintDesign(h, s.generic)
}

// SetGenericFingerprint makes Fingerprint walk the design's value even
// when the design writes its own fingerprint: a test compares the two.
func (s *Stepper) SetGenericFingerprint(on bool) { s.generic = on }

// Owes names the lifecycle operation the design pended and has not
// completed ("" for none): the liveness check's subject.
func (s *Stepper) Owes() string {
	out := s.e.b.Outstanding()
	switch {
	case out.PnP != 0:
		return out.PnP.String()
	case out.BindPending:
		return "bind"
	case out.UnbindPending:
		return "unbind"
	}
	return ""
}

// SetCoverage records what the following moves exercise into c (nil: stop).
func (s *Stepper) SetCoverage(c *Coverage) { s.cov, s.e.cov = c, c }
