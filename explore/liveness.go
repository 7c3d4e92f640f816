package explore

import (
	"slices"

	"github.com/ndissim/ndissim/rule"
	"github.com/ndissim/ndissim/sim"
)

// Liveness within the bounds. A state is doomed when the design owes a
// lifecycle operation it pended (a pause, restart, bind or unbind) and no
// path from it, within the explored graph, reaches a state where the
// operation is done. Such a state exists only on some path, so the finding
// is shown as SPIN shows an acceptance cycle: a prefix from the start to the
// first doomed state, and a cycle among doomed states (every successor of
// a doomed state is doomed, and the graph is finite). A state not expanded
// (beyond the depth bound, or past --max-states) counts as one that may yet
// complete: the check never reports what lies outside the bounds.

// Lasso is a pended operation that can never complete.
type Lasso struct {
	Operation string    `json:"operation"`
	Rule      rule.Name `json:"rule"`
	Prefix    int       `json:"prefix_moves"`
	Cycle     int       `json:"cycle_moves"` // 0: no move is possible at all
	Moves     int       `json:"moves"`       // of the trace: the prefix and Turns turns
	// Turns is how often the trace goes round the cycle: enough for the
	// engine's watchdog to report the rule when the trace is replayed.
	Turns      int      `json:"turns"`
	Reproduced bool     `json:"reproduced"`
	Trace      string   `json:"trace,omitempty"`
	TraceError string   `json:"trace_error,omitempty"`
	Replay     string   `json:"replay,omitempty"`
	Stream     []uint32 `json:"-"`
	Lines      []string `json:"-"`
}

// maxTurns bounds the unrolling of a cycle for the engine's watchdog,
// which needs PendedBound idle ticks and then one.
const maxTurns = 4 * sim.PendedBound

// lassos finds the first doomed state breadth-first (so the prefix is a
// shortest one) and the cycle it falls into.
func (x *search) lassos() []Lasso {
	doomed := x.doomed(nil)
	for id := range doomed {
		if !doomed[id] {
			continue
		}
		return []Lasso{x.lasso(int32(id), doomed)}
	}
	return nil
}

// undecided counts, in a shard, the states owing an operation that are
// doomed unless a state of the split level the shard leaves to the others
// completes it: the shard cannot tell, since it never expands them.
func (x *search) undecided() int {
	if !x.opt.Shard.Sharded() || x.top.Level < 0 {
		return 0
	}
	lo, n, own := x.top.States-x.top.Width, x.opt.Shard.Count, x.opt.Shard.Index
	others := func(id int) bool { return id >= lo && id < x.top.States && (id-lo)%n != own }
	hopeful, pessimistic := x.doomed(nil), x.doomed(others)
	count := 0
	for id := range pessimistic {
		if pessimistic[id] && !hopeful[id] && !others(id) {
			count++
		}
	}
	return count
}

// doomed marks the states that owe an operation and cannot reach one that
// does not, by a backward search from those that can. A state not
// expanded counts as one that can, unless unknown says it is not known to.
func (x *search) doomed(unknown func(id int) bool) []bool {
	n := len(x.parent)
	good := make([]bool, n)
	var queue []int32
	for id := range n {
		open := !x.expanded[id] && (unknown == nil || !unknown(id))
		if x.owes[id] == 0 || open || x.leavesGraph(int32(id)) {
			good[id] = true
			queue = append(queue, int32(id))
		}
	}
	p := x.predecessors()
	for len(queue) > 0 {
		v := queue[0]
		queue = queue[1:]
		for _, u := range p.of(v) {
			if !good[u] {
				good[u] = true
				queue = append(queue, u)
			}
		}
	}
	for id := range good {
		good[id] = !good[id]
	}
	return good
}

// leavesGraph reports whether a state has a successor outside the graph:
// one that halted on an error (reported as such) or was not stored. Either
// may be where the operation completes, as far as the check knows.
func (x *search) leavesGraph(id int32) bool {
	for _, t := range x.edgesOf(id) {
		if t < 0 {
			return true
		}
	}
	return false
}

// preds are the stored edges inverted, every state's predecessors in one
// array (in[off[v]:off[v+1]] are v's, in the order of the edges): one
// allocation for the 13.7 million edges of the SPIN-like bounds, where a
// slice per state grew each one by appending.
type preds struct {
	off []int64
	in  []int32
}

func (p *preds) of(v int32) []int32 { return p.in[p.off[v]:p.off[v+1]] }

