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

	// Added with the second round: the documentation's own word, the binding
	// handle, PnP completions, retreat memory and the IRQL model.
	NbPoolFreedWithOutstanding Name = "NbPoolFreedWithOutstanding"
	MdlAndDataNeedsDataPool    Name = "MdlAndDataNeedsDataPool"
	RetreatMemoryNotReleased   Name = "RetreatMemoryNotReleased"
	RetreatAllocates           Name = "RetreatAllocates"
	SendWhilePausing           Name = "SendWhilePausing"
	SourceHandleNotSet         Name = "SourceHandleNotSet"
	SendWithoutData            Name = "SendWithoutData"
	CloseWithOidsOutstanding   Name = "CloseWithOidsOutstanding"
	BindWithoutOpen            Name = "BindWithoutOpen"
	OpenOutsideBind            Name = "OpenOutsideBind"
	CloseOutsideUnbind         Name = "CloseOutsideUnbind"
	HandleUsedAfterClose       Name = "HandleUsedAfterClose"
	PnPStatusInvalid           Name = "PnPStatusInvalid"
	PnPEventFailed             Name = "PnPEventFailed"
	ResourcesKeptPastUnbind    Name = "ResourcesKeptPastUnbind"
	IrqlTooHigh                Name = "IrqlTooHigh"
	IrqlTooLow                 Name = "IrqlTooLow"
	DispatchFlagMismatch       Name = "DispatchFlagMismatch"
	SpinLockHeldAtReturn       Name = "SpinLockHeldAtReturn"
	SpinLockReleaseUnheld      Name = "SpinLockReleaseUnheld"
	SpinLockReacquired         Name = "SpinLockReacquired"
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

	sOpen      = Source{"S8o", learn + "ddi/ndis/nf-ndis-ndisopenadapterex"}
	sClose     = Source{"S14c", learn + "ddi/ndis/nf-ndis-ndiscloseadapterex"}
	sCompPnP   = Source{"S6c", learn + "ddi/ndis/nf-ndis-ndiscompletenetpnpevent"}
	sMdlData   = Source{"S13m", learn + "ddi/nblapi/nf-nblapi-ndisallocatenetbuffermdlanddata"}
	sAdvance   = Source{"S23a", learn + "ddi/nblapi/nf-nblapi-ndisadvancenetbufferdatastart"}
	sSendProto = Source{"S19p", learn + "network/sending-data-from-a-protocol-driver"}
	sIrqlRules = Source{"S46", learn + "devtest/irql-rule-set--ndis-"}
	sFlagsIrql = Source{"S46f", learn + "devtest/ndis-flags-irql"}
	sDispatch  = Source{"S50", learn + "network/dispatch-irql-tracking"}
	sLocking   = Source{"S46l", learn + "devtest/locking-rule-set--ndis-"}
	sDprLock   = Source{"S51", learn + "ddi/ndis/nf-ndis-ndisdpracquirespinlock"}
	sFreePool  = Source{"S16p", learn + "ddi/nblapi/nf-nblapi-ndisfreenetbufferpool"}
)

