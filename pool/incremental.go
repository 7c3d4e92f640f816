package pool

// The incremental fingerprint of the NBL and NB slots, and the cheap
// restore it makes possible. The explorer restores one state (the base)
// and makes a move from it, many times over, and most slots never change
// in a move. So the tracker keeps the base's sums of slot words and
// notes each slot a move changes (touch, called before any write to a
// slot); the fingerprint is then the base's sums with the touched slots'
// old words taken out and their new words put in, and restoring the same
// base again copies back only the touched slots.
//
// The pool slots are few and are hashed in full each time; freeing a pool
// changes the ranks by which NBL and NB slots name their pools, so it makes
// the sums unknown until the next restore: the fingerprint then hashes
// every slot.

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
	sums    [2]Sum // NBL and NB slots of the base
	// touched lists the slots changed since the base, once each: a slot
	// is in the list when its mark is the epoch.
	touched [2][]int32
	marks   [2][]uint32
	epoch   uint32
	// old memoizes the words of the base's slots, which every move from
	// the base takes out again: old[k][i] holds when oldMarks[k][i] is
	// baseEpoch, which changes with the base.
	old       [2][]Sum
	oldMarks  [2][]uint32
	baseEpoch uint32
	// cur are the sums now, when curOK (no slot written since).
	cur   [2]Sum
	curOK bool
	ranks []int32 // scratch for the pool ranks
}

// Slot tables, as the incremental bookkeeping indexes them.
const (
	tableNBL = 0
	tableNB  = 1
)

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
func (t *Tracker) touch(k int, i int32) {
	inc := &t.inc
	if !inc.on {
		return
	}
	inc.curOK = false
	m := inc.marks[k]
	if int(i) >= len(m) {
		m = append(m, make([]uint32, int(i)+1-len(m))...)
		inc.marks[k] = m
	}
	if m[i] != inc.epoch {
		m[i] = inc.epoch
		inc.touched[k] = append(inc.touched[k], i)
	}
}

func (t *Tracker) touchNBL(i int32) { t.touch(tableNBL, i) }
func (t *Tracker) touchNB(i int32)  { t.touch(tableNB, i) }

// rebase starts a new base: s (nil for the empty tracker) with its sums;
// same says it is the base restored last, whose memo still holds.
func (t *Tracker) rebase(s *Snapshot, sums [2]Sum, known, same bool) {
	inc := &t.inc
	inc.base, inc.sums, inc.known = s, sums, known && inc.on
	inc.cur, inc.curOK = sums, inc.known
	if s != nil {
		inc.baseGen = s.gen
	}
	if !same {
		inc.baseEpoch++
		if inc.baseEpoch == 0 {
			clear(inc.oldMarks[tableNBL])
			clear(inc.oldMarks[tableNB])
			inc.baseEpoch = 1
		}
	}
	inc.touched[tableNBL] = inc.touched[tableNBL][:0]
	inc.touched[tableNB] = inc.touched[tableNB][:0]
	inc.epoch++
	if inc.epoch == 0 { // wrapped: old marks could read as current
		clear(inc.marks[tableNBL])
		clear(inc.marks[tableNB])
		inc.epoch = 1
	}
}

// forget makes the sums unknown until the next restore (a pool was freed:
// the ranks in the slots' words changed).
func (t *Tracker) forget() { t.inc.known, t.inc.curOK = false, false }

// slotSums are the sums of the NBL and NB slots' words now.
func (t *Tracker) slotSums(ranks []int32) [2]Sum {
	inc := &t.inc
	if !inc.known || (inc.base != nil && inc.base.gen != inc.baseGen) {
		return t.fullSums(ranks)
	}
	if inc.curOK {
		return inc.cur
	}
	sums := inc.sums
	for _, i := range inc.touched[tableNBL] {
		if b := inc.base; b != nil && int(i) < len(b.nbls) {
			sums[tableNBL].Minus(t.oldWords(tableNBL, i, ranks))
		}
		if int(i) < len(t.nbls) {
			sums[tableNBL].Plus(nblWords(&t.nbls[i], i, ranks))
		}
	}
	for _, i := range inc.touched[tableNB] {
		if b := inc.base; b != nil && int(i) < len(b.nbs) {
			sums[tableNB].Minus(t.oldWords(tableNB, i, ranks))
		}
		if int(i) < len(t.nbs) {
			sums[tableNB].Plus(nbWords(&t.nbs[i], i, ranks))
		}
	}
	inc.cur, inc.curOK = sums, true
	return sums
}

// oldWords are the words of slot i of table k in the base, memoized.
func (t *Tracker) oldWords(k int, i int32, ranks []int32) Sum {
	inc := &t.inc
	m := inc.oldMarks[k]
	if int(i) >= len(m) {
		m = append(m, make([]uint32, int(i)+1-len(m))...)
		inc.oldMarks[k] = m
		inc.old[k] = append(inc.old[k], make([]Sum, len(m)-len(inc.old[k]))...)
	}
	if m[i] == inc.baseEpoch {
		return inc.old[k][i]
	}
	var w Sum
	if k == tableNBL {
		w = nblWords(&inc.base.nbls[i], i, ranks)
	} else {
		w = nbWords(&inc.base.nbs[i], i, ranks)
	}
	m[i], inc.old[k][i] = inc.baseEpoch, w
	return w
}

// fullSums hashes every slot: the reference the incremental sums must
// equal, and what a fingerprint does while they are unknown.
func (t *Tracker) fullSums(ranks []int32) [2]Sum {
	var sums [2]Sum
	for i := range t.nbls {
		sums[tableNBL].Plus(nblWords(&t.nbls[i], int32(i), ranks))
	}
	for i := range t.nbs {
		sums[tableNB].Plus(nbWords(&t.nbs[i], int32(i), ranks))
	}
	return sums
}

// restoreTouched makes the slot tables s's by copying back only the slots
// touched since s was restored last, and reports false when it cannot
// (another base, or no bookkeeping): the caller copies every slot.
func (t *Tracker) restoreTouched(s *Snapshot) bool {
	inc := &t.inc
	if !inc.on || inc.base != s || inc.baseGen != s.gen || len(t.nbls) < len(s.nbls) || len(t.nbs) < len(s.nbs) {
		return false
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
	t.nbls, t.nbs = t.nbls[:len(s.nbls)], t.nbs[:len(s.nbs)]
	return true
}
