package explore

import (
	"context"
	"fmt"
	"runtime"
	"sync"
	"sync/atomic"

	"github.com/ndissim/ndissim/binding"
	"github.com/ndissim/ndissim/rule"
	"github.com/ndissim/ndissim/sim"
)

// Options steer an exploration.
type Options struct {
	Bounds sim.ExploreBounds
	// Depth is the most environment moves on a path.
	Depth int
	// MaxStates bounds the states stored, and so the memory: the search
	// stops, and says so, when it would store one more.
	MaxStates int
	// Workers expand states in parallel; 0 is one per CPU. The report is
	// the same for any number.
	Workers int
	// Shard, when set, explores only its share of the states at the first
	// level with at least 8 per shard, and everything below them.
	Shard sim.Shard
	// NoDedup explores the tree of paths: every state reached is new.
	NoDedup bool
	// Liveness looks for pended operations that can never complete.
	Liveness bool
	// MaxBranch bounds the transitions of one state (a wait that draws
	// many times can have very many); a state cut short is counted.
	MaxBranch int
	// OutDir is where trace files go; empty: none are written.
	OutDir string
	// GenericHash hashes the design by the generic walk even when it has
	// its own Fingerprint (to compare the two).
	GenericHash bool
	// Replay expands every state by replaying its path from the start,
	// even when the design can be copied (to compare the two ways).
	Replay bool
	// Progress, when set, is called after every batch of expansions with
	// how far the search has got, on the search's own goroutine: it must
	// return quickly. What it is told is the same for any number of
	// workers; when it is called depends on nothing else either.
	Progress func(Progress)
}

// Progress is how far a search has got, as SPIN's and TLC's periodic lines
// say it.
type Progress struct {
	Level       int   // the level being expanded: paths of this many moves
	States      int   // stored so far
	Transitions int64 // made so far
	Queue       int   // stored and not yet expanded
	Rules       int   // rules broken so far
}

// DefaultOptions are the bounds of `ndissim explore` when none is given.
func DefaultOptions() Options {
	return Options{
		Bounds: sim.ExploreBounds{Sends: 2, Receives: 1, Edits: 2, Pends: 1, Faults: sim.FaultNone, Dispatch: true},
		Depth:  12, MaxStates: 2_000_000, Liveness: true, MaxBranch: 1 << 16,
	}
}

// batchSize is how many states the workers expand between two merges: small
// enough to stop soon when asked, large enough to keep them busy.
const batchSize = 1024

// chunk is a few states one worker expands at a time.
const chunk = 16

// search is one exploration's state store and counters.
type search struct {
	d   sim.Design
	opt Options
	// per state, by id (BFS order)
	parent   []int32
	depth    []uint16
	segOff   []uint32
	segLen   []uint32
	arena    []uint32
	fp       [][2]uint64 // for the liveness check's cycles only
	owes     []uint8
	expanded []bool
	// edgeLo and edgeHi give a state's successors, edges[edgeLo:edgeHi];
	// they are kept only for the liveness check, which alone reads them
	// (13.7 million of them at the SPIN-like bounds: 55 MB).
	edgeLo []int64
	edgeHi []int64
	edges  []int32
	seen   fpTable
	// snaps are the copies of the states not yet expanded (nil: the
	// state is replayed); free are copies to reuse.
	snaps  []*sim.Snapshot
	free   []*sim.Snapshot
	freeMu sync.Mutex
	// results are the chunks' results, reused from batch to batch.
	results []result
	// live and peak count the copies kept, and peakBytes their memory at
	// the peak (outside the designs' copies).
	live, peak, liveBytes, peakBytes int

	transitions int64
	truncated   int
	deadlocks   int
	full        bool
	found       map[rule.Name]*hit
	order       []rule.Name
	designFP    bool
	cov         *sim.Coverage
	// fault is the first panic of a worker (catch); the search stops.
	fault   error
	faultMu sync.Mutex
	// top is what a shard shares with the others: the levels down to the
	// one where the shards split (top.Level -1 while they have not).
	top Split
	// preds are the edges inverted, built for the liveness check.
	preds *preds
}

