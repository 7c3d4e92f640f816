package rule

// The rule names. They are a public contract: never rename one.
const (
	PoolContextAlignment            Name = "PoolContextAlignment"
	PoolDataSizeWithoutNetBuffer    Name = "PoolDataSizeWithoutNetBuffer"
	CombinedAllocNeedsNetBufferPool Name = "CombinedAllocNeedsNetBufferPool"
	AllocNetBufferOnDataPool        Name = "AllocNetBufferOnDataPool"
	NblContextAlignment             Name = "NblContextAlignment"
	PoolFreedWithOutstanding        Name = "PoolFreedWithOutstanding"
	PoolUseAfterFree                Name = "PoolUseAfterFree"
	PoolChangedWhileActive          Name = "PoolChangedWhileActive"
	AllocationFailureIgnored        Name = "AllocationFailureIgnored"

	FreeOrderNbBeforeNbl Name = "FreeOrderNbBeforeNbl"
	FreePreallocatedNb   Name = "FreePreallocatedNb"
	DoubleFree           Name = "DoubleFree"
	UseAfterFree         Name = "UseAfterFree"
	ForeignNblFreed      Name = "ForeignNblFreed"
	NetBufferLinkedTwice Name = "NetBufferLinkedTwice"
	NetBufferDataRange   Name = "NetBufferDataRange"

	SendWhileNotRunning   Name = "SendWhileNotRunning"
	SendInFlightTouched   Name = "SendInFlightTouched"
	SendBackfillShortfall Name = "SendBackfillShortfall"
	SendContextShortfall  Name = "SendContextShortfall"
	ReceiveResourcesHeld  Name = "ReceiveResourcesHeld"
	ReturnNotOwned        Name = "ReturnNotOwned"

	PauseWithOutstanding Name = "PauseWithOutstanding"
	PauseNotCompleted    Name = "PauseNotCompleted"
	PendedNotCompleted   Name = "PendedNotCompleted"
	CloseWithOutstanding Name = "CloseWithOutstanding"
	OidInInvalidState    Name = "OidInInvalidState"
	UnexpectedCompletion Name = "UnexpectedCompletion"
	LeakAtUnbind         Name = "LeakAtUnbind"
	DesignPanic          Name = "DesignPanic"
	DesignHang           Name = "DesignHang"
)

const learn = "https://learn.microsoft.com/windows-hardware/drivers/"

// The NDIS pages the rules rest on, by the contract's source tag.
var (
	s1   = Source{"S1", learn + "network/protocol-driver-buffer-management"}
	s2   = Source{"S2", learn + "network/protocol-binding-states-and-operations"}
	s4   = Source{"S4", learn + "network/restarting-a-binding"}
	s5   = Source{"S5", learn + "network/pausing-a-binding"}
	s6   = Source{"S6", learn + "ddi/ndis/nc-ndis-protocol_net_pnp_event"}
	s7   = Source{"S7", learn + "network/generating-oid-requests-from-an-ndis-protocol-driver"}
	s8   = Source{"S8", learn + "ddi/ndis/nc-ndis-protocol_bind_adapter_ex"}
	s10  = Source{"S10", learn + "ddi/nblapi/ns-nblapi-net_buffer_list_pool_parameters"}
	s11  = Source{"S11", learn + "ddi/nblapi/nf-nblapi-ndisallocatenetbufferlist"}
	s12  = Source{"S12", learn + "ddi/nblapi/nf-nblapi-ndisallocatenetbufferandnetbufferlist"}
	s13  = Source{"S13", learn + "ddi/nblapi/nf-nblapi-ndisallocatenetbufferpool"}
	s14  = Source{"S14", learn + "network/unbinding-from-an-adapter"}
	s15  = Source{"S15", learn + "ddi/nblapi/nf-nblapi-ndisallocatenetbuffer"}
	s16  = Source{"S16", learn + "ddi/nblapi/nf-nblapi-ndisfreenetbufferlist"}
	s19  = Source{"S19", learn + "ddi/ndis/nf-ndis-ndissendnetbufferlists"}
	s20  = Source{"S20", learn + "ddi/ndis/nc-ndis-protocol_send_net_buffer_lists_complete"}
	s21b = Source{"S21b", learn + "network/receiving-data-in-protocol-drivers"}
	s22  = Source{"S22", learn + "ddi/ndis/nc-ndis-protocol_receive_net_buffer_lists"}
	s23  = Source{"S23", learn + "ddi/nblapi/nf-nblapi-ndisretreatnetbufferdatastart"}
	s26  = Source{"S26", learn + "debugger/bug-check-0x7c--bugcode-ndis-driver"}
	s28  = Source{"S28", learn + "network/net-buffer-data-packaging"}
	s29  = Source{"S29", learn + "ddi/nbl/ns-nbl-net_buffer_list_context"}
)

