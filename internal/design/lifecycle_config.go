package design

import (
	"fmt"
	"slices"
	"strings"

	"github.com/ndissim/ndissim/oid"
)

// The lifecycle settings of the configurable protocol: the `lifecycle:`
// section of a design file and the send and receive choices that go with
// it. Each value is spelled as the file spells it; every setting's default
// is the protocol's behaviour before the section existed, so a file
// without it checks exactly as before.

// Wait is how a callback waits for something that has not happened yet.
type Wait string

const (
	// WaitPend returns NDIS_STATUS_PENDING and completes later, from the
	// work item or the completion handler the setting names.
	WaitPend Wait = "pend"
	// WaitEvent blocks in the callback on an NDIS_EVENT (NdisWaitEvent)
	// that the completion handler sets (NdisSetEvent).
	WaitEvent Wait = "event"
	// WaitSleep polls in the callback, sleeping between polls (NdisMSleep).
	WaitSleep Wait = "sleep"
	// WaitNone does not wait: the callback goes on, or returns SUCCESS, at once.
	WaitNone Wait = "none"
)

// CompleteFrom is where a pended operation is completed.
type CompleteFrom string

const (
	CompleteFromWorkItem     CompleteFrom = "work-item"
	CompleteFromSendComplete CompleteFrom = "send-complete"
	CompleteFromOidComplete  CompleteFrom = "oid-complete"
)

// Request is an OID request the protocol makes at bind or unbind.
type Request string

const (
	// RequestFrameSize queries OID_GEN_MAXIMUM_FRAME_SIZE.
	RequestFrameSize Request = "frame-size"
	// RequestPacketFilter sets OID_GEN_CURRENT_PACKET_FILTER: to directed
	// and broadcast at bind, to 0 at unbind.
	RequestPacketFilter Request = "packet-filter"
	// RequestMulticastList sets OID_802_3_MULTICAST_LIST: an empty list.
	RequestMulticastList Request = "multicast-list"
)

// packetFilterAtBind is NDIS_PACKET_TYPE_DIRECTED | NDIS_PACKET_TYPE_BROADCAST.
const packetFilterAtBind = 0x00000001 | 0x00000008

// request is the NDIS request a setting names, at bind or at unbind.
func (r Request) request(atBind bool) oid.Request {
	switch r {
	case RequestFrameSize:
		return oid.Request{Type: oid.Query, OID: oid.OIDGenMaximumFrameSize}
	case RequestPacketFilter:
		v := uint32(0)
		if atBind {
			v = packetFilterAtBind
		}
		return oid.Request{Type: oid.Set, OID: oid.OIDGenCurrentPacketFilter, Value: v}
	}
	return oid.Request{Type: oid.Set, OID: oid.OID8023MulticastList}
}

// PoolScope is whose the pools are.
type PoolScope string

const (
	// PoolsPerBinding: made at each bind, freed at its unbind.
	PoolsPerBinding PoolScope = "per-binding"
	// PoolsDriver: made at the first bind and kept for the life of the
	// driver (designkit's DriverPools).
	PoolsDriver PoolScope = "driver"
)

// PoolCreation is when the pools are made.
type PoolCreation string

const (
	PoolsAtBind       PoolCreation = "at-bind"
	PoolsAtFirstWrite PoolCreation = "at-first-write"
)

// RequestIDs is who numbers the protocol's OID requests.
type RequestIDs string

const (
	// RequestIDsOwn: the protocol sets RequestId itself before the call
	// (binding.OwnRequestID and up), so it knows a completion that comes
	// before NdisOidRequest has returned.
	RequestIDsOwn RequestIDs = "own"
	// RequestIDsNDIS: it leaves RequestId 0 and learns the number NDIS gave
	// when NdisOidRequest returns.
	RequestIDsNDIS RequestIDs = "ndis"
)

// RebuildFailure is what a restart does when it cannot make its new pools.
type RebuildFailure string

const (
	// RebuildRetry retries from the work item, then runs on the old pools.
	RebuildRetry RebuildFailure = "retry"
	// RebuildFail fails the restart with NDIS_STATUS_RESOURCES.
	RebuildFail RebuildFailure = "fail"
)