// catch turns a worker's panic into the search's error. The design's own
// panics are findings (DesignPanic), so what reaches here is a state the
// explorer could not rebuild: most likely a design copy (binding.Cloner or
// binding.Copier) that does not restore the whole state.
func (x *search) catch() {
	r := recover()
	if r == nil {
		return
	}
	x.faultMu.Lock()
	defer x.faultMu.Unlock()
	if x.fault == nil {
		x.fault = fmt.Errorf("explore: design %q: a state could not be expanded (%v); if the design copies itself (binding.Cloner, binding.Copier), its copy may not restore all of its state: explore it with Options.Replay to compare", x.d.Name, r)
	}
}

// hit is the first transition that broke a rule.
type hit struct {
	from int32
	seg  []uint32
	f    rule.Finding
}

// edge markers: a successor that halted, and one that was not stored.
const (
	edgeHalted   = -2
	edgeUnstored = -1
)

// owe codes for the liveness check.
var oweNames = []string{"", "NetEventPause", "NetEventRestart", "bind", "unbind"}

func oweCode(s string) uint8 {
	if s == "" {
		return 0 // most states owe nothing
	}
	for i, n := range oweNames {
		if n == s {
			return uint8(i)
		}
	}
	return 0
}

func newSearch(d sim.Design, opt Options) *search {
	x := &search{d: d, opt: opt, found: map[rule.Name]*hit{}, cov: sim.NewCoverage(), top: Split{Level: -1}}
	x.add(-1, nil, [2]uint64{}, 0)
	if !opt.Replay {
		st := sim.NewStepper(d, opt.Bounds)
		st.Reset()
		x.keep(0, x.snapshot(st))
	}
	return x
}

// snapshot copies the stepper's state, or returns nil when the design
// cannot be copied: the state is then replayed.
func (x *search) snapshot(st *sim.Stepper) *sim.Snapshot {
	x.freeMu.Lock()
	var sn *sim.Snapshot
	if n := len(x.free); n > 0 {
		sn, x.free = x.free[n-1], x.free[:n-1]
	}
	x.freeMu.Unlock()
	if sn == nil {
		sn = new(sim.Snapshot)
	}
	if !st.Snapshot(sn) {
		x.release(sn)
		return nil
	}
	return sn
}

// release keeps a copy no state needs for reuse.
func (x *search) release(sn *sim.Snapshot) {
	if sn == nil {
		return
	}
	x.freeMu.Lock()
	x.free = append(x.free, sn)
	x.freeMu.Unlock()
}

// keep stores state id's copy (merge and newSearch: one goroutine).
func (x *search) keep(id int32, sn *sim.Snapshot) {
	for int(id) >= len(x.snaps) {
		x.snaps = append(x.snaps, nil)
	}
	x.snaps[id] = sn
	if sn != nil {
		x.live++
		x.liveBytes += sn.Bytes()
		if x.live > x.peak {
			x.peak, x.peakBytes = x.live, x.liveBytes
		}
	}
}

// drop releases state id's copy once it is expanded.
func (x *search) drop(id int32) {
	if int(id) < len(x.snaps) && x.snaps[id] != nil {
		x.live--
		x.liveBytes -= x.snaps[id].Bytes()
		x.release(x.snaps[id])
		x.snaps[id] = nil
	}
}

// add stores a new state and returns its id.
func (x *search) add(parent int32, seg []uint32, fp [2]uint64, owes uint8) int32 {
	id := int32(len(x.parent))
	d := uint16(0)
	if parent >= 0 {
		d = x.depth[parent] + 1
	}
	x.parent = append(x.parent, parent)
	x.depth = append(x.depth, d)
	x.segOff = append(x.segOff, uint32(len(x.arena)))
	x.segLen = append(x.segLen, uint32(len(seg)))
	x.arena = append(x.arena, seg...)
	x.owes = append(x.owes, owes)
	x.expanded = append(x.expanded, false)
	if x.opt.Liveness {
		x.fp = append(x.fp, fp)
		x.edgeLo = append(x.edgeLo, 0)
		x.edgeHi = append(x.edgeHi, 0)
	}
	return id
}