// predecessors inverts the stored edges, once: a shard's liveness asks
// three times.
func (x *search) predecessors() *preds {
	if x.preds != nil {
		return x.preds
	}
	n := len(x.parent)
	p := &preds{off: make([]int64, n+1)}
	x.eachEdge(func(_, t int32) { p.off[t+1]++ })
	for v := range n {
		p.off[v+1] += p.off[v]
	}
	p.in = make([]int32, p.off[n])
	next := slices.Clone(p.off[:n])
	x.eachEdge(func(from, t int32) {
		p.in[next[t]] = from
		next[t]++
	})
	x.preds = p
	return p
}

// eachEdge calls f for every stored edge between stored states, in the
// order of the states and their edges.
func (x *search) eachEdge(f func(from, to int32)) {
	for id := range x.parent {
		if !x.expanded[id] {
			continue
		}
		for _, t := range x.edgesOf(int32(id)) {
			if t >= 0 {
				f(int32(id), t)
			}
		}
	}
}

// lasso follows the first successor from a doomed state until a state
// repeats, and builds the stream of prefix and cycle.
func (x *search) lasso(start int32, doomed []bool) Lasso {
	l := Lasso{Operation: oweNames[x.owes[start]], Prefix: int(x.depth[start])}
	l.Rule = rule.PendedNotCompleted
	if l.Operation == "NetEventPause" {
		l.Rule = rule.PauseNotCompleted
	}
	path := []int32{start}
	at := map[int32]int{start: 0}
	for {
		next := int32(-1)
		for _, t := range x.edgesOf(path[len(path)-1]) {
			if t >= 0 && doomed[t] {
				next = t
				break
			}
		}
		if next < 0 {
			break // no move at all: a deadlock
		}
		if i, ok := at[next]; ok {
			path = append(path[:0:0], path...)
			l.Cycle = len(path) - i
			path = append(path, next)
			break
		}
		at[next] = len(path)
		path = append(path, next)
	}
	l.Prefix += len(path) - 1 - l.Cycle
	stream, cycleAt := x.walk(path, l.Cycle)
	var replayed int
	l.Stream, replayed, l.Lines, l.Turns, l.Reproduced = x.unroll(stream, cycleAt, l.Rule)
	l.Moves = l.Prefix + l.Turns*l.Cycle
	if x.opt.OutDir != "" {
		f := Found{Rule: l.Rule, Stream: l.Stream, Lines: l.Lines, replayed: replayed}
		save(x.d, x.opt.OutDir, x.opt.Shard, &f)
		l.Trace, l.TraceError, l.Replay = f.Trace, f.TraceError, f.Replay
	}
	return l
}

// unroll repeats the cycle (stream[cycleAt:]) until the engine's replay
// reports rule r (its watchdog counts idle ticks), so that the trace file
// replays as a finding; at most maxTurns turns.
func (x *search) unroll(stream []uint32, cycleAt int, r rule.Name) ([]uint32, int, []string, int, bool) {
	cycle := stream[cycleAt:]
	out := append([]uint32(nil), stream...)
	for turns := 1; ; turns++ {
		s, replayed, lines, ok := reproduce(x.d, out, r)
		if ok || turns >= maxTurns || len(cycle) == 0 {
			return s, replayed, lines, turns, ok
		}
		out = append(out, cycle...)
	}
}

// walk builds the stream of a path of states, the first reached by its
// stored path and each next one by re-running the transitions of the one
// before until one lands on it (a cycle's edges need not be tree edges).
func (x *search) walk(path []int32, cycle int) (stream []uint32, cycleAt int) {
	stream = x.path(path[0], nil)
	moves := int(x.depth[path[0]])
	w := x.newWorker()
	for i, next := range path[1:] {
		if i == len(path)-1-cycle {
			cycleAt = len(stream)
		}
		stream = append(stream, w.segmentTo(stream, moves, x.fp[next])...)
		moves++
	}
	if cycle == 0 {
		cycleAt = len(stream)
	}
	return stream, cycleAt
}

// segmentTo finds the choices of a move, from the state the first moves
// of stream lead to, that reach the state of fingerprint fp.
func (w *worker) segmentTo(stream []uint32, moves int, fp [2]uint64) []uint32 {
	w.o.reset()
	for {
		w.st.Replay(stream, moves)
		w.st.Step(&w.o)
		if !w.st.Halted() {
			w.st.Fingerprint(&w.h)
			if hi, lo := w.h.Sum(); [2]uint64{hi, lo} == fp {
				return append([]uint32(nil), w.st.Stream()[len(stream):]...)
			}
		}
		if !w.o.next() {
			return nil
		}
	}
}
