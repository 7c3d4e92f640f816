package oid

import "fmt"

// OID is an NDIS object identifier.
type OID uint32

const (
	OIDGenMaximumFrameSize    OID = 0x00010106
	OIDGenCurrentPacketFilter OID = 0x0001010E
	// OIDGenMiniportRestartAttributes names an entry of the restart
	// attribute list; it is not valid for query or set, so a request for it
	// fails with NotSupported.
	OIDGenMiniportRestartAttributes OID = 0x0001021D
	// OID8023MulticastList is the Ethernet multicast address list. A set's
	// Value is the number of addresses; a protocol clears the list (0)
	// before it closes the adapter.
	OID8023MulticastList OID = 0x01010103
	// OIDBackfillRequirements is ndissim's own, vendor-range OID for
	// querying the stack's needs; real NDIS has none (see the package doc).
	OIDBackfillRequirements OID = 0xFF0D1501
)

var oidNames = map[OID]string{
	OIDGenMaximumFrameSize:          "OID_GEN_MAXIMUM_FRAME_SIZE",
	OIDGenCurrentPacketFilter:       "OID_GEN_CURRENT_PACKET_FILTER",
	OIDGenMiniportRestartAttributes: "OID_GEN_MINIPORT_RESTART_ATTRIBUTES",
	OIDBackfillRequirements:         "OID_NDISSIM_BACKFILL_REQUIREMENTS",
	OID8023MulticastList:            "OID_802_3_MULTICAST_LIST",
}

// String gives the ntddndis.h name, or the value in hex for an OID ndissim
// does not know, as a driver author would see it in a debugger.
func (o OID) String() string {
	if name, ok := oidNames[o]; ok {
		return name
	}
	return fmt.Sprintf("0x%08X", uint32(o))
}

// RequestType is NDIS_REQUEST_TYPE restricted to what ndissim models.
type RequestType uint8

const (
	Query RequestType = iota + 1 // NdisRequestQueryInformation
	Set                          // NdisRequestSetInformation
)

func (t RequestType) String() string {
	switch t {
	case Query:
		return "query"
	case Set:
		return "set"
	}
	return fmt.Sprintf("RequestType(%d)", uint8(t))
}

// Request is one NDIS_OID_REQUEST. ID is chosen by whoever issues it, so
// completions and findings can name the request.
type Request struct {
	ID    uint32
	Type  RequestType
	OID   OID
	Value uint32 // the value a set writes
}

// String is "query OID_NDISSIM_BACKFILL_REQUIREMENTS #3".
func (r Request) String() string {
	return fmt.Sprintf("%s %s #%d", r.Type, r.OID, r.ID)
}

// Status is the NDIS_STATUS a request completes with.
type Status uint8

const (
	Success      Status = iota + 1 // NDIS_STATUS_SUCCESS
	Pending                        // NDIS_STATUS_PENDING: the miniport completes it later
	Failure                        // NDIS_STATUS_FAILURE
	NotSupported                   // NDIS_STATUS_NOT_SUPPORTED
	Resources                      // NDIS_STATUS_RESOURCES: injected by the simulator
)

var statusNames = [...]string{
	Success:      "SUCCESS",
	Pending:      "PENDING",
	Failure:      "FAILURE",
	NotSupported: "NOT_SUPPORTED",
	Resources:    "RESOURCES",
}

func (s Status) String() string {
	if s >= Success && int(s) < len(statusNames) {
		return statusNames[s]
	}
	return fmt.Sprintf("Status(%d)", uint8(s))
}

// Result is what a carried-out request returns. Needs is set only for
// OIDBackfillRequirements and Value only for queries that return a ULONG.
type Result struct {
	Status Status
	Needs  Needs
	Value  uint32
}

// Answer carries the request out against the stack as the miniport and
// filters below the protocol would. It never pends or runs out of
// resources: the simulator decides those before it calls Answer. A request
// of neither type fails, as NDIS rejects an invalid NDIS_REQUEST_TYPE.
func (s *Stack) Answer(r Request) Result {
	switch r.Type {
	case Query:
		return s.query(r.OID)
	case Set:
		return s.set(r.OID, r.Value)
	}
	return Result{Status: Failure}
}

func (s *Stack) query(o OID) Result {
	switch o {
	case OIDBackfillRequirements:
		return Result{Status: Success, Needs: s.Needs()}
	case OIDGenMaximumFrameSize:
		return Result{Status: Success, Value: MaxFrameSize}
	case OIDGenCurrentPacketFilter:
		return Result{Status: Success, Value: s.packetFilter}
	}
	return Result{Status: NotSupported}
}

// set accepts the packet filter and the multicast list (whose addresses
// the model does not keep: nothing reads them back); the other known OIDs
// are query-only.
func (s *Stack) set(o OID, v uint32) Result {
	switch o {
	case OIDGenCurrentPacketFilter:
		s.packetFilter = v
	case OID8023MulticastList:
	default:
		return Result{Status: NotSupported}
	}
	return Result{Status: Success}
}
