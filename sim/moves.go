package sim

import (
	"fmt"

	"github.com/ndissim/ndissim/binding"
	"github.com/ndissim/ndissim/fsm"
	"github.com/ndissim/ndissim/oid"
)

// MoveKind is one of the environment's moves: what NDIS, the miniport or an
// application does to the binding.
type MoveKind uint8

// The environment's moves, in the order they are offered: the earlier a
// move, the simpler, because shrinking lowers choices toward 0. The order
// is part of the choice stream's format: every saved trace depends on it.
const (
	MoveCompleteSend MoveKind = iota + 1
	MoveCompleteOid
	MoveCompleteOpen
	MoveCompleteClose
	MoveWorkItem
	MoveWrite
	MoveIndicate
	MoveBind
	MoveRestart
	MovePause
	MoveEditStack
	MoveUnbind
	numMoveKinds = iota
)

// weight is how often a move is chosen against the others: traffic and
// completions dominate a binding's life; lifecycle events are rare, as they
// are in a driver's, and they are also the expensive moves.
var weight = [...]int{
	MoveCompleteSend: 6, MoveCompleteOid: 3, MoveCompleteOpen: 3, MoveCompleteClose: 3,
	MoveWorkItem: 2, MoveWrite: 8, MoveIndicate: 3,
	MoveBind: 1, MoveRestart: 1, MovePause: 1, MoveEditStack: 1, MoveUnbind: 1,
}

var moveNames = [...]string{
	MoveCompleteSend: "complete-send", MoveCompleteOid: "complete-oid", MoveCompleteOpen: "complete-open",
	MoveCompleteClose: "complete-close", MoveWorkItem: "work-item", MoveWrite: "write",
	MoveIndicate: "indicate", MoveBind: "bind", MoveRestart: "restart", MovePause: "pause",
	MoveEditStack: "edit-stack", MoveUnbind: "unbind",
}

// Weight is how often the engine chooses k against the other legal moves.
func (k MoveKind) Weight() int {
	if k == 0 || int(k) >= len(weight) {
		return 0
	}
	return weight[k]
}

func (k MoveKind) String() string {
	if k != 0 && int(k) < len(moveNames) {
		return moveNames[k]
	}
	return fmt.Sprintf("MoveKind(%d)", uint8(k))
}

// Move is one environment move with its arguments. The engine draws the
// arguments from its choice stream; a Script's caller gives them.
type Move struct {
	Kind MoveKind
	// I is the send or OID request to complete (MoveCompleteSend,
	// MoveCompleteOid), in the order NDIS holds them.
	I int
	// N is a MoveWrite's bytes or a MoveIndicate's NBL count.
	N int
	// OK is the completion's status (MoveCompleteSend, MoveCompleteOid,
	// MoveCompleteOpen); for MoveRestart it means "with restart attributes"
	// (not a NULL list) and for MoveIndicate "with
	// NDIS_RECEIVE_FLAGS_RESOURCES".
	OK bool
}

// Situation is what the legality of a move depends on: the binding's state
// and what it has pending, and where the design's stack edits stand.
type Situation struct {
	State   fsm.State
	Out     binding.Outstanding
	Busy    bool // the binding waits for the design to complete a lifecycle operation
	Editing bool // a stack edit waits for the pause it started
	Change  int  // the next of the design's stack edits
	Changes int  // how many stack edits the design has
}

// Legal reports whether the environment may make a move of kind k now.
// Legal says nothing of a move's arguments (which send, how many).
func (s Situation) Legal(k MoveKind) bool { return s.legal().has(k) }

// AppendLegal appends the kinds of the legal moves to buf in the order the
// engine offers them (MoveKind order) and returns it.
func (s Situation) AppendLegal(buf []MoveKind) []MoveKind {
	set := s.legal()
	for k := MoveKind(1); k <= numMoveKinds; k++ {
		if set.has(k) {
			buf = append(buf, k)
		}
	}
	return buf
}

// moveSet holds MoveKind k as bit k.
type moveSet uint16

func (m moveSet) has(k MoveKind) bool { return k <= numMoveKinds && m&(1<<k) != 0 }

