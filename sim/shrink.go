package sim

import (
	"github.com/ndissim/ndissim/binding"
	"github.com/ndissim/ndissim/rule"
)

// ShrinkBudget bounds the replays one shrink may make.
const ShrinkBudget = 20_000

// Shrink reduces a failing choice stream to a shorter one that still breaks
// rule r: it deletes spans of choices (fewer moves, fewer sends, no faults),
// then lowers single choices toward 0 (the simplest: the first legal move,
// no fault, an earlier pause), until no single deletion or lowering keeps the
// failure, or the budget runs out. It returns the shrunk stream and whether
// it reached that fixpoint.
func (e *Engine) Shrink(stream []uint32, r rule.Name) (shrunk []uint32, minimal bool) {
	return e.shrink(stream, r, ShrinkBudget)
}

func (e *Engine) shrink(stream []uint32, r rule.Name, budget int) ([]uint32, bool) {
	return e.ShrinkFunc(stream, func(res Result) bool { return hasRule(res.Findings, r) }, budget)
}

// ShrinkFunc is Shrink against any judgement of a replayed run: it keeps a
// shorter or simpler stream whenever fails says its replay still fails, and
// makes at most budget replays.
func (e *Engine) ShrinkFunc(stream []uint32, failing func(Result) bool, budget int) ([]uint32, bool) {
	return e.shrinkFunc(stream, failing, budget, nil)
}

// shrinkFunc is ShrinkFunc that also ends, not minimal, once stopped (if
// given) says so; it asks before every replay, so that an interrupted check
// waits for one replay at most.
func (e *Engine) shrinkFunc(stream []uint32, failing func(Result) bool, budget int, stopped func() bool) ([]uint32, bool) {
	s := append([]uint32(nil), stream...)
	halted := false
	fails := func(c []uint32) bool {
		budget--
		if stopped != nil && stopped() {
			budget, halted = 0, true
			return false
		}
		return failing(e.Replay(c, false))
	}
	for budget > 0 {
		progress := false
		for size := max(len(s)/2, 1); size >= 1 && budget > 0; size /= 2 {
			for i := 0; i+size <= len(s) && budget > 0; {
				c := append(append(make([]uint32, 0, len(s)-size), s[:i]...), s[i+size:]...)
				if fails(c) {
					s, progress = c, true
				} else {
					i += max(size/2, 1)
				}
			}
		}
		for i := 0; i < len(s) && budget > 0; i++ {
			for _, v := range lower(s[i]) {
				c := append([]uint32(nil), s...)
				c[i] = v
				if fails(c) {
					s, progress = c, true
					break
				}
			}
		}
		if !progress {
			return s, !halted
		}
	}
	return s, false
}

// lower lists the simpler values to try in place of v.
func lower(v uint32) []uint32 {
	switch v {
	case 0:
		return nil
	case 1:
		return []uint32{0}
	case 2:
		return []uint32{0, 1}
	}
	return []uint32{0, v / 2, v - 1}
}

func hasRule(fs []rule.Finding, r rule.Name) bool {
	for i := range fs {
		if fs[i].Rule == r {
			return true
		}
	}
	return false
}

// ShrinkFast is ShrinkFunc reaching the same kind of fixpoint (no single
// choice can be removed, lowered to 0, halved or lowered by one, and still
// fail) with far fewer replays, for a caller waiting on one failure:
//
//   - a failing replay that stopped before the end of its stream (the
//     observer ended it) is cut to the choices it used;
//   - the stream is first cut to its shortest failing prefix, by bisection;
//   - whole steps are deleted (the choices one move or wait tick drew, as
//     the replay that failed last drew them), in spans of halving numbers
//     of steps, before spans of choices are;
//   - a choice is lowered by bisection between 0 and its value, instead of
//     by one per pass over the stream;
//   - no stream is replayed twice.
//
// The Result failing is given is valid only during the call: its Stream
// and Findings are the engine's own (RunShared), which spares every replay
// their copies. The shrunk run is as short as ShrinkFunc's or shorter, but
// not the same one; Check (the ndissim check command) keeps ShrinkFunc, so
// that its saved traces do not change.
func (e *Engine) ShrinkFast(stream []uint32, failing func(Result) bool, budget int) (shrunk []uint32, minimal bool) {
	sh := &shrinker{e: e, failing: failing, budget: budget, passed: make(map[uint64]struct{})}
	observe := e.observe
	defer func() { e.observe = observe }()
	e.observe = func(b *binding.Binding) error {
		if n := len(sh.next); n == 0 || sh.next[n-1] < e.ch.pos {
			sh.next = append(sh.next, e.ch.pos)
		}
		if observe != nil {
			return observe(b)
		}
		return nil
	}
	return sh.shrink(stream)
}

// shrinker is one ShrinkFast.
type shrinker struct {
	e       *Engine
	failing func(Result) bool
	budget  int
	passed  map[uint64]struct{} // the streams replayed that passed, by hash
	s       []uint32            // the simplest failing stream so far
	used    int                 // the choices the replay of s used
	marks   []int               // where each step of the replay of s ended in s
	next    []int               // the marks of the replay under way
	cand    []uint32            // a candidate, built in place
}

