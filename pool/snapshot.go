package pool

import "unsafe"

// Snapshot is a copy of a Tracker's state: every pool, NBL and NB slot, the
// free lists and the counters, with the fingerprint sums of its slots. The
// bounded explorer keeps one with each state it has yet to expand and
// restores it instead of replaying the path from the start. The fault
// source is not part of it: it is the simulator's wiring, not the state.
type Snapshot struct {
	maa, serial     uint32
	freeNBL, freeNB int32
	slotTables
	live      [3]liveCount
	retreats  uint64
	sums      [tables]Sum
	sumsKnown bool
	// gen changes at every write, so that a tracker restored from s knows
	// whether s still holds what it restored.
	gen uint64
}

// Snapshot copies t into s, reusing s's memory.
func (t *Tracker) Snapshot(s *Snapshot) {
	// The sums first: s may be the base they are computed from.
	s.sumsKnown = t.inc.on
	if s.sumsKnown {
		t.inc.ranks = t.PoolRanks(t.inc.ranks)
		s.sums = t.slotSums(t.inc.ranks)
	}
	s.gen++
	s.maa, s.serial, s.freeNBL, s.freeNB = t.maa, t.serial, t.freeNBL, t.freeNB
	s.pools = append(s.pools[:0], t.pools...)
	s.nbls = append(s.nbls[:0], t.nbls...)
	s.nbs = append(s.nbs[:0], t.nbs...)
	s.live, s.retreats = t.live, t.retreatAllocations
}

// Restore makes t the tracker s was taken of, reusing t's memory; s is
// unchanged and may be restored again. Restoring the snapshot restored last
// copies back only the slots changed since.
func (t *Tracker) Restore(s *Snapshot) {
	t.maa, t.serial, t.freeNBL, t.freeNB = s.maa, s.serial, s.freeNBL, s.freeNB
	same := t.restoreTouched(s)
	if !same {
		t.pools = append(t.pools[:0], s.pools...)
		t.nbls = append(t.nbls[:0], s.nbls...)
		t.nbs = append(t.nbs[:0], s.nbs...)
	}
	t.live, t.retreatAllocations = s.live, s.retreats
	t.rebase(s, s.sums, s.sumsKnown, same)
}

// Bytes is the memory s holds, for the explorer's figures.
func (s *Snapshot) Bytes() int {
	return cap(s.pools)*sizePoolSlot + cap(s.nbls)*sizeNBLSlot + cap(s.nbs)*sizeNBSlot
}

var (
	sizePoolSlot = int(unsafe.Sizeof(poolSlot{}))
	sizeNBLSlot  = int(unsafe.Sizeof(nblSlot{}))
	sizeNBSlot   = int(unsafe.Sizeof(nbSlot{}))
)
