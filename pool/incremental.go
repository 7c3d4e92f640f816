package pool

// The incremental fingerprint of the slot tables, and the cheap restore it
// makes possible. The explorer restores one state (the base) and makes a
// move from it, many times over, and most slots never change in a move. So
// the tracker keeps the base's sums of slot words and notes each slot a
// move changes (touch, called before any write to a slot); the fingerprint
// is then the base's sums with the touched slots' old words taken out and
// their new words put in, and restoring the same base again copies back
// only the touched slots.
//
// Freeing a pool changes the ranks by which pools are placed and NBL and
// NB slots name their pools, so it makes the sums unknown until the next
// restore: the fingerprint then hashes every slot.

// The slot tables, as the incremental bookkeeping indexes them.
const (
	tableNBL = iota
	tableNB
	tablePool
	tables
)

// incremental is the tracker's bookkeeping for it. None of it is the
// state a move depends on; the sums are the state's fingerprint, kept with
// a snapshot so that its restore knows them.
type incremental struct {
	on    bool // the explorer fingerprints this tracker
	known bool // sums are the base's sums
	// base is the snapshot last restored, at its generation then (nil:
	// the empty tracker of Reset).
	base    *Snapshot
	baseGen uint64
	sums    [tables]Sum // of the base
	// touched lists the slots changed since the base, once each: a slot
	// is in the list when its mark is the epoch.
	touched [tables][]int32
	marks   [tables][]uint32
	epoch   uint32
	// old memoizes the words of the base's slots, which every move from
	// the base takes out again: old[k][i] holds when oldMarks[k][i] is
	// baseEpoch, which changes with the base.
	old       [tables][]Sum
	oldMarks  [tables][]uint32
	baseEpoch uint32
	// cur are the sums now, when curOK (no slot written since).
	cur   [tables]Sum
	curOK bool
	ranks []int32 // scratch for the pool ranks
}

// TrackChanges makes the tracker keep the bookkeeping from now on. The
// sums become known at the next Reset or Restore; until then a fingerprint
// hashes every slot.
func (t *Tracker) TrackChanges() {
	if !t.inc.on {
		// Earlier changes were not noted: the current base cannot be
		// restored by its touched slots, nor its sums trusted.
		t.inc.on, t.inc.known, t.inc.base = true, false, nil
		t.inc.baseGen = 0
	}
}

// touch notes that slot i of table k is about to change. It must come
// before the write: a restore of the same base copies back the slots
// listed, and the fingerprint rehashes them.
//
// It is kept out of line so that the touches below, which test first
// whether there is bookkeeping at all, are inlined.
//
//go:noinline
func (t *Tracker) touch(k int, i int32) {
	inc := &t.inc
	inc.curOK = false
	m := grow(&inc.marks[k], i)
	if m[i] != inc.epoch {
		m[i] = inc.epoch
		inc.touched[k] = append(inc.touched[k], i)
	}
}

// The touches test whether the bookkeeping is on before the call, so that
// a tracker that keeps none (check's) pays one predictable branch.
func (t *Tracker) touchNBL(i int32) {
	if t.inc.on {
		t.touch(tableNBL, i)
	}
}

func (t *Tracker) touchNB(i int32) {
	if t.inc.on {
		t.touch(tableNB, i)
	}
}

func (t *Tracker) touchPool(i uint32) {
	if t.inc.on {
		t.touch(tablePool, int32(i))
	}
}

// grow makes (*m)[i] exist and returns *m.
func grow[T any](m *[]T, i int32) []T {
	if int(i) >= len(*m) {
		*m = append(*m, make([]T, int(i)+1-len(*m))...)
	}
	return *m
}

// rebase starts a new base: s (nil for the empty tracker) with its sums;
// same says it is the base restored last, whose memo still holds.
func (t *Tracker) rebase(s *Snapshot, sums [tables]Sum, known, same bool) {
	inc := &t.inc
	inc.base, inc.sums, inc.known = s, sums, known && inc.on
	inc.cur, inc.curOK = sums, inc.known
	if s != nil {
		inc.baseGen = s.gen
	}
	if !same {
		inc.baseEpoch = nextEpoch(inc.baseEpoch, &inc.oldMarks)
	}
	for k := range inc.touched {
		inc.touched[k] = inc.touched[k][:0]
	}
	inc.epoch = nextEpoch(inc.epoch, &inc.marks)
}