// Catalogue is every rule, in the order docs/rules.md and `ndissim rules` print them.
var Catalogue = []Rule{
	{PoolContextAlignment, Error, "Pools", "an NBL pool's ContextSize is a multiple of MEMORY_ALLOCATION_ALIGNMENT", []Source{s10}},
	{PoolDataSizeWithoutNetBuffer, Error, "Pools", "DataSize > 0 only on an NBL pool created with fAllocateNetBuffer TRUE", []Source{s10}},
	{CombinedAllocNeedsNetBufferPool, Error, "Pools", "NdisAllocateNetBufferAndNetBufferList only from a pool with fAllocateNetBuffer TRUE and DataSize 0", []Source{s1, s12}},
	{AllocNetBufferOnDataPool, Error, "Pools", "NdisAllocateNetBuffer only from an NB pool whose DataSize is 0", []Source{s13}},
	{NblContextAlignment, Error, "Pools", "ContextSize and ContextBackFill passed to an NBL allocation are multiples of MEMORY_ALLOCATION_ALIGNMENT", []Source{s11, s12}},
	{PoolFreedWithOutstanding, Error, "Pools", "an NBL pool is freed only when none of its NBLs is live", []Source{s16}},
	{NbPoolFreedWithOutstanding, Warning, "Pools", "an NB pool is freed only when none of its NBs is live", []Source{sFreePool}},
	{MdlAndDataNeedsDataPool, Error, "Pools", "NdisAllocateNetBufferMdlAndData only from an NB pool whose DataSize is not 0", []Source{sMdlData, s13}},
	{PoolUseAfterFree, Error, "Pools", "no allocation from, or second free of, a freed pool", []Source{s16}},
	{PoolChangedWhileActive, Warning, "Pools", "pools are created or freed while Opening, Paused, Restarting or Closing (a rebuild belongs to Restarting), never while Running or Pausing", []Source{s1, s4}},
	{AllocationFailureIgnored, Error, "Pools", "a failed allocation (NULL) is never used as a pool, NBL or NB", []Source{s11, s12}},

	{FreeOrderNbBeforeNbl, Warning, "Structures", "an NB from NdisAllocateNetBuffer is freed before the NBL that holds it (NdisFreeNetBufferList leaves it live)", []Source{s1, s16}},
	{FreePreallocatedNb, Error, "Structures", "an NB that came with its NBL is freed only with that NBL, never by NdisFreeNetBuffer", []Source{s1, s16}},
	{DoubleFree, Error, "Structures", "an NBL or NB is freed once", []Source{s16}},
	{UseAfterFree, Error, "Structures", "a freed NBL or NB is not sent, linked, freed or touched again", []Source{s16}},
	{ForeignNblFreed, Error, "Structures", "a received NBL is returned with NdisReturnNetBufferLists, never freed", []Source{s22}},
	{NetBufferLinkedTwice, Error, "Structures", "an NB is linked into one NBL at a time", []Source{s15}},
	{RetreatMemoryNotReleased, Error, "Structures", "memory an allocating retreat attached to an NB is released by NdisAdvanceNetBufferDataStart before the NB is freed", []Source{s23, sAdvance}},
	{RetreatAllocates, Warning, "Structures", "the protocol's own retreat finds room in the NB's unused data space instead of making NDIS allocate", []Source{s23, s28}},
	{NetBufferDataRange, Error, "Structures", "an NB's DataOffset and DataLength fit its MDL chain: no data on a NULL chain, no advance past the data", []Source{s12, s15, s23}},

	{SendWhileNotRunning, Error, "Send and receive", "new sends only while the binding is Running", []Source{s2, s5}},
	{SendWhilePausing, Warning, "Send and receive", "no new sends while a pause is in progress", []Source{s5}},
	{SourceHandleNotSet, Error, "Send and receive", "every NBL sent has SourceHandle set to the binding handle", []Source{sSendProto, s19}},
	{SendWithoutData, Error, "Send and receive", "every NBL sent has at least one NB, and every NB some data", []Source{s19, sSendProto}},
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
	{LeakAtUnbind, Error, "Lifecycle", "at Unbound the adapter is closed and no received NBL is held; bug check 0x7C, subcode 0x27", []Source{s26, s14}},
	{CloseWithOidsOutstanding, Warning, "Lifecycle", "NdisCloseAdapterEx only when the binding's own OID requests have completed", []Source{s14}},
	{BindWithoutOpen, Error, "Lifecycle", "a bind succeeds only with the adapter opened (NdisOpenAdapterEx completed with SUCCESS)", []Source{s8, sOpen}},
	{OpenOutsideBind, Error, "Lifecycle", "NdisOpenAdapterEx only inside ProtocolBindAdapterEx, once per binding; bug check 0x7C, subcode 0x16", []Source{sOpen, s26}},
	{CloseOutsideUnbind, Error, "Lifecycle", "NdisCloseAdapterEx only in ProtocolBindAdapterEx after a failed bind step or in ProtocolUnbindAdapterEx (or what it pends), once", []Source{sClose, s14}},
	{HandleUsedAfterClose, Error, "Lifecycle", "no send, return or OID request on a binding handle after NdisCloseAdapterEx", []Source{sClose}},
	{PnPStatusInvalid, Error, "Lifecycle", "a PnP event is never completed with NDIS_STATUS_PENDING, and never answered NDIS_STATUS_NOT_SUPPORTED", []Source{s6, sCompPnP}},
	{PnPEventFailed, Warning, "Lifecycle", "a pause or restart succeeds", []Source{s6}},
	{ResourcesKeptPastUnbind, Warning, "Lifecycle", "the protocol's own pools, NBLs and NBs are freed at unbind unless they belong to the driver, not the binding", []Source{s14}},
	{DesignPanic, Error, "Lifecycle", "the design under test does not panic; the panic is reported with its trace", nil},
	{DesignHang, Error, "Lifecycle", "a callback of the design returns within the step budget (NDIS would hit its watchdog)", []Source{s26}},

	{IrqlTooHigh, Error, "IRQL and locks", "every NDIS call is made at or below the IRQL its page allows (PASSIVE_LEVEL for open, close, NdisCompleteNetPnPEvent and waits)", []Source{sIrqlRules, sOpen, sClose, sCompPnP}},
	{IrqlTooLow, Error, "IRQL and locks", "NdisDprAcquireSpinLock and NdisDprReleaseSpinLock only at DISPATCH_LEVEL", []Source{sDprLock, sIrqlRules}},
	{DispatchFlagMismatch, Error, "IRQL and locks", "NDIS_SEND_FLAGS_DISPATCH_LEVEL and NDIS_RETURN_FLAGS_DISPATCH_LEVEL are set only when the caller runs at DISPATCH_LEVEL", []Source{sDispatch, sFlagsIrql}},
	{SpinLockHeldAtReturn, Error, "IRQL and locks", "every spin lock acquired in a callback is released before it returns or waits", []Source{sLocking}},
	{SpinLockReleaseUnheld, Error, "IRQL and locks", "a spin lock is released only while held", []Source{sLocking}},
	{SpinLockReacquired, Error, "IRQL and locks", "a spin lock is acquired only when not already held (a second acquire deadlocks)", []Source{sLocking}},
}
