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

func page(id, title, path string) Source { return Source{ID: id, Title: title, URL: learn + path} }

// The pages the rules rest on. An ID is the contract's source tag (S1, S2,
// ...); a lower-case letter after it marks a further page filed under that
// tag (S8o, the NdisOpenAdapterEx page beside S8, ProtocolBindAdapterEx).
var (
	s1   = page("S1", "Protocol Driver Buffer Management", "network/protocol-driver-buffer-management")
	s2   = page("S2", "Protocol Binding States and Operations", "network/protocol-binding-states-and-operations")
	s4   = page("S4", "Restarting a Binding", "network/restarting-a-binding")
	s5   = page("S5", "Pausing a Binding", "network/pausing-a-binding")
	s6   = page("S6", "ProtocolNetPnPEvent", "ddi/ndis/nc-ndis-protocol_net_pnp_event")
	s7   = page("S7", "Generating OID Requests from an NDIS Protocol Driver", "network/generating-oid-requests-from-an-ndis-protocol-driver")
	s8   = page("S8", "ProtocolBindAdapterEx", "ddi/ndis/nc-ndis-protocol_bind_adapter_ex")
	s10  = page("S10", "NET_BUFFER_LIST_POOL_PARAMETERS", "ddi/nblapi/ns-nblapi-net_buffer_list_pool_parameters")
	s11  = page("S11", "NdisAllocateNetBufferList", "ddi/nblapi/nf-nblapi-ndisallocatenetbufferlist")
	s12  = page("S12", "NdisAllocateNetBufferAndNetBufferList", "ddi/nblapi/nf-nblapi-ndisallocatenetbufferandnetbufferlist")
	s13  = page("S13", "NdisAllocateNetBufferPool", "ddi/nblapi/nf-nblapi-ndisallocatenetbufferpool")
	s14  = page("S14", "Unbinding from an Adapter", "network/unbinding-from-an-adapter")
	s15  = page("S15", "NdisAllocateNetBuffer", "ddi/nblapi/nf-nblapi-ndisallocatenetbuffer")
	s16  = page("S16", "NdisFreeNetBufferList", "ddi/nblapi/nf-nblapi-ndisfreenetbufferlist")
	s19  = page("S19", "NdisSendNetBufferLists", "ddi/ndis/nf-ndis-ndissendnetbufferlists")
	s20  = page("S20", "ProtocolSendNetBufferListsComplete", "ddi/ndis/nc-ndis-protocol_send_net_buffer_lists_complete")
	s21b = page("S21b", "Receiving Data in Protocol Drivers", "network/receiving-data-in-protocol-drivers")
	s22  = page("S22", "ProtocolReceiveNetBufferLists", "ddi/ndis/nc-ndis-protocol_receive_net_buffer_lists")
	s23  = page("S23", "NdisRetreatNetBufferDataStart", "ddi/nblapi/nf-nblapi-ndisretreatnetbufferdatastart")
	s26  = page("S26", "Bug Check 0x7C: BUGCODE_NDIS_DRIVER", "debugger/bug-check-0x7c--bugcode-ndis-driver")
	s27  = page("S27", "Retreat Operations", "network/retreat-operations")
	s28  = page("S28", "NET_BUFFER Data Packaging", "network/net-buffer-data-packaging")
	s29  = page("S29", "NET_BUFFER_LIST_CONTEXT", "ddi/nbl/ns-nbl-net_buffer_list_context")
	s30  = page("S30", "NET_BUFFER", "ddi/nbl/ns-nbl-net_buffer")

	sOpen      = page("S8o", "NdisOpenAdapterEx", "ddi/ndis/nf-ndis-ndisopenadapterex")
	sClose     = page("S14c", "NdisCloseAdapterEx", "ddi/ndis/nf-ndis-ndiscloseadapterex")
	sUnbind    = page("S14u", "ProtocolUnbindAdapterEx", "ddi/ndis/nc-ndis-protocol_unbind_adapter_ex")
	sCompPnP   = page("S6c", "NdisCompleteNetPnPEvent", "ddi/ndis/nf-ndis-ndiscompletenetpnpevent")
	sMdlData   = page("S13m", "NdisAllocateNetBufferMdlAndData", "ddi/nblapi/nf-nblapi-ndisallocatenetbuffermdlanddata")
	sFreeLPool = page("S16l", "NdisFreeNetBufferListPool", "ddi/nblapi/nf-nblapi-ndisfreenetbufferlistpool")
	sFreePool  = page("S16p", "NdisFreeNetBufferPool", "ddi/nblapi/nf-nblapi-ndisfreenetbufferpool")
	sSendProto = page("S19p", "Sending Data from a Protocol Driver", "network/sending-data-from-a-protocol-driver")
	sReturn    = page("S22r", "NdisReturnNetBufferLists", "ddi/ndis/nf-ndis-ndisreturnnetbufferlists")
	sAdvance   = page("S23a", "NdisAdvanceNetBufferDataStart", "ddi/nblapi/nf-nblapi-ndisadvancenetbufferdatastart")
	sDispatch  = page("S50", "Dispatch IRQL Tracking", "network/dispatch-irql-tracking")
	sDprLock   = page("S51", "NdisDprAcquireSpinLock", "ddi/ndis/nf-ndis-ndisdpracquirespinlock")

	// Static Driver Verifier's NDIS rule sets (S46) and rule pages (S47).
	sIrqlRules = page("S46", "IRQL rule set (NDIS)", "devtest/irql-rule-set--ndis-")
	sFlagsIrql = page("S46f", "Flags_Irql rule (ndis)", "devtest/ndis-flags-irql")
	sLocking   = page("S46l", "Locking rule set (NDIS)", "devtest/locking-rule-set--ndis-")
	sIrqlProto = page("S47p", "Irql_Protocol_Driver_Function rule (ndis)", "devtest/ndis-irql-protocol-driver-function")
	sIrqlMisc  = page("S47m", "Irql_Miscellaneous_Function rule (ndis)", "devtest/ndis-irql-miscellaneous-function")
	sIrqlMp    = page("S47n", "Irql_Miniport_Driver_Function rule (ndis)", "devtest/ndis-irql-miniport-driver-function")
	sIrqlSynch = page("S47s", "Irql_Synch_Function rule (ndis)", "devtest/ndis-irql-synch-function")
	sSpinLock  = page("S47k", "SpinLock rule (ndis)", "devtest/ndis-spinlock")
	sSpinRel   = page("S47r", "SpinLockRelease rule (ndis)", "devtest/ndis-spinlockrelease")
	sSpinBal   = page("S47b", "SpinLockBalanced rule (ndis)", "devtest/ndis-spinlockbalanced")
	sSpinDpr   = page("S47d", "SpinLockDpr rule (ndis)", "devtest/ndis-spinlockdpr")
	sNullCheck = page("S47u", "NullCheck rule (ndis)", "devtest/nullcheckn")
)

