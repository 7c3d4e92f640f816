package properties

import (
	"fmt"
	"math/rand"
	"strings"

	"github.com/ndissim/ndissim/binding"
	"github.com/ndissim/ndissim/fsm"
	"github.com/ndissim/ndissim/sim"
)

// Op is one of the environment's moves: what NDIS, the miniport or an
// application does to the binding.
type Op uint8

// The moves, as sim's engine offers them, plus Teardown, which drives the
// binding to Unbound the way every engine run ends.
const (
	OpBind Op = iota + 1
	OpCompleteOpen
	OpCompleteClose
	OpCompleteSend
	OpCompleteOid
	OpRestart
	OpPause
	OpUnbind
	OpWrite
	OpIndicate
	OpWorkItem
	OpEditStack
	OpTeardown
)

// opMoves are the engine's moves behind the Ops; OpTeardown has none.
var opMoves = [...]sim.MoveKind{
	OpBind: sim.MoveBind, OpCompleteOpen: sim.MoveCompleteOpen, OpCompleteClose: sim.MoveCompleteClose,
	OpCompleteSend: sim.MoveCompleteSend, OpCompleteOid: sim.MoveCompleteOid, OpRestart: sim.MoveRestart,
	OpPause: sim.MovePause, OpUnbind: sim.MoveUnbind, OpWrite: sim.MoveWrite, OpIndicate: sim.MoveIndicate,
	OpWorkItem: sim.MoveWorkItem, OpEditStack: sim.MoveEditStack,
}

// move is the engine's move behind o; 0 for OpTeardown and unknown Ops.
func (o Op) move() sim.MoveKind {
	if int(o) < len(opMoves) {
		return opMoves[o]
	}
	return 0
}

func (o Op) String() string {
	if o == OpTeardown {
		return "teardown"
	}
	if k := o.move(); k != 0 {
		return k.String()
	}
	return fmt.Sprintf("Op(%d)", uint8(o))
}

// The decisions NDIS and the miniport make inside a step: the binding's
// Decisions, then allocation failures.
const (
	fateAllocFails = int(binding.DecideOidCompletesNow) // index after the binding's Decisions
	numFates       = fateAllocFails + 1
)

var fateNames = [numFates]string{
	"open-pends", "open-fails", "close-pends", "oid-pends", "oid-fails",
	"send-completes-now", "send-fails", "dispatch", "oid-completes-now", "alloc-fails",
}

// Fate is what NDIS decides inside one step, by kind of decision: bit j of
// Fate[k] answers the (j+1)-th time decision k is asked during the step;
// unset bits, and asks past the eighth, answer no. Kinds are indexed by
// binding.Decision-1, and the last is an allocation failing.
type Fate [numFates]uint8

func (f Fate) String() string {
	var parts []string
	for k, mask := range f {
		if mask == 0 {
			continue
		}
		if mask == 1 {
			parts = append(parts, fateNames[k])
			continue
		}
		var at []string
		for j := range 8 {
			if mask&(1<<j) != 0 {
				at = append(at, fmt.Sprint(j+1))
			}
		}
		parts = append(parts, fateNames[k]+"@"+strings.Join(at, ","))
	}
	return strings.Join(parts, " ")
}

// Step is one move with its arguments and the fate of the decisions made
// inside it. It is a value: sequences of steps are copied, never shared
// mutably.
type Step struct {
	Op Op
	// I is the send or OID request to complete, in the order NDIS holds them.
	I int
	// OK is the completion's status (CompleteSend, CompleteOid,
	// CompleteOpen); for Restart it means "with restart attributes" and for
	// Indicate "with NDIS_RECEIVE_FLAGS_RESOURCES".
	OK bool
	// N is a Write's bytes or an Indicate's NBL count.
	N    int
	Fate Fate
}

func (s Step) String() string {
	var b strings.Builder
	b.WriteString(s.Op.String())
	switch s.Op {
	case OpCompleteSend, OpCompleteOid:
		fmt.Fprintf(&b, "(%d, %s)", s.I, okText(s.OK))
	case OpCompleteOpen:
		fmt.Fprintf(&b, "(%s)", okText(s.OK))
	case OpRestart:
		if !s.OK {
			b.WriteString("(NULL attributes)")
		}
	case OpWrite:
		fmt.Fprintf(&b, "(%d)", s.N)
	case OpIndicate:
		if s.OK {
			fmt.Fprintf(&b, "(%d, RESOURCES)", s.N)
		} else {
			fmt.Fprintf(&b, "(%d)", s.N)
		}
	}
	if f := s.Fate.String(); f != "" {
		b.WriteString(" {")
		b.WriteString(f)
		b.WriteString("}")
	}
	return b.String()
}

