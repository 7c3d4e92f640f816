package pool

import "github.com/ndissim/ndissim/internal/rule"

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
// DataOffset is taken as fitting in place.
func (t *Tracker) RetreatDataStart(b NB, delta, dataBackfill uint32) (Retreat, error) {
	bi, err := t.nb(b, "NdisRetreatNetBufferDataStart", false)
	if err != nil {
		return RetreatFailed, err
	}
	nb := &t.nbs[bi]
	if delta <= nb.dataOffset {
		nb.dataOffset -= delta
		nb.dataLength += delta
		return RetreatInPlace, nil
	}
	if t.fails(t.pools[nb.pool].owner, OpRetreat) {
		return RetreatFailed, nil
	}
	nb.mdls++
	nb.dataOffset = dataBackfill
	nb.dataLength += delta
	t.pools[nb.pool].counter.RetreatAllocations++
	t.retreatAllocations++
	return RetreatAllocated, nil
}

// AdvanceDataStart models NdisAdvanceNetBufferDataStart: the data start
// moves delta bytes on, the space behind it becomes unused.
func (t *Tracker) AdvanceDataStart(b NB, delta uint32) error {
	bi, err := t.nb(b, "NdisAdvanceNetBufferDataStart", false)
	if err != nil {
		return err
	}
	nb := &t.nbs[bi]
	if delta > nb.dataLength {
		return finding(rule.NetBufferDataRange, []string{b.String()},
			"NdisAdvanceNetBufferDataStart on %s by %d bytes, past its %d bytes of data", b, delta, nb.dataLength)
	}
	nb.dataOffset += delta
	nb.dataLength -= delta
	return nil
}