// The bases, one constructor per kind; note adds a remark to any of them.
func must(word string, p Source) Basis   { return Basis{Kind: Must, Word: word, Page: p} }
func should(word string, p Source) Basis { return Basis{Kind: Should, Word: word, Page: p} }
func ddi(rule string, p Source) Basis    { return Basis{Kind: DDI, Word: rule, Page: p} }
func bugcheck(code string, p Source) Basis {
	return Basis{Kind: BugCheck, Word: code, Page: p}
}
func corrupts(what string, p Source) Basis {
	return Basis{Kind: BugCheck, Word: "memory corruption (" + what + ")", Page: p}
}
func inferred(why string) Basis { return Basis{Kind: Inferred, Why: why} }

func (b Basis) note(s string) Basis { b.Why = s; return b }

func src(s ...Source) []Source { return s }
func on(b ...Basis) []Basis    { return b }

const (
	pools     = "Pools"
	structs   = "Structures"
	sendRecv  = "Send and receive"
	lifecycle = "Lifecycle"
	irql      = "IRQL and locks"
)

// Catalogue is every rule, in the order docs/rules.md and `ndissim rules` print them.
var Catalogue = []Rule{
	// Pools.
	{Name: PoolContextAlignment, Severity: Error, Group: pools,
		Summary: "an NBL pool's ContextSize is a multiple of MEMORY_ALLOCATION_ALIGNMENT",
		Bases:   on(must("must", s10)),
		Sources: src(s10)},
	{Name: PoolDataSizeWithoutNetBuffer, Severity: Error, Group: pools,
		Summary: "DataSize > 0 only on an NBL pool created with fAllocateNetBuffer TRUE",
		Bases: on(must("must", s10).note(
			"the page's must is that a non-zero DataSize needs fAllocateNetBuffer TRUE; its sentence for the converse (FALSE, so DataSize zero) says should, and states the same condition")),
		Sources: src(s10)},
	{Name: CombinedAllocNeedsNetBufferPool, Severity: Error, Group: pools,
		Summary: "NdisAllocateNetBufferAndNetBufferList only from a pool with fAllocateNetBuffer TRUE and DataSize 0",
		Bases:   on(must("must", s12), must("must", s1)),
		Sources: src(s12, s1)},
	{Name: AllocNetBufferOnDataPool, Severity: Error, Group: pools,
		Summary: "NdisAllocateNetBuffer only from an NB pool whose DataSize is 0",
		Bases: on(must("must", s13).note(
			"a pool with a DataSize is one from which NBs must come through NdisAllocateNetBufferMdlAndData; that function's own page says should not for NdisAllocateNetBuffer on such a pool")),
		Sources: src(s13, sMdlData)},
	{Name: NblContextAlignment, Severity: Error, Group: pools,
		Summary: "ContextSize and ContextBackFill passed to an NBL allocation are multiples of MEMORY_ALLOCATION_ALIGNMENT",
		Bases:   on(must("must", s11), must("must", s12)),
		Sources: src(s11, s12)},
	{Name: PoolFreedWithOutstanding, Severity: Error, Group: pools,
		Summary: "an NBL pool is freed only when none of its NBLs is live",
		Bases:   on(must("must", sFreeLPool)),
		Sources: src(sFreeLPool)},
	{Name: NbPoolFreedWithOutstanding, Severity: Warning, Group: pools,
		Summary: "an NB pool is freed only when none of its NBs is live",
		Bases:   on(should("should", sFreePool)),
		Sources: src(sFreePool)},
	{Name: MdlAndDataNeedsDataPool, Severity: Error, Group: pools,
		Summary: "NdisAllocateNetBufferMdlAndData only from an NB pool whose DataSize is not 0",
		Bases:   on(must("must", s13), must("must", sMdlData)),
		Sources: src(s13, sMdlData)},
	{Name: PoolUseAfterFree, Severity: Error, Group: pools,
		Summary: "no allocation from, or second free of, a freed pool",
		Bases:   on(corrupts("use after free", sFreeLPool)),
		Sources: src(sFreeLPool, sFreePool)},
	{Name: PoolChangedWhileActive, Severity: Warning, Group: pools,
		Summary: "pools are created or freed while Opening, Paused, Restarting or Closing (a rebuild belongs to Restarting), never while Running or Pausing",
		Bases: on(inferred(
			"the pages place pool allocation in Opening and a rebuild in Restarting, in the word can; none forbids pool changes while Running or Pausing. " +
				"ndissim warns because a pool swapped while sends are in flight is where PoolFreedWithOutstanding errors come from")),
		Sources: src(s1, s4)},
	{Name: AllocationFailureIgnored, Severity: Error, Group: pools,
		Summary: "a failed allocation (NULL) is never used as a pool, NBL or NB",
		Bases: on(ddi("NullCheck", sNullCheck).note(
			"the allocation pages say a failed allocation returns NULL; using it dereferences NULL")),
		Sources: src(sNullCheck, s11, s12)},

	// Structures.
	{Name: FreeOrderNbBeforeNbl, Severity: Warning, Group: structs,
		Summary: "an NB from NdisAllocateNetBuffer is freed before the NBL that holds it (NdisFreeNetBufferList leaves it live)",
		Bases: on(should("should", s1).note(
			"the English page says should; its Japanese machine translation says must, and ndissim follows the English word"),
			should("should", s16)),
		Sources: src(s1, s16)},
	{Name: FreePreallocatedNb, Severity: Error, Group: structs,
		Summary: "an NB that came with its NBL is freed only with that NBL, never by NdisFreeNetBuffer",
		Bases: on(corrupts("double free", s16).note(
			"NdisFreeNetBufferList frees a preallocated NB with its NBL, and NdisFreeNetBuffer takes only NBs from NdisAllocateNetBuffer; " +
				"freeing the NB alone leaves the NBL pointing at freed memory that its own free releases again")),
		Sources: src(s1, s16)},
	{Name: DoubleFree, Severity: Error, Group: structs,
		Summary: "an NBL or NB is freed once",
		Bases:   on(corrupts("double free", s16)),
		Sources: src(s16)},
	{Name: UseAfterFree, Severity: Error, Group: structs,
		Summary: "a freed NBL or NB is not sent, linked, freed or touched again",
		Bases:   on(corrupts("use after free", s16)),
		Sources: src(s16)},
	{Name: ForeignNblFreed, Severity: Error, Group: structs,
		Summary: "a received NBL is returned with NdisReturnNetBufferLists, never freed",
		Bases: on(must("must", sReturn).note(
			"received without NDIS_RECEIVE_FLAGS_RESOURCES, the NBLs go back through NdisReturnNetBufferLists; they belong to the driver below, not to a pool of the protocol's")),
		Sources: src(sReturn, s22)},
	{Name: NetBufferLinkedTwice, Severity: Error, Group: structs,
		Summary: "an NB is linked into one NBL at a time",
		Bases: on(inferred(
			"no page says it. An NB carries a single Next link, so linking it into a second NBL cuts or splices the first NBL's chain; " +
				"freeing or completing either NBL then releases an NB the other still lists, the corruption UseAfterFree reports")),
		Sources: src(s30, s15)},
	{Name: RetreatMemoryNotReleased, Severity: Error, Group: structs,
		Summary: "memory an allocating retreat attached to an NB is released by NdisAdvanceNetBufferDataStart before the NB is freed",
		Bases: on(inferred(
			"the retreat page names NdisAdvanceNetBufferDataStart as the call that releases what a retreat added, and the advance page says it frees what the retreat allocated, but neither says must. " +
				"Freeing the NB first strands the MDL and buffer NDIS allocated, which no later call reaches; ndissim holds the leak as an error")),
		Sources: src(s23, sAdvance, s27)},
	{Name: RetreatAllocates, Severity: Warning, Group: structs,
		Summary: "the protocol's own retreat finds room in the NB's unused data space instead of making NDIS allocate",
		Bases:   on(should("should", s27)),
		Sources: src(s27, s23, s28)},
	{Name: NetBufferDataRange, Severity: Error, Group: structs,
		Summary: "an NB's DataOffset and DataLength fit its MDL chain: no data on a NULL chain, no advance past the data",
		Bases: on(must("must", s15).note("DataOffset and DataLength are 0 when the MDL chain is NULL"),
			must("must", s12)),
		Sources: src(s15, s12, s23)},

	// Send and receive.
	{Name: SendWhileNotRunning, Severity: Error, Group: sendRecv,
		Summary: "new sends only while the binding is Running",
		Bases:   on(must("must not", s5).note("the page's must not is for the Paused state; a send while Pausing is SendWhilePausing")),
		Sources: src(s5, s2, s8)},
	{Name: SendWhilePausing, Severity: Warning, Group: sendRecv,
		Summary: "no new sends while a pause is in progress",
		Bases:   on(should("should not", s5)),
		Sources: src(s5)},
	{Name: SourceHandleNotSet, Severity: Error, Group: sendRecv,
		Summary: "every NBL sent has SourceHandle set to the binding handle",
		Bases:   on(must("must", sSendProto), must("must", s19)),
		Sources: src(sSendProto, s19)},
	{Name: SendWithoutData, Severity: Error, Group: sendRecv,
		Summary: "every NBL sent has at least one NB, and every NB some data",
		Bases: on(inferred(
			"no page says it in these words: NdisSendNetBufferLists takes NBLs that each describe a list of NBs holding the data to send. " +
				"An NBL without an NB, or an NB without data, is input the drivers below are not told to expect")),
		Sources: src(s19, sSendProto)},
	{Name: SendInFlightTouched, Severity: Error, Group: sendRecv,
		Summary: "between send and send-complete the NBL belongs to NDIS: not freed, re-sent or modified",
		Bases: on(corrupts("structure owned by NDIS", s19).note(
			"the protocol gives up ownership at the send until send-complete returns it; freeing, re-sending or changing the NBL corrupts what the drivers below are using. " +
				"For merely examining it the pages say should never; ndissim does not check reads")),
		Sources: src(s19, sSendProto, s20)},
	{Name: SendBackfillShortfall, Severity: Warning, Group: sendRecv,
		Summary: "a sent NB's unused data space (DataOffset) covers the whole stack's DataBackFillSize",
		Bases: on(should("should", s1).note(
			"the English page says should; its Japanese machine translation says must, and ndissim follows the English word")),
		Sources: src(s1, s23, s28)},
	{Name: SendContextShortfall, Severity: Warning, Group: sendRecv,
		Summary: "a sent NBL's unused context space covers the whole stack's ContextBackFillSize",
		Bases: on(should("should", s1).note(
			"the English page says should; its Japanese machine translation says must, and ndissim follows the English word")),
		Sources: src(s1, s29)},
	{Name: ReceiveResourcesHeld, Severity: Error, Group: sendRecv,
		Summary: "an NBL indicated with the RESOURCES flag is neither kept nor returned",
		Bases: on(corrupts("NBL reclaimed by NDIS", s22).note(
			"with NDIS_RECEIVE_FLAGS_RESOURCES, NDIS takes the NBLs back when the callback returns and the protocol cannot retain them; " +
				"a kept NBL is used after NDIS reclaimed it, a returned one is given back twice")),
		Sources: src(s22, s21b)},
	{Name: ReturnNotOwned, Severity: Error, Group: sendRecv,
		Summary: "only NBLs indicated to this binding and not yet returned are returned",
		Bases: on(must("must", sReturn).note("the NBLs returned are from the binding the handle names"),
			corrupts("double return", sReturn)),
		Sources: src(sReturn, s22)},

	// Lifecycle.
	{Name: PauseWithOutstanding, Severity: Error, Group: lifecycle,
		Summary: "a pause completes only when every send has completed and every held receive has been returned",
		Bases: on(must("must", s5).note(
			"the must is to wait for outstanding sends; for held receives the page says the binding is Paused once they are returned, without a keyword"),
			must("must", s2)),
		Sources: src(s5, s2)},
	{Name: PauseNotCompleted, Severity: Error, Group: lifecycle,
		Summary: "a pause completes within the watchdog bound (simulated ticks); NDIS bug check 0x7C, subcode 0x25, P2 0x01",
		Bases:   on(bugcheck("0x7C/0x25", s26).note("P2 0x01: a protocol pause that took too long")),
		Sources: src(s26)},
	{Name: PendedNotCompleted, Severity: Error, Group: lifecycle,
		Summary: "a bind, restart or unbind the protocol pended is completed within the watchdog bound; a late restart or unbind is NDIS bug check 0x7C, subcode 0x25 (P2 0x02 or 0x04)",
		Bases: on(
			must("must", s8).note("a pended bind is completed with NdisCompleteBindAdapterEx; no 0x7C/0x25 subcode covers a bind"),
			must("must", sCompPnP),
			must("must", sUnbind),
			bugcheck("0x7C/0x25", s26).note("P2 0x02: a PnP event (the restart) took too long; P2 0x04: an unbind did")),
		Sources: src(s8, sCompPnP, sUnbind, s6, s26)},
	{Name: CloseWithOutstanding, Severity: Error, Group: lifecycle,
		Summary: "NdisCloseAdapterEx only when the binding's sends and OID requests have all completed",
		Bases: on(inferred(
			"the NdisCloseAdapterEx page says should, for sends and OID requests alike (the OID half is CloseWithOidsOutstanding, a warning). " +
				"ndissim holds the send half as an error: NDIS pauses a binding before unbinding it, and a pause must wait for every send, " +
				"so a send still in flight at the close means a send was made while Paused or a pause completed too early")),
		Sources: src(sClose, s14, s5)},
	{Name: OidInInvalidState, Severity: Error, Group: lifecycle,
		Summary: "no OID request while Unbound, or while Opening before the open has completed",
		Bases: on(must("must not", sOpen).note(
			"the binding handle is not used until the open completes; the bind page says the protocol cannot make OID requests before then, and Unbound has no handle")),
		Sources: src(sOpen, s2, s7, s8)},
	{Name: UnexpectedCompletion, Severity: Error, Group: lifecycle,
		Summary: "the protocol completes only what NDIS is waiting for: no second completion, none that was not pended",
		Bases: on(inferred(
			"the completion calls are defined for an operation the protocol pended, and NdisCloseAdapterEx for an open adapter; no page says must not for a second or unasked-for call. " +
				"A second completion hands NDIS a context it has already released, and NDIS treats a miniport's completion of nothing pending as fatal (0x7C/0x1F, 0x7C/0x26)")),
		Sources: src(s6, sCompPnP, s8, s14, s26)},
	{Name: LeakAtUnbind, Severity: Error, Group: lifecycle,
		Summary: "at Unbound the adapter is closed and no received NBL is held; bug check 0x7C, subcode 0x27",
		Bases: on(bugcheck("0x7C/0x27", s26).note("P2 0x01: the NBL tracker found an NBL still held at unbind"),
			must("must", sUnbind).note("ProtocolUnbindAdapterEx closes the adapter with NdisCloseAdapterEx")),
		Sources: src(s26, sUnbind, s14)},
	{Name: CloseWithOidsOutstanding, Severity: Warning, Group: lifecycle,
		Summary: "NdisCloseAdapterEx only when the binding's own OID requests have completed",
		Bases:   on(should("should", sClose)),
		Sources: src(sClose, s14)},
	{Name: BindWithoutOpen, Severity: Error, Group: lifecycle,
		Summary: "a bind succeeds only with the adapter opened (NdisOpenAdapterEx completed with SUCCESS)",
		Bases: on(must("must", sOpen).note(
			"the protocol calls NdisOpenAdapterEx from ProtocolBindAdapterEx; the binding is complete once the adapter is open")),
		Sources: src(sOpen, s8, s2)},
	{Name: OpenOutsideBind, Severity: Error, Group: lifecycle,
		Summary: "NdisOpenAdapterEx only inside ProtocolBindAdapterEx, once per binding; bug check 0x7C, subcode 0x16",
		Bases: on(bugcheck("0x7C/0x16", s26).note("an adapter opened improperly during binding"),
			must("must", sOpen).note("NDIS fails an open outside ProtocolBindAdapterEx")),
		Sources: src(s26, sOpen)},
	{Name: CloseOutsideUnbind, Severity: Error, Group: lifecycle,
		Summary: "NdisCloseAdapterEx only in ProtocolBindAdapterEx after a failed bind step or in ProtocolUnbindAdapterEx (or what it pends), once",
		Bases: on(must("must", s14),
			must("must", sClose).note("to close elsewhere, the protocol calls NdisUnbindAdapter")),
		Sources: src(s14, sClose)},
	{Name: HandleUsedAfterClose, Severity: Error, Group: lifecycle,
		Summary: "no send, return or OID request on a binding handle after NdisCloseAdapterEx",
		Bases: on(corrupts("use after free", sClose).note(
			"the handle becomes invalid as soon as NdisCloseAdapterEx is called; the unbind page says the protocol cannot make further calls with it")),
		Sources: src(sClose, sUnbind)},
	{Name: PnPStatusInvalid, Severity: Error, Group: lifecycle,
		Summary: "a PnP event is never completed with NDIS_STATUS_PENDING, and never answered NDIS_STATUS_NOT_SUPPORTED",
		Bases: on(must("must not", s6).note(
			"NDIS 6 protocols do not return NDIS_STATUS_NOT_SUPPORTED; PENDING as a final status is the same misuse through NdisCompleteNetPnPEvent, which no page words as must")),
		Sources: src(s6, sCompPnP)},
	{Name: PnPEventFailed, Severity: Warning, Group: lifecycle,
		Summary: "a pause or restart succeeds",
		Bases:   on(should("should", s6)),
		Sources: src(s6)},
	{Name: ResourcesKeptPastUnbind, Severity: Warning, Group: lifecycle,
		Summary: "the protocol's own pools, NBLs and NBs are freed at unbind unless they belong to the driver, not the binding",
		Bases: on(inferred(
			"the unbind pages give releasing the binding's resources as the purpose of ProtocolUnbindAdapterEx, with no must or should; " +
				"the bind page says should for freeing them after a failed bind. A pool kept past unbind is a leak NDIS does not check")),
		Sources: src(sUnbind, s14, s8)},
	{Name: DesignPanic, Severity: Error, Group: lifecycle,
		Summary: "the design under test does not panic; the panic is reported with its trace",
		Bases: on(inferred(
			"a simulator-level rule: a panic is a fault in the design's own code, not a misuse of an NDIS call, so no NDIS page or checker names it. " +
				"The same fault in a driver stops Windows with a bug check outside 0x7C, and the simulated run cannot go on either")),
		Sources: nil},
	{Name: DesignHang, Severity: Error, Group: lifecycle,
		Summary: "a callback of the design returns within the step budget (NDIS would hit its watchdog)",
		Bases: on(bugcheck("0x7C/0x25", s26).note(
			"the watchdog analogue: NDIS stops Windows when a pause, PnP event or unbind takes too long; ndissim holds every callback to a step budget")),
		Sources: src(s26)},

	// IRQL and locks.
	{Name: IrqlTooHigh, Severity: Error, Group: irql,
		Summary: "every NDIS call is made at or below the IRQL its page allows (PASSIVE_LEVEL for open, close, NdisCompleteNetPnPEvent and waits)",
		Bases: on(
			ddi("Irql_Protocol_Driver_Function", sIrqlProto).note("NdisOpenAdapterEx, NdisCloseAdapterEx, NdisCompleteNetPnPEvent"),
			ddi("Irql_Miscellaneous_Function", sIrqlMisc).note("NdisWaitEvent"),
			ddi("Irql_Miniport_Driver_Function", sIrqlMp).note("NdisMSleep"),
			bugcheck("0x7C/0x14", s26).note("NdisWaitEvent at an illegal IRQL")),
		Sources: src(sIrqlProto, sIrqlMisc, sIrqlMp, s26, sIrqlRules, sOpen, sClose, sCompPnP)},
	{Name: IrqlTooLow, Severity: Error, Group: irql,
		Summary: "NdisDprAcquireSpinLock and NdisDprReleaseSpinLock only at DISPATCH_LEVEL",
		Bases: on(ddi("Irql_Synch_Function", sIrqlSynch).note(
			"the NdisDprAcquireSpinLock page lists the rule and says the call is made only at DISPATCH_LEVEL")),
		Sources: src(sIrqlSynch, sDprLock, sIrqlRules)},
	{Name: DispatchFlagMismatch, Severity: Error, Group: irql,
		Summary: "NDIS_SEND_FLAGS_DISPATCH_LEVEL and NDIS_RETURN_FLAGS_DISPATCH_LEVEL are set only when the caller runs at DISPATCH_LEVEL",
		Bases: on(
			ddi("Flags_Irql", sFlagsIrql).note("the SDV rule for Dispatch IRQL Tracking; it checks that a flagged callback does not test the IRQL"),
			must("must", sDispatch).note("the flag follows the IRQL the caller knows; for setting and clearing it the page says should")),
		Sources: src(sFlagsIrql, sDispatch)},
	{Name: SpinLockHeldAtReturn, Severity: Error, Group: irql,
		Summary: "every spin lock acquired in a callback is released before it returns or waits",
		Bases:   on(ddi("SpinLock", sSpinLock), ddi("SpinLockBalanced", sSpinBal)),
		Sources: src(sSpinLock, sSpinBal, sLocking, sDprLock)},
	{Name: SpinLockReleaseUnheld, Severity: Error, Group: irql,
		Summary: "a spin lock is released only while held",
		Bases:   on(ddi("SpinLockRelease", sSpinRel)),
		Sources: src(sSpinRel, sLocking)},
	{Name: SpinLockReacquired, Severity: Error, Group: irql,
		Summary: "a spin lock is acquired only when not already held (a second acquire deadlocks)",
		Bases:   on(ddi("SpinLock", sSpinLock), ddi("SpinLockDpr", sSpinDpr)),
		Sources: src(sSpinLock, sSpinDpr, sLocking)},
}
