package binding

import (
	"fmt"
	"strings"
)

const ddiPages = "https://learn.microsoft.com/windows-hardware/drivers/ddi/"

// CallIrql is one NDIS call a design makes, with the highest IRQL its page
// allows and the DDI compliance rule that checks it.
type CallIrql struct {
	Call string
	// PassiveOnly is set for calls made at PASSIVE_LEVEL only (NdisMSleep:
	// below DISPATCH_LEVEL, the same thing for a protocol); every other
	// call is legal at <= DISPATCH_LEVEL.
	PassiveOnly bool
	Rule        string // the DDI compliance rule, and the bug check where NDIS has one
	Page        string
}

// MaxIrql is the highest IRQL the call is made at.
func (c CallIrql) MaxIrql() string {
	if c.PassiveOnly {
		return "PASSIVE_LEVEL"
	}
	return "<= DISPATCH_LEVEL"
}

// CallbackIrql is one protocol callback with the IRQL NDIS calls it at.
type CallbackIrql struct {
	Callback string
	// MayDispatch is set for callbacks NDIS calls at <= DISPATCH_LEVEL; the
	// simulator draws PASSIVE_LEVEL or DISPATCH_LEVEL from the seed.
	MayDispatch bool
	Flag        string // the flag that says DISPATCH_LEVEL, if the callback has one
	Page        string
}

// Irql is the IRQL the callback runs at, as its page gives it.
func (c CallbackIrql) Irql() string {
	if c.MayDispatch {
		return "<= DISPATCH_LEVEL"
	}
	return "PASSIVE_LEVEL"
}

// CallIrqls is every NDIS call of the simulated API with its IRQL, from
// the req.irql of each DDI page. The PASSIVE-only rows are checked by
// passiveOnly; the binding's tests make every row's call at DISPATCH_LEVEL.
var CallIrqls = []CallIrql{
	{"NdisOpenAdapterEx", true, "Irql_Protocol_Driver_Function", ddiPages + "ndis/nf-ndis-ndisopenadapterex"},
	{"NdisCloseAdapterEx", true, "Irql_Protocol_Driver_Function", ddiPages + "ndis/nf-ndis-ndiscloseadapterex"},
	{"NdisCompleteNetPnPEvent", true, "Irql_Protocol_Driver_Function", ddiPages + "ndis/nf-ndis-ndiscompletenetpnpevent"},
	{"NdisWaitEvent", true, "Irql_Miscellaneous_Function; bug check 0x7C, subcode 0x14", ddiPages + "ndis/nf-ndis-ndiswaitevent"},
	{"NdisMSleep", true, "Irql_Miniport_Driver_Function (< DISPATCH_LEVEL)", ddiPages + "ndis/nf-ndis-ndismsleep"},
	{"NdisCompleteBindAdapterEx", false, "Irql_Protocol_Driver_Function", ddiPages + "ndis/nf-ndis-ndiscompletebindadapterex"},
	{"NdisCompleteUnbindAdapterEx", false, "Irql_Protocol_Driver_Function", ddiPages + "ndis/nf-ndis-ndiscompleteunbindadapterex"},
	{"NdisOidRequest", false, "Irql_OID_Function", ddiPages + "ndis/nf-ndis-ndisoidrequest"},
	{"NdisSendNetBufferLists", false, "Irql_SendRcv_Function", ddiPages + "ndis/nf-ndis-ndissendnetbufferlists"},
	{"NdisReturnNetBufferLists", false, "Irql_SendRcv_Function", ddiPages + "ndis/nf-ndis-ndisreturnnetbufferlists"},
	{"NdisAllocateNetBufferListPool", false, "Irql_NetBuffer_Function", ddiPages + "nblapi/nf-nblapi-ndisallocatenetbufferlistpool"},
	{"NdisFreeNetBufferListPool", false, "Irql_NetBuffer_Function", ddiPages + "nblapi/nf-nblapi-ndisfreenetbufferlistpool"},
	{"NdisAllocateNetBufferPool", false, "Irql_NetBuffer_Function", ddiPages + "nblapi/nf-nblapi-ndisallocatenetbufferpool"},
	{"NdisFreeNetBufferPool", false, "Irql_NetBuffer_Function", ddiPages + "nblapi/nf-nblapi-ndisfreenetbufferpool"},
	{"NdisAllocateNetBufferAndNetBufferList", false, "Irql_NetBuffer_Function", ddiPages + "nblapi/nf-nblapi-ndisallocatenetbufferandnetbufferlist"},
	{"NdisAllocateNetBufferList", false, "Irql_NetBuffer_Function", ddiPages + "nblapi/nf-nblapi-ndisallocatenetbufferlist"},
	{"NdisAllocateNetBuffer", false, "Irql_NetBuffer_Function", ddiPages + "nblapi/nf-nblapi-ndisallocatenetbuffer"},
	{"NdisAllocateNetBufferMdlAndData", false, "Irql_NetBuffer_Function", ddiPages + "nblapi/nf-nblapi-ndisallocatenetbuffermdlanddata"},
	{"NdisFreeNetBuffer", false, "Irql_NetBuffer_Function", ddiPages + "nblapi/nf-nblapi-ndisfreenetbuffer"},
	{"NdisFreeNetBufferList", false, "Irql_NetBuffer_Function", ddiPages + "nblapi/nf-nblapi-ndisfreenetbufferlist"},
	{"NdisRetreatNetBufferDataStart", false, "Irql_NetBuffer_Function", ddiPages + "nblapi/nf-nblapi-ndisretreatnetbufferdatastart"},
	{"NdisAdvanceNetBufferDataStart", false, "Irql_NetBuffer_Function", ddiPages + "nblapi/nf-nblapi-ndisadvancenetbufferdatastart"},
	{"NdisAcquireSpinLock", false, "Irql_Synch_Function; SpinLock", ddiPages + "ndis/nf-ndis-ndisacquirespinlock"},
	{"NdisReleaseSpinLock", false, "Irql_Synch_Function; SpinLockRelease", ddiPages + "ndis/nf-ndis-ndisreleasespinlock"},
	{"NdisSetEvent", false, "Irql_Synch_Function", ddiPages + "ndis/nf-ndis-ndissetevent"},
	{"NdisResetEvent", false, "Irql_Synch_Function", ddiPages + "ndis/nf-ndis-ndisresetevent"},
}