// path appends the stream that leads to state id to buf.
func (x *search) path(id int32, buf []uint32) []uint32 {
	n := 0
	for i := id; i >= 0; i = x.parent[i] {
		n += int(x.segLen[i])
	}
	buf = append(buf[:0], make([]uint32, n)...)
	for i := id; i >= 0; i = x.parent[i] {
		n -= int(x.segLen[i])
		copy(buf[n:], x.arena[x.segOff[i]:x.segOff[i]+x.segLen[i]])
	}
	return buf
}

// succ is one transition a worker ran.
type succ struct {
	from     int32
	known    int32 // the state the worker found fp to be, or -1
	fp       [2]uint64
	seg      [2]int // into the chunk's arena
	halted   bool
	noMove   bool
	owes     uint8
	findings []rule.Finding
	snap     *sim.Snapshot // a copy of the successor, if it may be new
}

type result struct {
	succs     []succ
	arena     []uint32
	truncated int
	cov       *sim.Coverage
	designFP  bool // the design wrote its own fingerprint
}

// worker expands states on its own stepper.
type worker struct {
	x      *search
	st     *sim.Stepper
	h      binding.StateHash
	o      odometer
	prefix []uint32
	base   int // the values drawn before the move: the path replayed
	// copied are the states this worker has copied in this batch.
	copied fpSet
	// sibs are the successors the transitions of the state in hand have
	// reached so far, with what the table said of each: most transitions
	// of a state reach a successor another of its transitions reached (an
	// IRQL or a status that changes nothing the state records), and the
	// table, tens of megabytes, need not be asked again.
	sibs []sibling
}

type sibling struct {
	fp    [2]uint64
	known int32
}

// maxSiblings bounds the successors remembered for one state: a wait that
// draws many times can give a state thousands of transitions.
const maxSiblings = 64

// sibling is what an earlier transition of the state in hand found of fp.
func (w *worker) sibling(fp [2]uint64) (known int32, ok bool) {
	for i := range w.sibs {
		if w.sibs[i].fp == fp {
			return w.sibs[i].known, true
		}
	}
	return -1, false
}

func (x *search) newWorker() *worker {
	w := &worker{x: x, st: sim.NewStepper(x.d, x.opt.Bounds)}
	w.st.SetGenericFingerprint(x.opt.GenericHash)
	return w
}

// expand runs every transition of state id: a replay of its path, then one
// move with the odometer's next choices, until they are exhausted.
//
// A state with a copy (a snapshot) is restored from it instead of replayed.
func (w *worker) expand(id int32, res *result) {
	x := w.x
	var snap *sim.Snapshot
	if int(id) < len(x.snaps) {
		snap = x.snaps[id]
	}
	if snap == nil {
		w.prefix = x.path(id, w.prefix)
	}
	depth := int(x.depth[id])
	w.o.reset()
	w.sibs = w.sibs[:0]
	for n := 0; ; n++ {
		if n >= x.opt.MaxBranch {
			res.truncated++
			return
		}
		if snap != nil {
			w.st.Restore(snap)
			w.base = 0
		} else {
			w.st.Replay(w.prefix, depth)
			w.base = len(w.prefix)
		}
		before := len(w.st.Findings())
		w.st.SetCoverage(res.cov) // the replay is not recorded again
		moved := w.st.Step(&w.o)
		w.st.SetCoverage(nil)
		if !moved {
			res.succs = append(res.succs, succ{from: id, noMove: true})
			return
		}
		res.succs = append(res.succs, w.transition(id, before, res))
		if !w.o.next() {
			return
		}
	}
}

