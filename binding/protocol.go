package binding

import (
	"github.com/ndissim/ndissim/oid"
	"github.com/ndissim/ndissim/pool"
)

// Status is an NDIS_STATUS value.
type Status = oid.Status

// The NDIS_STATUS values a design returns and receives.
const (
	StatusSuccess      = oid.Success
	StatusPending      = oid.Pending
	StatusFailure      = oid.Failure
	StatusNotSupported = oid.NotSupported
	StatusResources    = oid.Resources
)

// Protocol is the design under test: the callbacks an NDIS 6 protocol driver
// registers with NdisRegisterProtocolDriver, plus the two entry points its
// own upper edge gives it (an application's write and a deferred work item).
// Every callback gets the NDIS API of its binding. A callback may return
// StatusPending where NDIS allows it and complete later through NDIS.
type Protocol interface {
	// BindAdapter is ProtocolBindAdapterEx. The design allocates its
	// resources and calls NDIS.OpenAdapter; it returns SUCCESS (the binding
	// is Paused), a failure, or PENDING and later NDIS.CompleteBindAdapter.
	BindAdapter(nd *NDIS, p oid.BindParameters) Status
	// OpenAdapterComplete is ProtocolOpenAdapterCompleteEx, after an
	// NDIS.OpenAdapter that returned PENDING.
	OpenAdapterComplete(nd *NDIS, status Status)
	// NetPnPEvent is ProtocolNetPnPEvent for NetEventPause and NetEventRestart.
	NetPnPEvent(nd *NDIS, ev PnPEvent) Status
	// UnbindAdapter is ProtocolUnbindAdapterEx. The design closes the
	// adapter (NDIS.CloseAdapter), frees everything, and returns SUCCESS or
	// PENDING and later NDIS.CompleteUnbindAdapter.
	UnbindAdapter(nd *NDIS) Status
	// CloseAdapterComplete is ProtocolCloseAdapterCompleteEx.
	CloseAdapterComplete(nd *NDIS)
	// SendNetBufferListsComplete is ProtocolSendNetBufferListsComplete for
	// one NBL; ownership of it returns to the design. It runs at PASSIVE_LEVEL
	// or DISPATCH_LEVEL; flags has SendCompleteDispatchLevel exactly when it
	// runs at DISPATCH_LEVEL.
	SendNetBufferListsComplete(nd *NDIS, nbl pool.NBL, status Status, flags SendCompleteFlags)
	// ReceiveNetBufferLists is ProtocolReceiveNetBufferLists, at PASSIVE_LEVEL
	// or DISPATCH_LEVEL (flags has ReceiveDispatchLevel exactly when at
	// DISPATCH_LEVEL). The slice is only valid during the call. Without
	// ReceiveResources the design owns the NBLs until it returns them with
	// NDIS.ReturnNetBufferLists; with it the design copies what it needs and
	// keeps and returns nothing.
	ReceiveNetBufferLists(nd *NDIS, nbls []pool.NBL, flags ReceiveFlags)
	// OidRequestComplete is ProtocolOidRequestComplete for a request that
	// NDIS.OidRequest answered with PENDING, at PASSIVE_LEVEL or
	// DISPATCH_LEVEL. It may come before NDIS.OidRequest has returned.
	OidRequestComplete(nd *NDIS, req oid.Request, result oid.Result)
	// Write is an application asking the protocol to send bytes of payload
	// (ndisprot's IRP_MJ_WRITE), at PASSIVE_LEVEL. A design may refuse it.
	Write(nd *NDIS, bytes uint32)
	// WorkItem runs deferred work the design has (returning held receives,
	// finishing a pause it pended), as an NDIS I/O work item does: at
	// PASSIVE_LEVEL, on another thread.
	WorkItem(nd *NDIS)
}

// OwnRequestID is the first OID request ID a design should choose for
// itself; NDIS numbers the requests whose ID is 0 below it.
const OwnRequestID = 1 << 20

