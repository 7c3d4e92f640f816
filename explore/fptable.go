package explore

// fpTable maps a state's fingerprint to its id: an open-addressing table
// with linear probing. A fingerprint is already a uniform 128-bit value, so
// its first word is the index as it is, and a lookup costs one probe of
// one cache line in most cases, where a map would hash the key again and
// visit a control word as well. Workers read it concurrently; only merge,
// between batches, writes it.
type fpTable struct {
	slots []fpSlot // a power of two of them
	n     int
}

// fpSlot is one entry; id is the state's id + 1, so that 0 is empty.
type fpSlot struct {
	fp [2]uint64
	id int32
}

// get is the id stored for fp, or -1.
func (t *fpTable) get(fp [2]uint64) int32 {
	if len(t.slots) == 0 {
		return -1
	}
	mask := uint64(len(t.slots) - 1)
	for i := fp[0] & mask; ; i = (i + 1) & mask {
		s := &t.slots[i]
		if s.id == 0 {
			return -1
		}
		if s.fp == fp {
			return s.id - 1
		}
	}
}

// put stores id for fp, which is not in the table.
func (t *fpTable) put(fp [2]uint64, id int32) {
	t.slot(fp).set(t, fp, id)
}

// slot is fp's slot: the one that holds it, or the empty one where it
// goes (set stores it there). One probe serves the lookup and the insert.
func (t *fpTable) slot(fp [2]uint64) *fpSlot {
	if 4*(t.n+1) > 3*len(t.slots) { // at most three quarters full
		t.grow()
	}
	mask := uint64(len(t.slots) - 1)
	i := fp[0] & mask
	for s := &t.slots[i]; s.id != 0 && s.fp != fp; s = &t.slots[i] {
		i = (i + 1) & mask
	}
	return &t.slots[i]
}

// set stores id for fp in s, an empty slot that t.slot gave for fp.
func (s *fpSlot) set(t *fpTable, fp [2]uint64, id int32) {
	*s = fpSlot{fp, id + 1}
	t.n++
}

func (t *fpTable) insert(fp [2]uint64, id int32) {
	mask := uint64(len(t.slots) - 1)
	i := fp[0] & mask
	for t.slots[i].id != 0 {
		i = (i + 1) & mask
	}
	t.slots[i] = fpSlot{fp, id}
}

// grow doubles the table and inserts every entry again.
func (t *fpTable) grow() {
	old := t.slots
	t.slots = make([]fpSlot, max(2*len(old), 1<<10))
	for _, s := range old {
		if s.id != 0 {
			t.insert(s.fp, s.id)
		}
	}
}

// fpSet is a set of fingerprints emptied at every batch: which states a
// worker has already copied in the batch. Emptying it is a new epoch, not
// a clear of the table.
type fpSet struct {
	slots []fpMark // a power of two of them
	n     int
	epoch uint32
}

type fpMark struct {
	fp    [2]uint64
	epoch uint32
}

// reset empties the set.
func (s *fpSet) reset() {
	s.epoch++
	s.n = 0
	if s.epoch == 0 { // wrapped: old marks could read as current
		clear(s.slots)
		s.epoch = 1
	}
}

// add adds fp and reports whether it was new.
func (s *fpSet) add(fp [2]uint64) bool {
	if 2*(s.n+1) > len(s.slots) {
		s.grow()
	}
	mask := uint64(len(s.slots) - 1)
	for i := fp[0] & mask; ; i = (i + 1) & mask {
		m := &s.slots[i]
		if m.epoch != s.epoch {
			*m = fpMark{fp, s.epoch}
			s.n++
			return true
		}
		if m.fp == fp {
			return false
		}
	}
}

// grow doubles the table, keeping the current epoch's marks.
func (s *fpSet) grow() {
	old := s.slots
	s.slots = make([]fpMark, max(2*len(old), 1<<10))
	s.n = 0
	for _, m := range old {
		if m.epoch == s.epoch && s.epoch != 0 {
			s.add(m.fp)
		}
	}
}
