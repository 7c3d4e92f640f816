package sim

import "github.com/ndissim/ndissim/rule"

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
