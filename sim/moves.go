package sim

import "github.com/ndissim/ndissim/fsm"

type moveKind uint8

// The environment's moves, in the order they are offered: the earlier a
// move, the simpler, because shrinking lowers choices toward 0.
const (
	mvCompleteSend moveKind = iota + 1
	mvCompleteOid
	mvCompleteOpen
	mvCompleteClose
	mvWorkItem
	mvWrite
	mvIndicate
	mvBind
	mvRestart
	mvPause
	mvEditStack
	mvUnbind
)

type move struct{ kind moveKind }

// weight is how often a move is chosen against the others: traffic and
// completions dominate a binding's life; lifecycle events are rare, as they
// are in a driver's, and they are also the expensive moves.
var weight = [...]int{
	mvCompleteSend: 6, mvCompleteOid: 3, mvCompleteOpen: 3, mvCompleteClose: 3,
	mvWorkItem: 2, mvWrite: 8, mvIndicate: 3,
	mvBind: 1, mvRestart: 1, mvPause: 1, mvEditStack: 1, mvUnbind: 1,
}

// legalMoves lists what the environment may do now. While the design has a
// pause or another operation pended, NDIS starts nothing new: it only
// delivers what it owes and lets the design's work run.
func (e *Engine) legalMoves() {
	e.moves = e.moves[:0]
	out := e.b.Outstanding()
	add := func(k moveKind) { e.moves = append(e.moves, move{k}) }
	if out.Sends > 0 {
		add(mvCompleteSend)
	}
	if out.OIDs > 0 {
		add(mvCompleteOid)
	}
	if out.OpenPending {
		add(mvCompleteOpen)
	}
	if out.ClosePending {
		add(mvCompleteClose)
	}
	s := e.b.State()
	if s != fsm.Unbound {
		add(mvWorkItem)
		add(mvWrite)
	}
	if s == fsm.Running || (s == fsm.Pausing && out.PnP == 0) {
		add(mvIndicate)
	}
	if e.b.Busy() || e.editing {
		return
	}
	switch s {
	case fsm.Unbound:
		add(mvBind)
	case fsm.Paused:
		add(mvRestart)
		if e.change < len(e.d.Changes) {
			add(mvEditStack)
		}
		add(mvUnbind)
	case fsm.Running:
		add(mvPause)
		if e.change < len(e.d.Changes) {
			add(mvEditStack)
		}
	}
}

func (e *Engine) apply(m move) {
	out := e.b.Outstanding()
	switch m.kind {
	case mvCompleteSend:
		e.b.CompleteSend(e.ch.draw(out.Sends), !e.ch.chance(e.d.Workload.SendFailure))
	case mvCompleteOid:
		e.b.CompleteOid(e.ch.draw(out.OIDs), !e.ch.chance(e.d.Workload.OIDFailure))
	case mvCompleteOpen:
		e.b.CompleteOpen(!e.ch.chance(e.d.Workload.OIDFailure))
	case mvCompleteClose:
		e.b.CompleteClose()
	case mvWorkItem:
		e.b.RunWorkItem()
	case mvWrite:
		e.b.Write(uint32(64 + e.ch.draw(1437)))
	case mvIndicate:
		e.b.Indicate(1+e.ch.draw(3), e.ch.draw(4) == 3)
	case mvBind:
		e.b.Bind()
	case mvRestart:
		e.b.Restart(e.ch.draw(4) != 3) // now and then a NULL attribute list
	case mvPause:
		e.b.Pause()
	case mvEditStack:
		if e.b.State() == fsm.Running {
			e.editing = true
			e.b.Pause()
		} else {
			e.applyChange()
		}
	case mvUnbind:
		e.b.Unbind()
	}
}