func okText(ok bool) string {
	if ok {
		return "ok"
	}
	return "FAIL"
}

// Observation is what NDIS expects of the binding after a step: the model
// of the stateful tests. Preconditions read it to offer only the moves NDIS
// could make.
type Observation struct {
	State   fsm.State
	Out     binding.Outstanding
	Busy    bool
	Halted  bool
	Editing bool // a stack edit waits for the pause it started
	Change  int  // the next of the design's stack edits
	Changes int  // how many edits the design has
}

// Legal reports whether NDIS could make step s now: whether the sim engine
// could make its move (sim.Situation.Legal: completions only of what is
// pending, no new lifecycle operation while one is pended or a stack edit
// waits, indications only while Running) with the step's arguments (an
// index within what is pending, at least one NBL indicated). A Teardown is
// always legal. On a halted binding every move is legal (and ignored).
func (o Observation) Legal(s Step) bool {
	if o.Halted || s.Op == OpTeardown {
		return true
	}
	k := s.Op.move()
	if k == 0 || !o.situation().Legal(k) {
		return false
	}
	switch s.Op {
	case OpCompleteSend:
		return s.I >= 0 && s.I < o.Out.Sends
	case OpCompleteOid:
		return s.I >= 0 && s.I < o.Out.OIDs
	case OpIndicate:
		return s.N > 0
	}
	return true
}

func (o Observation) situation() sim.Situation {
	return sim.Situation{State: o.State, Out: o.Out, Busy: o.Busy, Editing: o.Editing, Change: o.Change, Changes: o.Changes}
}

// legalOps lists the moves the engine could make now, in Op order (which
// generation draws in), Teardown left out.
func (o Observation) legalOps(buf []Op) []Op {
	buf = buf[:0]
	sit := o.situation()
	for op := OpBind; op < OpTeardown; op++ {
		if sit.Legal(op.move()) {
			buf = append(buf, op)
		}
	}
	return buf
}

// teardownChance is how often a generated step is a Teardown, so that
// generated sequences also end runs (and rebind) in the middle.
const teardownChance = 0.02

// randomStep draws a legal step for o the way the engine draws a move: by
// the engine's weights (sim.MoveKind.Weight) among the legal moves,
// arguments and fates with the workload's probabilities (sim/choice.go).
func randomStep(r *rand.Rand, o Observation, w sim.Workload, buf []Op) Step {
	if o.Halted {
		return Step{Op: OpWorkItem} // ignored; the run is over
	}
	ops := o.legalOps(buf)
	if len(ops) == 0 || r.Float64() < teardownChance {
		return Step{Op: OpTeardown}
	}
	total := 0
	for _, op := range ops {
		total += op.move().Weight()
	}
	v := r.Intn(total)
	s := Step{Op: ops[len(ops)-1]}
	for _, op := range ops {
		w := op.move().Weight()
		if v < w {
			s.Op = op
			break
		}
		v -= w
	}
	switch s.Op {
	case OpCompleteSend:
		s.I, s.OK = r.Intn(o.Out.Sends), r.Float64() >= w.SendFailure
	case OpCompleteOid:
		s.I, s.OK = r.Intn(o.Out.OIDs), r.Float64() >= w.OIDFailure
	case OpCompleteOpen:
		s.OK = r.Float64() >= w.OIDFailure
	case OpRestart:
		s.OK = r.Intn(4) != 3
	case OpWrite:
		s.N = 64 + r.Intn(1437)
	case OpIndicate:
		s.N, s.OK = 1+r.Intn(3), r.Intn(4) == 3
	}
	p := [numFates]float64{
		w.Pend, w.OIDFailure / 4, w.Pend, w.Pend, w.OIDFailure, 1 - w.Pend, w.SendFailure, 0.5, 0.25, w.AllocationFailure,
	}
	for k := range s.Fate {
		for j := range 4 {
			if p[k] > 0 && r.Float64() < p[k] {
				s.Fate[k] |= 1 << j
			}
		}
	}
	return s
}
