package design

import (
	"fmt"

	"github.com/ndissim/ndissim/oid"
)

// Requirements is how the configurable protocol learns the stack's backfill
// and context needs.
type Requirements string

const (
	// RequirementsAttributes: from the bind parameters, then from each
	// restart's attributes (a NULL list keeps what it knew).
	RequirementsAttributes Requirements = "attributes"
	// RequirementsOID: by querying OID_NDISSIM_BACKFILL_REQUIREMENTS when the
	// open has completed and at every restart.
	RequirementsOID Requirements = "oid"
	// RequirementsFixed: never asks; uses Config.Fixed.
	RequirementsFixed Requirements = "fixed"
)

// Sizing is where the protocol uses the needs it knows.
type Sizing string

const (
	// SizingAllocation passes the current needs at every allocation.
	SizingAllocation Sizing = "allocation"
	// SizingPool bakes the needs known when the pool was created into it.
	SizingPool Sizing = "pool"
)

// Rebuild is when the protocol frees and recreates its pools at restart.
type Rebuild string

const (
	RebuildWhenGrown Rebuild = "when-grown"
	RebuildAlways    Rebuild = "always"
	RebuildNever     Rebuild = "never"
)

// SendAPI is how the protocol builds a send.
type SendAPI string

const (
	// SendCombined uses NdisAllocateNetBufferAndNetBufferList.
	SendCombined SendAPI = "combined"
	// SendSeparate allocates an NBL and NetBuffers NBs and links them.
	SendSeparate SendAPI = "separate"
)

// NBLPoolConfig is the `nbl_pool:` section.
type NBLPoolConfig struct {
	AllocateNetBuffer bool
	ContextSize       uint16
	DataSize          uint32
	Tag               string
}

// NBPoolConfig is the `nb_pool:` section.
type NBPoolConfig struct {
	DataSize uint32
}

// SendConfig is the `send:` section.
type SendConfig struct {
	API          SendAPI
	NetBuffers   int    // NBs per NBL with SendSeparate
	Header       uint32 // the protocol's own header bytes
	SourceHandle bool   // set NET_BUFFER_LIST->SourceHandle before each send
	Flags        SendFlags
	Lock         SendLock
	When         SendWhen
	OnFailure    SendFailure
}

// ReceiveConfig is the `receive:` section.
type ReceiveConfig struct {
	Hold bool // keep received NBLs until a work item returns them
	// Keep, when set, says what happens to a received NBL and overrides
	// Hold; empty is Hold's choice (hold or return).
	Keep      ReceiveKeep
	Resources ReceiveResources
}

// keep is what the protocol does with a received NBL while Running.
func (r ReceiveConfig) keep() ReceiveKeep {
	switch {
	case r.Keep != "":
		return r.Keep
	case r.Hold:
		return ReceiveHold
	}
	return ReceiveReturn
}

// Config is the design of the configurable protocol: the `protocol:` section
// of a design file.
type Config struct {
	Requirements Requirements
	Fixed        oid.Needs
	Sizing       Sizing
	Rebuild      Rebuild
	NBLPool      NBLPoolConfig
	NBPool       *NBPoolConfig // nil: none; required with SendSeparate
	Send         SendConfig
	Receive      ReceiveConfig
	Lifecycle    LifecycleConfig
}

// DefaultConfig is a correct design: needs from the attributes, passed at
// every allocation, pools rebuilt when the stack grows.
func DefaultConfig() Config {
	return Config{
		Requirements: RequirementsAttributes,
		Sizing:       SizingAllocation,
		Rebuild:      RebuildWhenGrown,
		NBLPool:      NBLPoolConfig{AllocateNetBuffer: true, ContextSize: 16, Tag: "Prot"},
		Send: SendConfig{API: SendCombined, NetBuffers: 1, Header: 14, SourceHandle: true,
			Flags: SendFlagsNone, Lock: SendLockNone, When: SendWhenRunning, OnFailure: SendFailureFree},
		Receive:   ReceiveConfig{Hold: true, Resources: ResourcesCopy},
		Lifecycle: DefaultLifecycle(),
	}
}

// Validate reports the first setting that does not describe a design, naming
// its field as a design file spells it. A setting that makes the design break
// rules is valid: those are findings, not input errors.
func (c Config) Validate() error {
	switch c.Requirements {
	case RequirementsAttributes, RequirementsOID, RequirementsFixed:
	default:
		return fmt.Errorf("protocol.requirements: %q is not one of attributes, oid, fixed", c.Requirements)
	}
	switch c.Sizing {
	case SizingAllocation, SizingPool:
	default:
		return fmt.Errorf("protocol.sizing: %q is not one of allocation, pool", c.Sizing)
	}
	switch c.Rebuild {
	case RebuildWhenGrown, RebuildAlways, RebuildNever:
	default:
		return fmt.Errorf("protocol.rebuild: %q is not one of when-grown, always, never", c.Rebuild)
	}
	switch c.Send.API {
	case SendCombined:
	case SendSeparate:
		if c.NBPool == nil {
			return fmt.Errorf("protocol.nb_pool: required when send.api is separate")
		}
		if c.Send.NetBuffers < 1 || c.Send.NetBuffers > 64 {
			return fmt.Errorf("protocol.send.net_buffers: %d is out of range 1..64", c.Send.NetBuffers)
		}
	default:
		return fmt.Errorf("protocol.send.api: %q is not one of combined, separate", c.Send.API)
	}
	for _, err := range []error{
		oneOf("protocol.send.flags", c.Send.Flags, SendFlagsNone, SendFlagsFromIrql, SendFlagsDispatch),
		oneOf("protocol.send.lock", c.Send.Lock, SendLockNone, SendLockSpin, SendLockAcrossSend, SendLockDpr),
		oneOf("protocol.send.when", c.Send.When, SendWhenRunning, SendWhenNotPaused, SendWhenOpen),
		oneOf("protocol.send.on_failure", c.Send.OnFailure, SendFailureFree, SendFailureKeep),
		oneOf("protocol.receive.keep", c.Receive.keep(), ReceiveHold, ReceiveCopy, ReceiveHoldForRead, ReceiveReturn),
		oneOf("protocol.receive.resources", c.Receive.Resources, ResourcesCopy, ResourcesIgnore),
		c.Lifecycle.Validate(),
	} {
		if err != nil {
			return err
		}
	}
	if len(c.NBLPool.Tag) > 4 {
		return fmt.Errorf("protocol.nbl_pool.tag: %q has %d characters; a pool tag is at most 4", c.NBLPool.Tag, len(c.NBLPool.Tag))
	}
	return nil
}