// PnPKind is the NET_PNP_EVENT code of a PnP event.
type PnPKind uint8

const (
	NetEventPause PnPKind = iota + 1
	NetEventRestart
)

func (k PnPKind) String() string {
	switch k {
	case NetEventPause:
		return "NetEventPause"
	case NetEventRestart:
		return "NetEventRestart"
	}
	return "none"
}

// PnPEvent is the NET_PNP_EVENT_NOTIFICATION of a pause or restart. Restart
// is set for NetEventRestart only. ID tells one notification from another,
// as its address does in a real driver: NdisCompleteNetPnPEvent names the
// event it completes.
type PnPEvent struct {
	ID      uint32
	Kind    PnPKind
	Restart oid.RestartParameters
}

// ReceiveFlags are the NDIS_RECEIVE_FLAGS of an indication.
type ReceiveFlags uint8

const (
	// ReceiveResources is NDIS_RECEIVE_FLAGS_RESOURCES: the miniport is short
	// of resources and takes the NBLs back as soon as the callback returns.
	ReceiveResources ReceiveFlags = 1 << iota
	// ReceiveDispatchLevel is NDIS_RECEIVE_FLAGS_DISPATCH_LEVEL: the callback
	// runs at DISPATCH_LEVEL.
	ReceiveDispatchLevel
)

// SendCompleteFlags are the flags of ProtocolSendNetBufferListsComplete.
type SendCompleteFlags uint8

// SendCompleteDispatchLevel is NDIS_SEND_COMPLETE_FLAGS_DISPATCH_LEVEL.
const SendCompleteDispatchLevel SendCompleteFlags = 1

// SendFlags are the flags a design passes to NdisSendNetBufferLists.
type SendFlags uint8

// SendDispatchLevel is NDIS_SEND_FLAGS_DISPATCH_LEVEL: the caller runs at
// DISPATCH_LEVEL. A caller that does not know its IRQL leaves it clear.
const SendDispatchLevel SendFlags = 1

// ReturnFlags are the flags a design passes to NdisReturnNetBufferLists.
type ReturnFlags uint8

// ReturnDispatchLevel is NDIS_RETURN_FLAGS_DISPATCH_LEVEL.
const ReturnDispatchLevel ReturnFlags = 1

// Decision is a choice NDIS or the miniport makes inside an API call.
type Decision uint8

const (
	DecideOpenPends        Decision = iota + 1 // NdisOpenAdapterEx returns PENDING
	DecideOpenFails                            // the open fails
	DecideClosePends                           // NdisCloseAdapterEx returns PENDING
	DecideOidPends                             // NdisOidRequest returns PENDING
	DecideOidFails                             // the request fails
	DecideSendCompletesNow                     // send-complete is called inside NdisSendNetBufferLists
	DecideSendFails                            // a send completes with a failure status
	DecideDispatch                             // a callback allowed at <= DISPATCH_LEVEL runs at DISPATCH_LEVEL
	DecideOidCompletesNow                      // a pended OID request completes before NdisOidRequest returns
)

// Decider answers the Decisions; the simulator draws them from its seed.
type Decider interface {
	Decide(d Decision) bool
}

// Actor is who did something, for traces.
type Actor uint8

const (
	ActorNDIS Actor = iota + 1
	ActorProtocol
	ActorMiniport
	ActorApplication
	ActorFilter
)

func (a Actor) String() string {
	switch a {
	case ActorNDIS:
		return "NDIS"
	case ActorProtocol:
		return "protocol"
	case ActorMiniport:
		return "miniport"
	case ActorApplication:
		return "app"
	case ActorFilter:
		return "filter"
	}
	return "?"
}

// Tracer receives one line per call when a trace is wanted. The binding
// formats nothing when no tracer is installed, so untraced runs stay cheap.
type Tracer interface {
	Trace(actor Actor, text string)
}
