package pool

import "github.com/ndissim/ndissim/rule"

// Retreat is what NdisRetreatNetBufferDataStart did.
type Retreat uint8

const (
	// RetreatInPlace: the unused data space (DataOffset) covered the delta.
	RetreatInPlace Retreat = iota + 1
	// RetreatAllocated: the space was short, so NDIS allocated a new MDL of
	// delta plus the requested DataBackFill at the head of the chain. Each
	// of these is a cost a sender avoids by preallocating backfill.
	RetreatAllocated
	// RetreatFailed: that allocation failed (NDIS_STATUS_RESOURCES); the NB
	// is unchanged.
	RetreatFailed
)

func (r Retreat) String() string {
	switch r {
	case RetreatInPlace:
		return "in place"
	case RetreatAllocated:
		return "allocated"
	case RetreatFailed:
		return "failed"
	}
	return "unknown"
}

// RetreatDataStart models NdisRetreatNetBufferDataStart. A delta equal to
// DataOffset is taken as fitting in place. When the unused data space is
// short, NDIS chains a new MDL of delta plus dataBackfill bytes at the head
// of the chain; that memory is NDIS's and stays attached to the NB until an
// advance with FreeMdl TRUE leaves it (AdvanceDataStart).
func (t *Tracker) RetreatDataStart(b NB, delta, dataBackfill uint32) (Retreat, error) {
	bi, err := t.nb(b, "NdisRetreatNetBufferDataStart", false)
	if err != nil {
		return RetreatFailed, err
	}
	t.touchNB(bi)
	nb := &t.nbs[bi]
	if delta <= nb.dataOffset {
		nb.dataOffset -= delta
		nb.dataLength += delta
		return RetreatInPlace, nil
	}
	if t.fails(t.pools[nb.pool].owner, OpRetreat) {
		return RetreatFailed, nil
	}
	t.chainRetreatMDL(nb, delta+dataBackfill)
	nb.dataOffset = dataBackfill
	nb.dataLength += delta
	t.touchPool(nb.pool)
	t.pools[nb.pool].counter.RetreatAllocations++
	t.retreatAllocations++
	return RetreatAllocated, nil
}

// chainRetreatMDL puts a new MDL of size bytes at the head of nb's chain.
// The unused space in front of the old data start is skipped, so only the
// part of earlier retreat memory that holds data stays in the chain ahead of
// the old data; earlier retreat memory that held none falls out of the chain
// and is NDIS's to reuse or free, not the NB's.
func (t *Tracker) chainRetreatMDL(nb *nbSlot, size uint32) {
	if nb.retreatBytes > nb.dataOffset {
		nb.retreatBytes -= nb.dataOffset
	} else {
		nb.mdls -= nb.retreatMDLs
		nb.retreatBytes, nb.retreatMDLs = 0, 0
	}
	nb.retreatBytes += size
	nb.retreatMDLs++
	nb.mdls++
}

// AdvanceDataStart models NdisAdvanceNetBufferDataStart: the data start
// moves delta bytes on, the space behind it becomes unused. With freeMdl,
// retreat memory the new data start has left behind is released (the whole
// of it once the start is past it all; MDLs of stacked retreats are not told
// apart, which changes MDL counts, never a finding). Without freeMdl NDIS
// keeps those MDLs for the next retreat, which then fits in place.
func (t *Tracker) AdvanceDataStart(b NB, delta uint32, freeMdl bool) error {
	bi, err := t.nb(b, "NdisAdvanceNetBufferDataStart", false)
	if err != nil {
		return err
	}
	t.touchNB(bi)
	nb := &t.nbs[bi]
	if delta > nb.dataLength {
		return finding(rule.NetBufferDataRange, []string{b.String()},
			"NdisAdvanceNetBufferDataStart on %s by %d bytes, past its %d bytes of data", b, delta, nb.dataLength)
	}
	nb.dataOffset += delta
	nb.dataLength -= delta
	if freeMdl && nb.retreatBytes > 0 && nb.dataOffset >= nb.retreatBytes {
		nb.dataOffset -= nb.retreatBytes
		nb.mdls -= nb.retreatMDLs
		nb.retreatBytes, nb.retreatMDLs = 0, 0
	}
	return nil
}