func (sh *shrinker) shrink(stream []uint32) ([]uint32, bool) {
	sh.s = append([]uint32(nil), stream...)
	sh.used = len(sh.s)
	sh.try(append([]uint32(nil), sh.s...)) // where the steps of s end
	for sh.budget > 0 {
		progress := sh.cut()
		progress = sh.deleteSteps() || progress
		progress = sh.deleteSpans() || progress
		progress = sh.lowerAll() || progress
		if !progress {
			return sh.s, sh.budget > 0
		}
	}
	return sh.s, false
}

// try replays c and, if it still fails, makes it the stream to shrink
// further, and reports whether it did. c must not be sh.s.
//
// A stream is replayed once at most: every candidate is shorter than sh.s,
// or as long and lower at one choice, and sh.s only ever gets shorter or
// lower, so a candidate can only repeat one that passed. (A hash collision
// can only make a failing candidate be skipped, never a passing one kept.)
func (sh *shrinker) try(c []uint32) bool {
	h := streamHash(c)
	if _, ok := sh.passed[h]; ok || sh.budget <= 0 {
		return false
	}
	sh.budget--
	sh.e.ch.replayFrom(c)
	sh.next = sh.next[:0]
	if !sh.failing(sh.e.runShared(0, false)) {
		sh.passed[h] = struct{}{}
		return false
	}
	sh.marks, sh.next = sh.next, sh.marks
	// The replay drew choice i as c[i] modulo its range: the values it
	// recorded replay the same run, and are as low or lower.
	sh.used = min(sh.e.ch.pos, len(c))
	copy(c[:sh.used], sh.e.ch.stream[:sh.used])
	sh.s = append(sh.s[:0], c...)
	return true
}

// without is sh.s without the span [i, i+n), in sh.cand.
func (sh *shrinker) without(i, n int) []uint32 {
	sh.cand = append(append(sh.cand[:0], sh.s[:i]...), sh.s[i+n:]...)
	return sh.cand
}

// cut tries the prefix the last failing replay used, then bisects for the
// shortest failing prefix.
func (sh *shrinker) cut() bool {
	progress := false
	if sh.used < len(sh.s) && sh.try(sh.without(sh.used, len(sh.s)-sh.used)) {
		progress = true
	}
	lo := 0 // prefixes shorter than lo are not known to fail; s is
	for lo < len(sh.s) && sh.budget > 0 {
		mid := (lo + len(sh.s)) / 2
		if sh.try(sh.without(mid, len(sh.s)-mid)) {
			progress = true
		} else {
			lo = mid + 1
		}
	}
	return progress
}

// deleteSteps deletes the choices of whole steps, in spans of halving
// numbers of steps.
func (sh *shrinker) deleteSteps() bool {
	progress := false
	for size := max(len(sh.marks)/2, 1); size >= 1 && sh.budget > 0; size /= 2 {
		for k := 0; k+size <= len(sh.marks) && sh.budget > 0; {
			from := 0
			if k > 0 {
				from = sh.marks[k-1]
			}
			to := min(sh.marks[k+size-1], len(sh.s))
			if from < to && sh.try(sh.without(from, to-from)) {
				progress = true // again at k: the steps that followed moved in
			} else {
				k += max(size/2, 1)
			}
		}
	}
	return progress
}

// deleteSpans deletes spans of halving sizes, as ShrinkFunc does.
func (sh *shrinker) deleteSpans() bool {
	progress := false
	for size := max(len(sh.s)/2, 1); size >= 1 && sh.budget > 0; size /= 2 {
		for i := 0; i+size <= len(sh.s) && sh.budget > 0; {
			if sh.try(sh.without(i, size)) {
				progress = true // again at i: what followed moved in
			} else {
				i += max(size/2, 1)
			}
		}
	}
	return progress
}

// lowerAll lowers each choice as far as the failure allows.
func (sh *shrinker) lowerAll() bool {
	progress := false
	for i := 0; i < len(sh.s) && sh.budget > 0; i++ {
		if sh.lower(i) {
			progress = true
		}
	}
	return progress
}

// lower lowers choice i: to 0 if that fails, else by bisection to the least
// value that fails, trying v-1 and v/2 first so that a choice that cannot
// go lower costs three replays.
func (sh *shrinker) lower(i int) bool {
	if sh.s[i] == 0 {
		return false
	}
	with := func(v uint32) bool {
		sh.cand = append(sh.cand[:0], sh.s...)
		sh.cand[i] = v
		return sh.try(sh.cand)
	}
	v := sh.s[i]
	if with(0) {
		return true
	}
	if v == 1 {
		return false
	}
	if !with(v - 1) {
		if v > 2 {
			with(v / 2) // for the fixpoint: ShrinkFunc tries it too
		}
		return sh.s[i] < v
	}
	// v-1 fails, and is now sh.s[i] or lower: bisect between 0, which
	// passes, and it.
	lo := uint32(0)
	for sh.s[i] > lo+1 && sh.budget > 0 {
		if mid := lo + (sh.s[i]-lo)/2; !with(mid) {
			lo = mid
		}
	}
	return true
}

// streamHash is the FNV-1a hash of a stream.
func streamHash(s []uint32) uint64 {
	h := uint64(14695981039346656037)
	for _, v := range s {
		for k := 0; k < 32; k += 8 {
			h ^= uint64(byte(v >> k))
			h *= 1099511628211
		}
	}
	return h ^ uint64(len(s))
}