// OIDOrder is when the unbind's requests are made, against the close.
type OIDOrder string

const (
	OIDsBeforeClose OIDOrder = "before-close"
	OIDsAfterClose  OIDOrder = "after-close"
)

// FreePools is where the unbind frees the pools.
type FreePools string

const (
	// FreeAfterClose: once the close has completed, in the unbind or in
	// ProtocolCloseAdapterCompleteEx, whichever sees it.
	FreeAfterClose FreePools = "after-close"
	// FreeInCloseComplete: in ProtocolCloseAdapterCompleteEx only.
	FreeInCloseComplete FreePools = "close-complete"
)

// SendFlags is what a send passes to NdisSendNetBufferLists.
type SendFlags string

const (
	SendFlagsNone     SendFlags = "none"
	SendFlagsFromIrql SendFlags = "from-irql" // NDIS_SEND_FLAGS_DISPATCH_LEVEL when it knows it runs there: under its spin lock
	SendFlagsDispatch SendFlags = "dispatch-level"
)

// SendLock is the spin lock that guards the send path.
type SendLock string

const (
	SendLockNone SendLock = "none"
	// SendLockSpin takes the lock around the send count: NdisAcquireSpinLock
	// in a write, NdisDprAcquireSpinLock in a send-complete at DISPATCH_LEVEL.
	SendLockSpin SendLock = "spin"
	// SendLockAcrossSend holds it across NdisSendNetBufferLists too.
	SendLockAcrossSend SendLock = "spin-across-send"
	// SendLockDpr uses NdisDprAcquireSpinLock and NdisDprReleaseSpinLock everywhere.
	SendLockDpr SendLock = "dpr"
)

// SendWhen is the state in which a write may send.
type SendWhen string

const (
	SendWhenRunning   SendWhen = "running"
	SendWhenNotPaused SendWhen = "not-paused" // also while a pause it pended waits
	SendWhenOpen      SendWhen = "open"       // from the end of the bind to the unbind, paused or not
)

// SendFailure is what send-complete does with an NBL whose send failed.
type SendFailure string

const (
	SendFailureFree SendFailure = "free"
	SendFailureKeep SendFailure = "keep" // returns early: the NBL is never freed
)

// ReceiveKeep is what the protocol does with a received NBL while Running.
type ReceiveKeep string

const (
	ReceiveHold   ReceiveKeep = "hold"   // keep it for a read; return it later
	ReceiveCopy   ReceiveKeep = "copy"   // copy it into an NBL of its own receive pool, return it at once
	ReceiveReturn ReceiveKeep = "return" // return it at once
	// ReceiveHoldForRead keeps it only for a read that waits for one, as
	// the sample driver does, and returns it when that read completes;
	// one that no read waits for is copied as with ReceiveCopy.
	ReceiveHoldForRead ReceiveKeep = "hold-for-read"
)

// ReceiveResources is what it does with an indication that carries
// NDIS_RECEIVE_FLAGS_RESOURCES.
type ReceiveResources string

const (
	ResourcesCopy   ReceiveResources = "copy"   // copy what it needs; keep and return nothing
	ResourcesIgnore ReceiveResources = "ignore" // keep or return it like any other
)

// BindConfig is the `lifecycle.bind:` section.
type BindConfig struct {
	Wait         Wait      // pend, event or none: for a pended open and the bind's requests
	Requests     []Request // made once the open has completed
	CompleteFrom CompleteFrom
}

// PauseConfig is the `lifecycle.pause:` section.
type PauseConfig struct {
	Wait         Wait // pend, sleep, event or none
	CompleteFrom CompleteFrom
	GoodbyeSend  bool // one last send from the pause handler
}

// RestartConfig is the `lifecycle.restart:` section.
type RestartConfig struct {
	RebuildFailure RebuildFailure
}

// UnbindConfig is the `lifecycle.unbind:` section.
type UnbindConfig struct {
	Requests  []Request // packet-filter and multicast-list only
	OIDsWait  Wait      // pend, event or none
	OIDsOrder OIDOrder
	CloseFrom CompleteFrom // work-item or oid-complete: who closes once the requests are done
	CloseWait Wait         // pend, event or none: for a close that pends
	FreePools FreePools
}