// Catalogue is every rule, in the order docs/rules.md and `ndissim rules` print them.
var Catalogue = []Rule{
	{PoolContextAlignment, Error, "Pools", "an NBL pool's ContextSize is a multiple of MEMORY_ALLOCATION_ALIGNMENT", []Source{s10}},
	{PoolDataSizeWithoutNetBuffer, Error, "Pools", "DataSize > 0 only on an NBL pool created with fAllocateNetBuffer TRUE", []Source{s10}},
	{CombinedAllocNeedsNetBufferPool, Error, "Pools", "NdisAllocateNetBufferAndNetBufferList only from a pool with fAllocateNetBuffer TRUE and DataSize 0", []Source{s1, s12}},
	{AllocNetBufferOnDataPool, Error, "Pools", "NdisAllocateNetBuffer only from an NB pool whose DataSize is 0", []Source{s13}},
	{NblContextAlignment, Error, "Pools", "ContextSize and ContextBackFill passed to an NBL allocation are multiples of MEMORY_ALLOCATION_ALIGNMENT", []Source{s11, s12}},
	{PoolFreedWithOutstanding, Error, "Pools", "a pool is freed only when nothing allocated from it is live", []Source{s16}},
	{PoolUseAfterFree, Error, "Pools", "no allocation from, or second free of, a freed pool", []Source{s16}},
	{PoolChangedWhileActive, Error, "Pools", "pools are created or freed while Opening, Paused, Restarting or Closing (a rebuild belongs to Restarting), never while Running or Pausing", []Source{s1, s4}},
	{AllocationFailureIgnored, Error, "Pools", "a failed allocation (NULL) is never used as a pool, NBL or NB", []Source{s11, s12}},

	{FreeOrderNbBeforeNbl, Error, "Structures", "an NB from NdisAllocateNetBuffer is freed before the NBL that holds it", []Source{s1, s16}},
	{FreePreallocatedNb, Error, "Structures", "an NB that came with its NBL is freed only with that NBL, never by NdisFreeNetBuffer", []Source{s1, s16}},
	{DoubleFree, Error, "Structures", "an NBL or NB is freed once", []Source{s16}},
	{UseAfterFree, Error, "Structures", "a freed NBL or NB is not sent, linked, freed or touched again", []Source{s16}},
	{ForeignNblFreed, Error, "Structures", "a received NBL is returned with NdisReturnNetBufferLists, never freed", []Source{s22}},
	{NetBufferLinkedTwice, Error, "Structures", "an NB is linked into one NBL at a time", []Source{s15}},
	{NetBufferDataRange, Error, "Structures", "an NB's DataOffset and DataLength fit its MDL chain: no data on a NULL chain, no advance past the data", []Source{s12, s15, s23}},

	{SendWhileNotRunning, Error, "Send and receive", "new sends only while the binding is Running", []Source{s2, s5}},
	{SendInFlightTouched, Error, "Send and receive", "between send and send-complete the NBL belongs to NDIS: not freed, re-sent or modified", []Source{s19, s20}},
	{SendBackfillShortfall, Warning, "Send and receive", "a sent NB's unused data space (DataOffset) covers the whole stack's DataBackFillSize", []Source{s1, s23, s28}},
	{SendContextShortfall, Warning, "Send and receive", "a sent NBL's unused context space covers the whole stack's ContextBackFillSize", []Source{s1, s29}},
	{ReceiveResourcesHeld, Error, "Send and receive", "an NBL indicated with the RESOURCES flag is neither kept nor returned", []Source{s21b, s22}},
	{ReturnNotOwned, Error, "Send and receive", "only NBLs indicated to this binding and not yet returned are returned", []Source{s22}},

	{PauseWithOutstanding, Error, "Lifecycle", "a pause completes only when every send has completed and every held receive has been returned", []Source{s5}},
	{PauseNotCompleted, Error, "Lifecycle", "a pause completes within the watchdog bound (simulated ticks); NDIS bug check 0x7C, subcode 0x25", []Source{s26}},
	{PendedNotCompleted, Error, "Lifecycle", "a bind, restart or unbind the protocol pended is completed within the watchdog bound; NDIS bug check 0x7C, subcode 0x25", []Source{s6, s8, s26}},
	{CloseWithOutstanding, Error, "Lifecycle", "NdisCloseAdapterEx only when the binding's sends and OID requests have all completed", []Source{s14}},
	{OidInInvalidState, Error, "Lifecycle", "no OID request while Unbound, or while Opening before the open has completed", []Source{s2, s7, s8}},
	{UnexpectedCompletion, Error, "Lifecycle", "the protocol completes only what NDIS is waiting for: no second completion, none that was not pended", []Source{s6, s8, s14}},
	{LeakAtUnbind, Error, "Lifecycle", "at Unbound the binding holds no NBL or NB and has freed its pools; bug check 0x7C, subcode 0x27", []Source{s26}},
	{DesignPanic, Error, "Lifecycle", "the design under test does not panic; the panic is reported with its trace", nil},
	{DesignHang, Error, "Lifecycle", "a callback of the design returns within the step budget (NDIS would hit its watchdog)", []Source{s26}},
}