// CallbackIrqls is every protocol callback the simulator calls, with the
// IRQL its page gives ("NDIS calls ... at IRQL = ...").
var CallbackIrqls = []CallbackIrql{
	{"ProtocolBindAdapterEx", false, "", ddiPages + "ndis/nc-ndis-protocol_bind_adapter_ex"},
	{"ProtocolUnbindAdapterEx", false, "", ddiPages + "ndis/nc-ndis-protocol_unbind_adapter_ex"},
	{"ProtocolOpenAdapterCompleteEx", false, "", ddiPages + "ndis/nc-ndis-protocol_open_adapter_complete_ex"},
	{"ProtocolCloseAdapterCompleteEx", false, "", ddiPages + "ndis/nc-ndis-protocol_close_adapter_complete_ex"},
	{"ProtocolNetPnPEvent", false, "", ddiPages + "ndis/nc-ndis-protocol_net_pnp_event"},
	{"ProtocolSendNetBufferListsComplete", true, "NDIS_SEND_COMPLETE_FLAGS_DISPATCH_LEVEL", ddiPages + "ndis/nc-ndis-protocol_send_net_buffer_lists_complete"},
	{"ProtocolReceiveNetBufferLists", true, "NDIS_RECEIVE_FLAGS_DISPATCH_LEVEL", ddiPages + "ndis/nc-ndis-protocol_receive_net_buffer_lists"},
	{"ProtocolOidRequestComplete", true, "", ddiPages + "ndis/nc-ndis-protocol_oid_request_complete"},
	{"NDIS I/O work item", false, "", ddiPages + "ndis/nf-ndis-ndisqueueioworkitem"},
	{"an application's write (IRP_MJ_WRITE)", false, "", "https://learn.microsoft.com/windows-hardware/drivers/kernel/dispatch-routine-irql-and-thread-context"},
}

// callIrql finds the row of call; every call that checks its IRQL has one.
func callIrql(call string) CallIrql {
	for _, c := range CallIrqls {
		if c.Call == call {
			return c
		}
	}
	panic("binding: no IRQL row for " + call)
}

// IrqlMarkdown renders the two tables as docs/irql.md.
func IrqlMarkdown() string {
	var b strings.Builder
	b.WriteString("# IRQL\n\n")
	b.WriteString("<!-- Generated from binding/irqltable.go by `go test ./binding -update`. Do not edit. -->\n\n")
	b.WriteString(`Every callback of a design runs at an IRQL, and every simulated NDIS call
checks the IRQL it is made at. A protocol meets two levels: PASSIVE_LEVEL and
DISPATCH_LEVEL. A callback its page allows at "<= DISPATCH_LEVEL" runs at either,
drawn from the run's seed (so replays are exact), and gets its DISPATCH_LEVEL
flag exactly when it runs at DISPATCH_LEVEL. NdisAcquireSpinLock raises the
IRQL to DISPATCH_LEVEL until the matching release. A call above its maximum is
the error IrqlTooHigh, naming the DDI compliance rule below; the Static Driver
Verifier IRQL rules check the same statically.

A protocol can only break the PASSIVE-only rows: NDIS calls no protocol
callback above DISPATCH_LEVEL, and the spin lock raises only to it.

## NDIS calls

| call | maximum IRQL | DDI compliance rule | page |
|---|---|---|---|
`)
	for _, c := range CallIrqls {
		fmt.Fprintf(&b, "| %s | %s | %s | [%s](%s) |\n", c.Call, c.MaxIrql(), c.Rule, pageName(c.Page), c.Page)
	}
	b.WriteString("\n## Callbacks\n\n| callback | IRQL | DISPATCH_LEVEL flag | page |\n|---|---|---|---|\n")
	for _, c := range CallbackIrqls {
		flag := c.Flag
		if flag == "" {
			flag = "none"
		}
		fmt.Fprintf(&b, "| %s | %s | %s | [%s](%s) |\n", c.Callback, c.Irql(), flag, pageName(c.Page), c.Page)
	}
	b.WriteString(`
## Waits

NdisWaitEvent and NdisMSleep block the calling thread. While a callback
waits, the simulator goes on delivering what NDIS may deliver concurrently
(send and OID completions, open and close completions, receive indications,
work items), one move a tick of ` + fmt.Sprint(TickMicroseconds/1000) + ` ms of simulated time, each drawn from the
seed. NDIS starts no bind, PnP event or unbind meanwhile. A wait that nothing
can satisfy ends in the watchdog of the operation that waits
(PauseNotCompleted, PendedNotCompleted), or in DesignHang after ` + fmt.Sprint(MaxWaitTicks) + ` ticks.
`)
	return b.String()
}

// pageName is the last element of a page's address.
func pageName(url string) string { return url[strings.LastIndex(url, "/")+1:] }
