package pool

// Holder says who holds a live NBL right now. The pool records it; the
// binding package moves it as NBLs are sent, completed, indicated and returned.
type Holder uint8

const (
	HeldByProtocol      Holder = iota // allocated by the protocol, in its hands
	HeldByNDIS                        // sent and not yet completed
	HeldByMiniport                    // the miniport's own receive NBL, not indicated
	IndicatedToProtocol               // received; the protocol must return it
)

func (h Holder) String() string {
	switch h {
	case HeldByProtocol:
		return "protocol"
	case HeldByNDIS:
		return "NDIS (in flight)"
	case HeldByMiniport:
		return "miniport"
	case IndicatedToProtocol:
		return "protocol (indicated)"
	}
	return "unknown"
}

const none = -1

type poolSlot struct {
	serial  uint32
	freed   bool
	isNBL   bool
	owner   Owner
	nblp    NBLPoolParameters
	nbp     NBPoolParameters
	counter Counters
}

type nblSlot struct {
	serial      uint32 // 0 when free
	pool        uint32
	ctxSize     uint16
	ctxBackfill uint16
	holder      Holder
	source      bool // SourceHandle set to the binding handle
	nbCount     uint16
	firstNB     int32
	lastNB      int32
	pre         int32 // the NB that came with it, linked or not, or none
	nextFree    int32
}

type nbSlot struct {
	serial     uint32 // 0 when free
	pool       uint32 // the NB pool, or the NBL pool for a preallocated NB
	nbl        int32  // the NBL it is linked into, or none
	next       int32  // the next NB of that NBL
	nextFree   int32
	dataOffset uint32
	dataLength uint32
	// retreatBytes is the memory allocating retreats chained at the head of
	// the MDL chain and no advance has released yet, in the NB's offset
	// coordinates: the first retreatBytes bytes of the chain are NDIS's.
	retreatBytes uint32
	mdls         uint16
	retreatMDLs  uint16 // the MDLs of retreatBytes
	prealloc     bool   // came with its NBL; freed only with it
}

// Tracker holds every pool and structure of one simulated driver and checks
// each call against the NDIS rules. It is not safe for concurrent use: the
// simulator runs each binding on one goroutine.
type Tracker struct {
	maa    uint32
	faults Faults
	serial uint32
	slotTables
	freeNBL int32
	freeNB  int32
	live    [3]liveCount // by Owner

	retreatAllocations uint64

	inc incremental // the explorer's fingerprint sums (incremental.go)
}

type liveCount struct{ pools, nbls, nbs int }

// slotTables are the tracker's pools, NBLs and NBs by slot, as a tracker
// and its snapshots hold them.
type slotTables struct {
	pools []poolSlot
	nbls  []nblSlot
	nbs   []nbSlot
}

// NewTracker returns an empty tracker for a stack whose
// MEMORY_ALLOCATION_ALIGNMENT is maa (16 on 64-bit Windows, 8 on 32-bit).
func NewTracker(maa uint32) *Tracker {
	t := &Tracker{}
	t.ResetMAA(maa)
	return t
}

// Reset forgets every pool and structure but keeps the memory, so that the
// simulator can reuse one tracker for many runs without allocating.
func (t *Tracker) Reset() { t.ResetMAA(t.maa) }

// ResetMAA is Reset for a stack with another alignment.
func (t *Tracker) ResetMAA(maa uint32) {
	t.maa = maa
	t.serial = 0
	t.pools = t.pools[:0]
	t.nbls = t.nbls[:0]
	t.nbs = t.nbs[:0]
	t.freeNBL, t.freeNB = none, none
	t.live = [3]liveCount{}
	t.retreatAllocations = 0
	t.rebase(nil, [tables]Sum{}, true, false)
}

// SetFaults installs the source of allocation failures (nil: none fail).
func (t *Tracker) SetFaults(f Faults) { t.faults = f }

// MAA is the alignment the tracker checks sizes against.
func (t *Tracker) MAA() uint32 { return t.maa }

// fails asks the fault source whether an allocation fails. Only the
// protocol's allocations can: the faults are the design's to handle, and the
// simulated miniport's own receive buffers stay out of them.
func (t *Tracker) fails(owner Owner, op Op) bool {
	return owner == OwnerProtocol && t.faults != nil && t.faults.FailAllocation(op)
}

func (t *Tracker) next() uint32 {
	t.serial++
	return t.serial
}

func (t *Tracker) newNBL() int32 {
	if i := t.freeNBL; i != none {
		t.freeNBL = t.nbls[i].nextFree
		return i
	}
	t.nbls = append(t.nbls, nblSlot{})
	return int32(len(t.nbls) - 1)
}

func (t *Tracker) newNB() int32 {
	if i := t.freeNB; i != none {
		t.freeNB = t.nbs[i].nextFree
		return i
	}
	t.nbs = append(t.nbs, nbSlot{})
	return int32(len(t.nbs) - 1)
}

func (t *Tracker) aligned(v uint32) bool { return v%t.maa == 0 }
