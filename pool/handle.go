package pool

import "strconv"

// The handles below stand for the pointers NDIS hands out. The zero value is
// NULL, what NDIS returns when an allocation fails. serial is unique per
// allocation within a Tracker, so it names the object in messages and tells a
// stale handle from the slot's current occupant.

// NBLPool is a handle to an NBL pool (NdisAllocateNetBufferListPool).
type NBLPool struct{ slot, serial uint32 }

// NBPool is a handle to an NB pool (NdisAllocateNetBufferPool).
type NBPool struct{ slot, serial uint32 }

// NBL is a handle to a NET_BUFFER_LIST.
type NBL struct{ slot, serial uint32 }

// NB is a handle to a NET_BUFFER.
type NB struct{ slot, serial uint32 }

// IsNull reports whether the handle is NULL.
func (h NBLPool) IsNull() bool { return h.serial == 0 }

// IsNull reports whether the handle is NULL.
func (h NBPool) IsNull() bool { return h.serial == 0 }

// IsNull reports whether the handle is NULL.
func (h NBL) IsNull() bool { return h.serial == 0 }

// IsNull reports whether the handle is NULL.
func (h NB) IsNull() bool { return h.serial == 0 }

// ID is the object's number, unique within its Tracker until Reset.
func (h NBLPool) ID() uint32 { return h.serial }

// ID is the object's number, unique within its Tracker until Reset.
func (h NBPool) ID() uint32 { return h.serial }

// ID is the object's number, unique within its Tracker until Reset.
func (h NBL) ID() uint32 { return h.serial }

// ID is the object's number, unique within its Tracker until Reset.
func (h NB) ID() uint32 { return h.serial }

func (h NBLPool) String() string { return name("NBL pool", h.serial) }
func (h NBPool) String() string  { return name("NB pool", h.serial) }
func (h NBL) String() string     { return name("NBL", h.serial) }
func (h NB) String() string      { return name("NB", h.serial) }

func name(kind string, serial uint32) string {
	if serial == 0 {
		return kind + " NULL"
	}
	return kind + " " + strconv.FormatUint(uint64(serial), 10)
}