// transition records the move just made from state id.
func (w *worker) transition(id int32, before int, res *result) succ {
	x := w.x
	s := succ{from: id, known: -1}
	stream := w.st.Stream()
	s.seg[0] = len(res.arena)
	res.arena = append(res.arena, stream[w.base:]...)
	s.seg[1] = len(res.arena)
	if fs := w.st.Findings(); len(fs) > before {
		s.findings = append([]rule.Finding(nil), fs[before:]...)
	}
	s.halted = w.st.Halted()
	if !s.halted {
		res.designFP = w.st.Fingerprint(&w.h) // the same for every state of a design
		hi, lo := w.h.Sum()
		s.fp = [2]uint64{hi, lo}
		if x.opt.Liveness {
			s.owes = oweCode(w.st.Owes()) // only the liveness check reads it
		}
		if known, ok := w.sibling(s.fp); ok && !x.opt.NoDedup {
			s.known = known // and the sibling took the copy, if one was needed
			return s
		}
		s.known = w.lookup(s.fp)
		if len(w.sibs) < maxSiblings {
			w.sibs = append(w.sibs, sibling{s.fp, s.known})
		}
		if !x.opt.Replay && s.known < 0 && w.firstCopy(s.fp) {
			s.snap = x.snapshot(w.st)
		}
	}
	return s
}

// firstCopy reports whether the worker has not yet copied state fp in this
// batch. Its chunks come in merge order, so a copy it took before belongs
// to a transition that merge meets first, and keeps: a second copy would
// only be released.
func (w *worker) firstCopy(fp [2]uint64) bool {
	return w.x.opt.NoDedup || w.copied.add(fp)
}

// lookup is the state fp was before this batch, or -1: the map is only
// written by merge, between batches, which takes the answer instead of
// asking again. A state new to the batch may still be reached twice in it;
// merge releases the copy it does not keep.
func (w *worker) lookup(fp [2]uint64) int32 {
	if w.x.opt.NoDedup {
		return -1
	}
	return w.x.seen.get(fp)
}

// run is the breadth-first search, level by level, each level in batches
// the workers expand in parallel and the search merges in state order.
func (x *search) run(ctx context.Context) (levels int, stopped string) {
	workers := x.opt.Workers
	if workers <= 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	ws := make([]*worker, workers)
	for i := range ws {
		ws[i] = x.newWorker()
	}
	split := !x.opt.Shard.Sharded()
	lo := 0
	for level := 0; ; level++ {
		hi := len(x.parent)
		if lo == hi {
			return level, ""
		}
		if level >= x.opt.Depth {
			return level, "depth"
		}
		ids := x.levelIDs(lo, hi, &split)
		for b := 0; b < len(ids); b += batchSize {
			if ctx.Err() != nil {
				return level, "interrupted"
			}
			x.batch(ws, ids[b:min(b+batchSize, len(ids))])
			if x.fault != nil {
				return level, "fault"
			}
			x.progress(level, len(ids)-min(b+batchSize, len(ids)), hi)
			if x.full {
				return level, "max-states"
			}
		}
		lo = hi
	}
}

// progress tells Options.Progress how far the search has got: left of
// the level's states to expand, and the next level, from hi on.
func (x *search) progress(level, left, hi int) {
	if x.opt.Progress != nil {
		x.opt.Progress(Progress{Level: level, States: len(x.parent), Transitions: x.transitions,
			Queue: left + len(x.parent) - hi, Rules: len(x.order)})
	}
}

// levelIDs lists the states of a level to expand: all of them, or the
// shard's share at the level the shards split.
func (x *search) levelIDs(lo, hi int, split *bool) []int32 {
	ids := make([]int32, 0, hi-lo)
	n := x.opt.Shard.Count
	share := !*split && hi-lo >= 8*n
	for i := lo; i < hi; i++ {
		if !share || (i-lo)%n == x.opt.Shard.Index {
			ids = append(ids, int32(i))
		}
	}
	if share {
		*split = true
		x.top = x.shared(int(x.depth[lo]), hi-lo, len(ids))
	}
	return ids
}

