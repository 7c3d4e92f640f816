package pool

// State fingerprints for the bounded explorer. A fingerprint must say the
// same for two trackers that behave the same from here on, and differ
// otherwise. So it leaves out what only names things or counts history:
// serial numbers, and the counters that only ever grow. A handle is written
// as what a call with it would find: NULL, the object in a slot, or a stale
// handle (freed); pools, whose slots are never reused, by their rank among
// the live pools, so that a rebuilt pool hashes as the one it replaces.

// WordWriter takes the words of a fingerprint.
type WordWriter interface{ Word(v uint64) }

// HandleKind says which table a raw handle refers to.
type HandleKind uint8

const (
	KindNBL HandleKind = iota + 1
	KindNB
	KindNBLPool
	KindNBPool
)

// Handle keys: the low two bits say NULL, live or stale; a live object's
// slot (or pool rank) is above them.
const (
	keyNull  = 0
	keyLive  = 1
	keyStale = 2
)

// PoolRanks fills ranks (reused) with each pool slot's rank among the live
// pools, -1 for a freed one.
func (t *Tracker) PoolRanks(ranks []int32) []int32 {
	ranks = ranks[:0]
	n := int32(0)
	for i := range t.pools {
		if t.pools[i].freed {
			ranks = append(ranks, -1)
			continue
		}
		ranks = append(ranks, n)
		n++
	}
	return ranks
}

// HandleKey is the key of a raw handle (slot, serial) of kind k; ranks
// comes from PoolRanks. Handles are read raw so that a generic walk of a
// design's state, which sees only their fields, can key them too.
func (t *Tracker) HandleKey(k HandleKind, slot, serial uint32, ranks []int32) uint64 {
	if serial == 0 {
		return keyNull
	}
	live := false
	switch k {
	case KindNBL:
		live = int(slot) < len(t.nbls) && t.nbls[slot].serial == serial
	case KindNB:
		live = int(slot) < len(t.nbs) && t.nbs[slot].serial == serial
	case KindNBLPool, KindNBPool:
		live = int(slot) < len(t.pools) && t.pools[slot].serial == serial &&
			t.pools[slot].isNBL == (k == KindNBLPool) && !t.pools[slot].freed
		if live && int(slot) < len(ranks) {
			slot = uint32(ranks[slot])
		}
	}
	if !live {
		return keyStale
	}
	return uint64(slot)<<2 | keyLive
}

// Raw returns a handle's fields, for HandleKey.
func (h NBL) Raw() (slot, serial uint32)     { return h.slot, h.serial }
func (h NB) Raw() (slot, serial uint32)      { return h.slot, h.serial }
func (h NBLPool) Raw() (slot, serial uint32) { return h.slot, h.serial }
func (h NBPool) Raw() (slot, serial uint32)  { return h.slot, h.serial }

// Fingerprint writes every live pool, NBL and NB and the free lists, whose
// order decides which slot the next allocation takes.
func (t *Tracker) Fingerprint(w WordWriter, ranks []int32) {
	w.Word(uint64(t.maa))
	for i := range t.pools {
		p := &t.pools[i]
		if p.freed {
			continue
		}
		w.Word(uint64(ranks[i])<<8 | uint64(p.owner)<<1 | b2u(p.isNBL))
		w.Word(uint64(p.nblp.ContextSize)<<48 | uint64(p.nblp.DataSize)<<16 | uint64(p.nblp.ProtocolID)<<8 | b2u(p.nblp.AllocateNetBuffer))
		w.Word(uint64(p.nbp.DataSize)<<32 | uint64(p.nblp.PoolTag))
		w.Word(p.counter.Live)
	}
	w.Word(uint64(len(t.nbls)))
	for i := range t.nbls {
		l := &t.nbls[i]
		if l.serial == 0 {
			w.Word(0)
			continue
		}
		w.Word(uint64(rankOf(ranks, l.pool))<<32 | uint64(l.ctxSize)<<16 | uint64(l.ctxBackfill))
		w.Word(uint64(l.holder)<<48 | b2u(l.source)<<40 | uint64(l.nbCount)<<24)
		w.Word(uint64(uint32(l.firstNB))<<32 | uint64(uint32(l.lastNB)))
		w.Word(uint64(uint32(l.pre)))
	}
	for i := t.freeNBL; i != none; i = t.nbls[i].nextFree {
		w.Word(uint64(i))
	}
	w.Word(uint64(len(t.nbs)))
	for i := range t.nbs {
		b := &t.nbs[i]
		if b.serial == 0 {
			w.Word(0)
			continue
		}
		w.Word(uint64(rankOf(ranks, b.pool))<<32 | uint64(uint32(b.nbl)))
		w.Word(uint64(uint32(b.next))<<32 | uint64(b.dataOffset))
		w.Word(uint64(b.dataLength)<<32 | uint64(b.retreatBytes))
		w.Word(uint64(b.mdls)<<32 | uint64(b.retreatMDLs)<<16 | b2u(b.prealloc))
	}
	for i := t.freeNB; i != none; i = t.nbs[i].nextFree {
		w.Word(uint64(i))
	}
}

func rankOf(ranks []int32, slot uint32) int32 {
	if int(slot) < len(ranks) {
		return ranks[slot]
	}
	return -1
}

func b2u(b bool) uint64 {
	if b {
		return 1
	}
	return 0
}