// nextEpoch is the epoch after e; when it wraps, marks of the old ones
// could read as current, so they are cleared.
func nextEpoch(e uint32, marks *[tables][]uint32) uint32 {
	if e++; e == 0 {
		for k := range marks {
			clear(marks[k])
		}
		e = 1
	}
	return e
}

// forget makes the sums unknown until the next restore (a pool was freed:
// the ranks in the slots' words changed).
func (t *Tracker) forget() { t.inc.known, t.inc.curOK = false, false }

// slotSums are the sums of the slot tables' words now.
func (t *Tracker) slotSums(ranks []int32) [tables]Sum {
	inc := &t.inc
	if !inc.known || (inc.base != nil && inc.base.gen != inc.baseGen) {
		return t.fullSums(ranks)
	}
	if inc.curOK {
		return inc.cur
	}
	sums := inc.sums
	for k := range sums {
		for _, i := range inc.touched[k] {
			if b := inc.base; b != nil && int(i) < b.length(k) {
				sums[k].Minus(t.oldWords(k, i, ranks))
			}
			if int(i) < t.length(k) {
				sums[k].Plus(t.words(k, i, ranks))
			}
		}
	}
	inc.cur, inc.curOK = sums, true
	return sums
}

// oldWords are the words of slot i of table k in the base, memoized.
func (t *Tracker) oldWords(k int, i int32, ranks []int32) Sum {
	inc := &t.inc
	m := grow(&inc.oldMarks[k], i)
	old := grow(&inc.old[k], i)
	if m[i] != inc.baseEpoch {
		m[i], old[i] = inc.baseEpoch, inc.base.words(k, i, ranks)
	}
	return old[i]
}

// fullSums hashes every slot: the reference the incremental sums must
// equal, and what a fingerprint does while they are unknown.
func (t *Tracker) fullSums(ranks []int32) [tables]Sum {
	var sums [tables]Sum
	for k := range sums {
		for i := range t.length(k) {
			sums[k].Plus(t.words(k, int32(i), ranks))
		}
	}
	return sums
}

// length is how many slots table k has.
func (st *slotTables) length(k int) int {
	switch k {
	case tableNBL:
		return len(st.nbls)
	case tableNB:
		return len(st.nbs)
	}
	return len(st.pools)
}

// words are the words of slot i of table k.
func (st *slotTables) words(k int, i int32, ranks []int32) Sum {
	switch k {
	case tableNBL:
		return nblWords(&st.nbls[i], i, ranks)
	case tableNB:
		return nbWords(&st.nbs[i], i, ranks)
	}
	return poolWords(&st.pools[i], ranks[i])
}

// restoreTouched makes the slot tables s's by copying back only the slots
// touched since s was restored last, and reports false when it cannot
// (another base, or no bookkeeping): the caller copies every slot.
func (t *Tracker) restoreTouched(s *Snapshot) bool {
	inc := &t.inc
	if !inc.on || inc.base != s || inc.baseGen != s.gen {
		return false
	}
	for k := range inc.touched {
		if t.length(k) < s.length(k) {
			return false
		}
	}
	for _, i := range inc.touched[tableNBL] {
		if int(i) < len(s.nbls) {
			t.nbls[i] = s.nbls[i]
		}
	}
	for _, i := range inc.touched[tableNB] {
		if int(i) < len(s.nbs) {
			t.nbs[i] = s.nbs[i]
		}
	}
	for _, i := range inc.touched[tablePool] {
		if int(i) < len(s.pools) {
			t.pools[i] = s.pools[i]
		}
	}
	t.nbls, t.nbs, t.pools = t.nbls[:len(s.nbls)], t.nbs[:len(s.nbs)], t.pools[:len(s.pools)]
	return true
}