// shared is what every shard has found when the shards split at level
// (of width states, owned of them this shard's): the states down to it,
// and the transitions of those above it, which all of them expanded alike.
func (x *search) shared(level, width, owned int) Split {
	return Split{Level: level, States: len(x.parent), Width: width, Owned: owned, Transitions: x.transitions,
		Deadlocks: x.deadlocks, Truncated: x.truncated}
}

// batch expands ids on the workers and merges the results in order.
func (x *search) batch(ws []*worker, ids []int32) {
	nchunks := (len(ids) + chunk - 1) / chunk
	results := x.chunkResults(nchunks)
	var next atomic.Int64
	var wg sync.WaitGroup
	for _, w := range ws {
		wg.Add(1)
		go func() {
			defer wg.Done()
			defer x.catch()
			w.copied.reset()
			for {
				c := int(next.Add(1) - 1)
				if c >= nchunks {
					return
				}
				r := &results[c]
				for _, id := range ids[c*chunk : min((c+1)*chunk, len(ids))] {
					w.expand(id, r)
				}
			}
		}()
	}
	wg.Wait()
	for _, id := range ids {
		x.drop(id)
	}
	for i := range results {
		x.merge(&results[i])
	}
}

// chunkResults are n empty results, with the memory of earlier batches'.
func (x *search) chunkResults(n int) []result {
	for len(x.results) < n {
		x.results = append(x.results, result{})
	}
	rs := x.results[:n]
	for i := range rs {
		r := &rs[i]
		clear(r.succs) // drop the findings they point to
		*r = result{succs: r.succs[:0], arena: r.arena[:0], cov: sim.NewCoverage()}
	}
	return rs
}

// merge stores a chunk's successors in order: the same order for any
// number of workers, so the same ids, counts and first findings.
func (x *search) merge(r *result) {
	x.truncated += r.truncated
	x.cov.Merge(r.cov)
	x.designFP = x.designFP || r.designFP
	for i := range r.succs {
		s := &r.succs[i]
		if !x.expanded[s.from] {
			x.expanded[s.from] = true
			if x.opt.Liveness {
				x.edgeLo[s.from] = int64(len(x.edges))
				x.edgeHi[s.from] = x.edgeLo[s.from]
			}
		}
		if s.noMove {
			x.deadlocks++
			continue
		}
		x.transitions++
		seg := r.arena[s.seg[0]:s.seg[1]]
		for _, f := range s.findings {
			x.record(f, s.from, seg)
		}
		stored := len(x.parent)
		to := x.target(s, seg)
		if len(x.parent) > stored {
			x.keep(to, s.snap) // the successor is new: its copy is kept
		} else {
			x.release(s.snap)
		}
		s.snap = nil
		if x.opt.Liveness {
			x.edges = append(x.edges, to)
			x.edgeHi[s.from] = int64(len(x.edges))
		}
	}
}

// target stores the successor if it is new and returns its id or marker.
func (x *search) target(s *succ, seg []uint32) int32 {
	if s.halted {
		return edgeHalted
	}
	if s.known >= 0 {
		return s.known
	}
	var slot *fpSlot
	if !x.opt.NoDedup {
		if slot = x.seen.slot(s.fp); slot.id != 0 {
			return slot.id - 1
		}
	}
	if len(x.parent) >= x.opt.MaxStates {
		x.full = true
		return edgeUnstored
	}
	id := x.add(s.from, seg, s.fp, s.owes)
	if slot != nil {
		slot.set(&x.seen, s.fp, id)
	}
	return id
}

// record keeps the first transition that broke each rule: breadth-first,
// the first is on a shortest path.
func (x *search) record(f rule.Finding, from int32, seg []uint32) {
	if _, ok := x.found[f.Rule]; ok {
		return
	}
	x.found[f.Rule] = &hit{from: from, seg: append([]uint32(nil), seg...), f: f}
	x.order = append(x.order, f.Rule)
}

// edgesOf are the successors of an expanded state.
func (x *search) edgesOf(id int32) []int32 { return x.edges[x.edgeLo[id]:x.edgeHi[id]] }
