package sim

import "github.com/ndissim/ndissim/rule"

// Cond is a situation a rule needs before it can break: its precondition.
// Observers set the conditions a run reaches; a rule is armed when its
// condition was reached in some run of the set.
type Cond uint8

const (
	CondBound           Cond = iota + 1 // the design was bound: it allocated, opened, ran
	CondSend                            // a write reached a Running binding
	CondSendInFlight                    // a send was in flight between moves
	CondSendCompleted                   // a send came back to the design
	CondSendFailed                      // a send completed with a failure status
	CondWriteNotRunning                 // a write came while the binding was not Running
	CondPauseWithSends                  // a pause came with sends in flight or receives held
	CondPausePended                     // the design pended a pause
	CondOtherPended                     // the design pended a bind, restart or unbind
	CondPnP                             // a pause or restart was delivered
	CondRestartNull                     // a restart came with a NULL attribute list
	CondStackGrew                       // the binding ran again on an edited stack
	CondReceive                         // received NBLs were indicated
	CondResources                       // an indication carried NDIS_RECEIVE_FLAGS_RESOURCES
	CondOid                             // the design made an OID request
	CondOidPended                       // an OID request pended
	CondOidEarly                        // a pended OID request completed before its call returned
	CondOidFailed                       // an OID request or the open failed
	CondOpenPended                      // the open pended
	CondClosePended                     // the close pended
	CondAllocFailed                     // an allocation of the design failed
	CondAllocFailedSend                 // an allocation failed on the send path (in a write)
	CondDispatch                        // a callback ran at DISPATCH_LEVEL
	CondWait                            // a callback waited (NdisWaitEvent, NdisMSleep)
	CondUnbind                          // an unbind was delivered
	numConds
)

var condNames = [...]string{
	CondBound: "the design was bound", CondSend: "a write reached a Running binding",
	CondSendInFlight: "a send was in flight between moves", CondSendCompleted: "a send completed",
	CondSendFailed: "a send completed with a failure status", CondWriteNotRunning: "a write came while not Running",
	CondPauseWithSends: "a pause with sends in flight or receives held", CondPausePended: "a pended pause",
	CondOtherPended: "a pended bind, restart or unbind", CondPnP: "a pause or restart",
	CondRestartNull: "a restart with a NULL attribute list", CondStackGrew: "a restart on an edited stack",
	CondReceive: "an indication", CondResources: "a RESOURCES indication", CondOid: "an OID request",
	CondOidPended: "a pended OID request", CondOidEarly: "an OID completion before its call returned",
	CondOidFailed: "a failed OID request or open", CondOpenPended: "a pended open", CondClosePended: "a pended close",
	CondAllocFailed: "an allocation failure", CondAllocFailedSend: "an allocation failure on the send path",
	CondDispatch: "a callback at DISPATCH_LEVEL", CondWait: "a wait", CondUnbind: "an unbind",
}

func (c Cond) String() string { return condNames[c] }

// armedBy is each rule's precondition: the one situation without which the
// rule cannot break. Every rule of rule.Catalogue has an entry (a test
// says so). It is deliberately coarse: armed means "could have broken
// here", not "was tested thoroughly".
var armedBy = map[rule.Name]Cond{
	rule.PoolContextAlignment: CondBound, rule.PoolDataSizeWithoutNetBuffer: CondBound,
	rule.CombinedAllocNeedsNetBufferPool: CondBound, rule.AllocNetBufferOnDataPool: CondBound,
	rule.NblContextAlignment: CondBound, rule.MdlAndDataNeedsDataPool: CondBound,
	rule.PoolFreedWithOutstanding: CondUnbind, rule.NbPoolFreedWithOutstanding: CondUnbind,
	rule.PoolUseAfterFree: CondUnbind, rule.PoolChangedWhileActive: CondStackGrew,
	rule.AllocationFailureIgnored: CondAllocFailed,
	rule.FreeOrderNbBeforeNbl:     CondSendCompleted, rule.FreePreallocatedNb: CondSendCompleted,
	rule.DoubleFree: CondSendCompleted, rule.UseAfterFree: CondSendCompleted,
	rule.ForeignNblFreed: CondReceive, rule.NetBufferLinkedTwice: CondSend, rule.NetBufferDataRange: CondSend,
	rule.SendWhileNotRunning: CondWriteNotRunning, rule.SendInFlightTouched: CondSendInFlight,
	rule.SendBackfillShortfall: CondSend, rule.SendContextShortfall: CondSend,
	rule.ReceiveResourcesHeld: CondResources, rule.ReturnNotOwned: CondReceive,
	rule.PauseWithOutstanding: CondPauseWithSends, rule.PauseNotCompleted: CondPausePended,
	rule.PendedNotCompleted: CondOtherPended, rule.CloseWithOutstanding: CondUnbind,
	rule.OidInInvalidState: CondOid, rule.UnexpectedCompletion: CondPnP, rule.LeakAtUnbind: CondUnbind,
	rule.DesignPanic: CondBound, rule.DesignHang: CondWait,
	rule.RetreatMemoryNotReleased: CondSend, rule.RetreatAllocates: CondStackGrew,
	rule.SendWhilePausing: CondWriteNotRunning, rule.SourceHandleNotSet: CondSend, rule.SendWithoutData: CondSend,
	rule.CloseWithOidsOutstanding: CondOidPended, rule.BindWithoutOpen: CondBound,
	rule.OpenOutsideBind: CondBound, rule.CloseOutsideUnbind: CondBound, rule.HandleUsedAfterClose: CondUnbind,
	rule.PnPStatusInvalid: CondPnP, rule.PnPEventFailed: CondPnP, rule.ResourcesKeptPastUnbind: CondUnbind,
	rule.IrqlTooHigh: CondDispatch, rule.IrqlTooLow: CondDispatch, rule.DispatchFlagMismatch: CondDispatch,
	rule.SpinLockHeldAtReturn: CondBound, rule.SpinLockReleaseUnheld: CondBound, rule.SpinLockReacquired: CondBound,
}

// ArmedBy is the precondition of rule r (0 when the table has none).
func ArmedBy(r rule.Name) Cond { return armedBy[r] }
