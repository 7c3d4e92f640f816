package pool

import "fmt"

// Owner says which driver created a pool. Received NBLs come from the
// miniport's pools; the protocol may return them but never free them.
type Owner uint8

const (
	OwnerProtocol Owner = iota + 1
	OwnerMiniport
)

func (o Owner) String() string {
	switch o {
	case OwnerProtocol:
		return "protocol"
	case OwnerMiniport:
		return "miniport"
	}
	return fmt.Sprintf("Owner(%d)", uint8(o))
}

// Tag is a ULONG pool tag of up to four characters, as in 'Prot'.
type Tag uint32

// MakeTag packs up to four characters into a Tag.
func MakeTag(s string) (Tag, error) {
	if len(s) > 4 {
		return 0, fmt.Errorf("pool tag %q has %d characters, at most 4 fit a ULONG", s, len(s))
	}
	var t Tag
	for i := len(s) - 1; i >= 0; i-- {
		t = t<<8 | Tag(s[i])
	}
	return t, nil
}

func (t Tag) String() string {
	var b []byte
	for v := t; v != 0; v >>= 8 {
		b = append(b, byte(v))
	}
	return string(b)
}

// Protocol IDs of NET_BUFFER_LIST_POOL_PARAMETERS.ProtocolId.
const (
	ProtocolIDDefault uint8 = 0x00
	ProtocolIDTCPIP   uint8 = 0x02
	ProtocolIDIPX     uint8 = 0x06
	ProtocolIDNBF     uint8 = 0x07
)

// NBLPoolParameters mirrors NET_BUFFER_LIST_POOL_PARAMETERS.
type NBLPoolParameters struct {
	ProtocolID        uint8
	ContextSize       uint16 // preallocated context per NBL; a multiple of MAA
	AllocateNetBuffer bool   // fAllocateNetBuffer: each NBL comes with an NB
	DataSize          uint32 // with AllocateNetBuffer: each NB also comes with an MDL and DataSize bytes
	PoolTag           Tag
}

// NBPoolParameters mirrors NET_BUFFER_POOL_PARAMETERS.
type NBPoolParameters struct {
	DataSize uint32 // non-zero: NBs come with data, allocated by NdisAllocateNetBufferMdlAndData
	PoolTag  Tag
}

// Counters are a pool's allocation figures.
type Counters struct {
	Live  uint64 // allocated and not yet freed
	Peak  uint64 // highest Live seen
	Total uint64 // allocations that succeeded
	Freed uint64
	// Failed counts allocations that returned NULL (injected low resources).
	Failed uint64
	// RetreatAllocations counts retreats on this pool's NBs that had to
	// allocate because the unused data space was short.
	RetreatAllocations uint64
}

// Op names an allocation that can be made to fail.
type Op uint8

const (
	OpNBLPool Op = iota + 1
	OpNBPool
	OpNBL      // NdisAllocateNetBufferList
	OpCombined // NdisAllocateNetBufferAndNetBufferList
	OpNB       // NdisAllocateNetBuffer, NdisAllocateNetBufferMdlAndData
	OpRetreat  // the allocation inside NdisRetreatNetBufferDataStart
)

func (o Op) String() string {
	switch o {
	case OpNBLPool:
		return "NdisAllocateNetBufferListPool"
	case OpNBPool:
		return "NdisAllocateNetBufferPool"
	case OpNBL:
		return "NdisAllocateNetBufferList"
	case OpCombined:
		return "NdisAllocateNetBufferAndNetBufferList"
	case OpNB:
		return "NdisAllocateNetBuffer"
	case OpRetreat:
		return "NdisRetreatNetBufferDataStart"
	}
	return fmt.Sprintf("Op(%d)", uint8(o))
}

// Faults decides which allocations fail, as NDIS does under low resources.
// The simulator drives it from its seed; the pool never draws randomness.
type Faults interface {
	FailAllocation(op Op) bool
}