// LifecycleConfig is the `lifecycle:` section.
type LifecycleConfig struct {
	Pools       PoolScope
	CreatePools PoolCreation
	RequestIDs  RequestIDs
	Bind        BindConfig
	Pause       PauseConfig
	Restart     RestartConfig
	Unbind      UnbindConfig
}

// DefaultLifecycle is the protocol's behaviour without a lifecycle section.
func DefaultLifecycle() LifecycleConfig {
	return LifecycleConfig{
		Pools: PoolsPerBinding, CreatePools: PoolsAtBind, RequestIDs: RequestIDsOwn,
		Bind:    BindConfig{Wait: WaitPend, CompleteFrom: CompleteFromWorkItem},
		Pause:   PauseConfig{Wait: WaitPend, CompleteFrom: CompleteFromWorkItem},
		Restart: RestartConfig{RebuildFailure: RebuildRetry},
		Unbind: UnbindConfig{OIDsWait: WaitPend, OIDsOrder: OIDsBeforeClose, CloseFrom: CompleteFromWorkItem,
			CloseWait: WaitPend, FreePools: FreeAfterClose},
	}
}

// oneOf checks a setting's value against its choices.
func oneOf[T ~string](field string, v T, choices ...T) error {
	if slices.Contains(choices, v) {
		return nil
	}
	names := make([]string, len(choices))
	for i, c := range choices {
		names[i] = string(c)
	}
	return fmt.Errorf("%s: %q is not one of %s", field, v, strings.Join(names, ", "))
}

// requests checks a list of requests: known, each once.
func requests(field string, rs []Request, allowed ...Request) error {
	for i, r := range rs {
		if err := oneOf(fmt.Sprintf("%s[%d]", field, i), r, allowed...); err != nil {
			return err
		}
		if slices.Contains(rs[:i], r) {
			return fmt.Errorf("%s[%d]: %s is already in the list; make each request once", field, i, r)
		}
	}
	return nil
}

// Validate reports the first lifecycle setting that is not one of its choices.
func (l LifecycleConfig) Validate() error {
	const p = "protocol.lifecycle."
	for _, err := range []error{
		oneOf(p+"pools", l.Pools, PoolsPerBinding, PoolsDriver),
		oneOf(p+"create_pools", l.CreatePools, PoolsAtBind, PoolsAtFirstWrite),
		oneOf(p+"request_ids", l.RequestIDs, RequestIDsOwn, RequestIDsNDIS),
		oneOf(p+"bind.wait", l.Bind.Wait, WaitPend, WaitEvent, WaitNone),
		requests(p+"bind.oids", l.Bind.Requests, RequestFrameSize, RequestPacketFilter, RequestMulticastList),
		oneOf(p+"bind.complete_from", l.Bind.CompleteFrom, CompleteFromWorkItem, CompleteFromOidComplete),
		oneOf(p+"pause.wait", l.Pause.Wait, WaitPend, WaitSleep, WaitEvent, WaitNone),
		oneOf(p+"pause.complete_from", l.Pause.CompleteFrom, CompleteFromWorkItem, CompleteFromSendComplete),
		oneOf(p+"restart.rebuild_failure", l.Restart.RebuildFailure, RebuildRetry, RebuildFail),
		requests(p+"unbind.oids", l.Unbind.Requests, RequestPacketFilter, RequestMulticastList),
		oneOf(p+"unbind.oids_wait", l.Unbind.OIDsWait, WaitPend, WaitEvent, WaitNone),
		oneOf(p+"unbind.oids_order", l.Unbind.OIDsOrder, OIDsBeforeClose, OIDsAfterClose),
		oneOf(p+"unbind.close_from", l.Unbind.CloseFrom, CompleteFromWorkItem, CompleteFromOidComplete),
		oneOf(p+"unbind.close_wait", l.Unbind.CloseWait, WaitPend, WaitEvent, WaitNone),
		oneOf(p+"unbind.free_pools", l.Unbind.FreePools, FreeAfterClose, FreeInCloseComplete),
	} {
		if err != nil {
			return err
		}
	}
	return nil
}
