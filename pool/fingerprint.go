package pool

// State fingerprints for the bounded explorer. A fingerprint must say the
// same for two trackers that behave the same from here on, and differ
// otherwise. So it leaves out what only names things or counts history:
// serial numbers, and the counters that only ever grow. A handle is written
// as what a call with it would find: NULL, the object in a slot, or a stale
// handle (freed); pools, whose slots are never reused, by their rank among
// the live pools, so that a rebuilt pool hashes as the one it replaces.

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

// Fingerprint is the tracker's share of a state's fingerprint: every live
// pool by its rank, the slot tables' lengths and free-list heads, and
// their slots, whose sums it keeps as moves change them (incremental.go).
// A free slot's word is the next slot on its free list, so the sums with
// the heads say the order of the free lists, which decides which slot the
// next allocation takes.
func (t *Tracker) Fingerprint(ranks []int32) Sum {
	var s Sum
	s.Pair(headPlace, uint64(len(t.nbls))<<32|uint64(uint32(t.freeNBL)), uint64(len(t.nbs))<<32|uint64(uint32(t.freeNB)))
	s.Pair(headPlace+1, uint64(t.maa), 0)
	for _, sum := range t.slotSums(ranks) {
		s.Plus(sum)
	}
	return s
}

// headPlace is the place of the tracker's pairs beside its slots' (two).
const headPlace = CountPlace + 1

// poolWords are a live pool's words, placed by its rank among the live
// pools (whose slots are never reused), so that a rebuilt pool hashes as
// the one it replaces; a freed pool has none.
func poolWords(p *poolSlot, rank int32) Sum {
	var s Sum
	if p.freed {
		return s
	}
	at := slotPlace(tablePool, rank)
	s.Pair(at, uint64(p.owner)<<1|b2u(p.isNBL),
		uint64(p.nblp.ContextSize)<<48|uint64(p.nblp.DataSize)<<16|uint64(p.nblp.ProtocolID)<<8|b2u(p.nblp.AllocateNetBuffer))
	s.Pair(at|1, uint64(p.nbp.DataSize)<<32|uint64(p.nblp.PoolTag), p.counter.Live)
	return s
}

// slotPlace is the place of the first pair of slot i of a table: above
// the sequences' places and the header's, apart from every other slot's
// and table's, with room for 16 pairs.
func slotPlace(table int, i int32) uint64 {
	return 1<<41 + (uint64(uint32(i))*tables+uint64(table)+1)<<4
}

// freePlace is the pair of a free slot: no live slot has it.
const freePlace = 15

// nblWords are an NBL slot's words: what a call with its handle finds (its
// pool by rank, sizes, holder, chain), or, free, its place on the free
// list. The serial number only names it and is left out.
func nblWords(l *nblSlot, i int32, ranks []int32) Sum {
	var s Sum
	p := slotPlace(tableNBL, i)
	if l.serial == 0 {
		s.Pair(p|freePlace, uint64(uint32(l.nextFree)), 0)
		return s
	}
	s.Pair(p, uint64(uint32(rankOf(ranks, l.pool)))<<32|uint64(l.ctxSize)<<16|uint64(l.ctxBackfill),
		uint64(l.holder)<<56|b2u(l.source)<<48|uint64(l.nbCount)<<32|uint64(uint32(l.pre)))
	s.Pair(p|1, uint64(uint32(l.firstNB))<<32|uint64(uint32(l.lastNB)), 0)
	return s
}

// nbWords are an NB slot's words, as nblWords.
func nbWords(b *nbSlot, i int32, ranks []int32) Sum {
	var s Sum
	p := slotPlace(tableNB, i)
	if b.serial == 0 {
		s.Pair(p|freePlace, uint64(uint32(b.nextFree)), 0)
		return s
	}
	s.Pair(p, uint64(uint32(rankOf(ranks, b.pool)))<<32|uint64(uint32(b.nbl)),
		uint64(uint32(b.next))<<32|uint64(b.dataOffset))
	s.Pair(p|1, uint64(b.dataLength)<<32|uint64(b.retreatBytes),
		uint64(b.mdls)<<32|uint64(b.retreatMDLs)<<16|b2u(b.prealloc))
	return s
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
