package designkit

import (
	"github.com/ndissim/ndissim/binding"
	"github.com/ndissim/ndissim/pool"
)

// Config is what a design chooses about the skeleton without overriding a
// callback.
type Config struct {
	// NBLPool is the send pool's NdisAllocateNetBufferListPool parameters.
	NBLPool pool.NBLPoolParameters
	// Separate builds a send from NdisAllocateNetBufferList and a linked
	// NdisAllocateNetBuffer NB, from NBPool, instead of the combined call.
	Separate bool
	NBPool   pool.NBPoolParameters // with Separate
	// BakeContext sizes the NBL pool's ContextSize for the stack's context
	// backfill (then every NBL has it preallocated) and rebuilds the pools
	// at a restart whose needs outgrow them.
	BakeContext bool
	// DriverPools makes the pools at the first bind and keeps them for the
	// life of the driver: every later bind uses them and no unbind frees
	// them. Legal, but NDIS cannot tell them from a leak: each unbind draws
	// the warning ResourcesKeptPastUnbind.
	DriverPools bool
	// ContextSize is the protocol's own per-NBL context, asked for at each
	// allocation; Header is its own header, written in front of the payload
	// with NdisRetreatNetBufferDataStart.
	ContextSize uint16
	Header      uint32
	// MaxHeld is how many received NBLs it keeps for reads while Running;
	// 0 keeps none. What it does not keep it returns at once, after copying
	// it into an NBL of ReceivePool when it has one (up to MaxCopies
	// copies, freed by a read).
	MaxHeld     int
	MaxCopies   int
	ReceivePool *pool.NBLPoolParameters
	// HoldForRead keeps a received NBL only for a read that is waiting for
	// one (ReadPending), as the sample driver does: the read takes it, so
	// one NBL at a time (MaxHeld must allow one), and the NBL is returned
	// when the read completes, at the next work item (Read), or at the
	// pause. With no read waiting it is copied (ReceivePool) and returned.
	HoldForRead bool
	// Wait waits inside the callback, as the sample driver does, instead of
	// pending and completing from the work item: an open or close that
	// pends on an event (NdisWaitEvent), a pause by polling its send count
	// (NdisMSleep), an unbind's OID requests on an event.
	Wait bool
	// AfterOpen, when set, runs once the open has completed successfully,
	// before the bind does: where a design queries the adapter.
	AfterOpen func(nd *binding.NDIS)
}

// The defaults: a pointer and a reference count of context per NBL on a
// 64-bit machine, an Ethernet header, four reads' worth of held receives
// and as many copies.
const (
	DefaultContextSize = 16
	DefaultHeader      = 14
	DefaultMaxHeld     = 4
	DefaultMaxCopies   = DefaultMaxHeld
)

// DefaultTag is the pool tag of DefaultConfig: 'Kit '.
const DefaultTag pool.Tag = 'K' | 'i'<<8 | 't'<<16 | ' '<<24

// DefaultConfig is the combined call from a pool with fAllocateNetBuffer,
// pending rather than waiting.
func DefaultConfig() Config {
	return Config{
		NBLPool: pool.NBLPoolParameters{
			ProtocolID: pool.ProtocolIDDefault, ContextSize: DefaultContextSize, AllocateNetBuffer: true, PoolTag: DefaultTag},
		ContextSize: DefaultContextSize, Header: DefaultHeader, MaxHeld: DefaultMaxHeld, MaxCopies: DefaultMaxCopies,
	}
}

// SeparateConfig is an NBL pool without NBs and an NB pool without data:
// the driver links its own NB into each NBL.
func SeparateConfig() Config {
	c := DefaultConfig()
	c.Separate = true
	c.NBLPool.AllocateNetBuffer = false
	c.NBPool = pool.NBPoolParameters{PoolTag: c.NBLPool.PoolTag}
	return c
}

// Protocol is a factory of the skeleton itself with cfg: a correct design
// to check as it is, or to compare a design against.
func Protocol(cfg Config) func() binding.Protocol {
	return func() binding.Protocol {
		b := New(cfg)
		return &b
	}
}