// legal is the set of the moves the environment may make now. While the
// design has a pause or another operation pended, NDIS starts nothing new:
// it only delivers what it owes and lets the design's work run.
func (s *Situation) legal() moveSet {
	var m moveSet
	if s.Out.Sends > 0 {
		m |= 1 << MoveCompleteSend
	}
	if s.Out.OIDs > 0 {
		m |= 1 << MoveCompleteOid
	}
	if s.Out.OpenPending {
		m |= 1 << MoveCompleteOpen
	}
	if s.Out.ClosePending {
		m |= 1 << MoveCompleteClose
	}
	if s.State != fsm.Unbound {
		m |= 1<<MoveWorkItem | 1<<MoveWrite
	}
	// NDIS goes on indicating receives while a pause is in progress, pended
	// or not ("Pausing a Binding"); the protocol returns what it gets then.
	if s.State == fsm.Running || s.State == fsm.Pausing {
		m |= 1 << MoveIndicate
	}
	if s.Busy || s.Editing {
		return m
	}
	edit := s.Change < s.Changes
	switch s.State {
	case fsm.Unbound:
		m |= 1 << MoveBind
	case fsm.Paused:
		m |= 1<<MoveRestart | 1<<MoveUnbind
		if edit {
			m |= 1 << MoveEditStack
		}
	case fsm.Running:
		m |= 1 << MovePause
		if edit {
			m |= 1 << MoveEditStack
		}
	}
	return m
}

// CompletionDecides answers the decisions the miniport's completion mode
// takes out of NDIS's hands: a sync miniport completes every send and OID
// request at once, a pend one never. decided is false for every other
// decision and for a mixed miniport.
func CompletionDecides(c oid.Completion, d binding.Decision) (answer, decided bool) {
	if c != oid.CompleteSync && c != oid.CompletePend {
		return false, false
	}
	switch d {
	case binding.DecideOidPends:
		return c == oid.CompletePend, true
	case binding.DecideSendCompletesNow:
		return c == oid.CompleteSync, true
	}
	return false, false
}

func (e *Engine) situation() Situation {
	return Situation{State: e.b.State(), Out: e.b.Outstanding(), Busy: e.b.Busy(),
		Editing: e.editing, Change: e.change, Changes: len(e.d.Changes)}
}

// legalMoves lists what the environment may do now.
func (e *Engine) legalMoves() {
	e.moves = e.situation().AppendLegal(e.moves[:0])
}

// draw chooses the arguments of a move of kind k from the choice stream.
func (e *Engine) draw(k MoveKind) Move { return e.ch.drawMove(k, e.b.Outstanding()) }

// drawMove chooses the arguments of a move of kind k, with out pending:
// the one place a move's arguments are drawn, for the engine and a
// Script's caller alike.
func (c *chooser) drawMove(k MoveKind, out binding.Outstanding) Move {
	m := Move{Kind: k}
	switch k {
	case MoveCompleteSend:
		m.I = c.draw(out.Sends)
		m.OK = !c.chance(c.w.SendFailure)
	case MoveCompleteOid:
		m.I = c.draw(out.OIDs)
		m.OK = !c.chance(c.w.OIDFailure)
	case MoveCompleteOpen:
		m.OK = !c.chance(c.w.OIDFailure)
	case MoveWrite:
		m.N = 64 + c.draw(1437)
	case MoveIndicate:
		m.N = 1 + c.draw(3)
		m.OK = c.draw(4) == 3
	case MoveRestart:
		m.OK = c.draw(4) != 3 // now and then a NULL attribute list
	}
	return m
}

// apply makes move m, then does what NDIS does on its own after a move. It
// returns the binding's refusal of a lifecycle move its state does not
// allow (a *binding.LifecycleError), which only a Script's caller can ask for.
func (e *Engine) apply(m Move) error {
	e.recordMove(m) // coverage.go; nothing when not recording
	b := e.b
	var err error
	switch m.Kind {
	case MoveCompleteSend:
		b.CompleteSend(m.I, m.OK)
	case MoveCompleteOid:
		b.CompleteOid(m.I, m.OK)
	case MoveCompleteOpen:
		b.CompleteOpen(m.OK)
	case MoveCompleteClose:
		b.CompleteClose()
	case MoveWorkItem:
		b.RunWorkItem()
	case MoveWrite:
		b.Write(uint32(m.N))
	case MoveIndicate:
		b.Indicate(m.N, m.OK)
	case MoveBind:
		err = b.Bind()
	case MoveRestart:
		err = b.Restart(m.OK)
	case MovePause:
		err = b.Pause()
	case MoveEditStack:
		if e.change >= len(e.d.Changes) {
			break // only a Script's caller can ask for it
		}
		if b.State() == fsm.Running {
			e.editing = true
			err = b.Pause()
		} else {
			e.applyChange()
		}
	case MoveUnbind:
		err = b.Unbind()
	}
	e.afterMove(m.Kind == MoveWorkItem)
	return err
}
