// Package ruletest says which table of tests breaks each rule of the
// catalogue, so that the meta-tests compare tables instead of searching
// test files for names. Each package that tests rules checks that its own
// table breaks exactly the rules listed for it here; package rule checks
// that the lists and Pending together cover the catalogue.
package ruletest

import "github.com/ndissim/ndissim/rule"

// Table names a table of rule tests.
type Table string

const (
	// Binding is the broken/legal case pairs of package binding.
	Binding Table = "binding"
	// Pool is the broken/legal case pairs of package pool.
	Pool Table = "pool"
	// Designs is the catalogue of broken Go designs (sim.GoDesign.Breaks),
	// each caught by the simulator with a shrunk trace.
	Designs Table = "designs"
)

// Tables lists, for each table, the rules it breaks.
var Tables = map[Table][]rule.Name{
	Binding: {
		rule.AllocationFailureIgnored, rule.BindWithoutOpen, rule.CloseOutsideUnbind,
		rule.CloseWithOidsOutstanding, rule.DesignHang, rule.DesignPanic, rule.DispatchFlagMismatch,
		rule.ForeignNblFreed, rule.HandleUsedAfterClose, rule.IrqlTooHigh, rule.IrqlTooLow,
		rule.LeakAtUnbind, rule.OidInInvalidState, rule.OpenOutsideBind, rule.PauseNotCompleted,
		rule.PauseWithOutstanding, rule.PendedNotCompleted, rule.PnPEventFailed, rule.PnPStatusInvalid,
		rule.PoolChangedWhileActive, rule.ReceiveResourcesHeld, rule.ResourcesKeptPastUnbind,
		rule.ReturnNotOwned, rule.SendBackfillShortfall, rule.SendContextShortfall,
		rule.SendInFlightTouched, rule.SendWhileNotRunning, rule.SendWhilePausing, rule.SendWithoutData,
		rule.SourceHandleNotSet, rule.SpinLockHeldAtReturn, rule.SpinLockReacquired,
		rule.SpinLockReleaseUnheld, rule.UnexpectedCompletion, rule.UseAfterFree,
	},
	Pool: {
		rule.AllocNetBufferOnDataPool, rule.AllocationFailureIgnored,
		rule.CombinedAllocNeedsNetBufferPool, rule.DoubleFree, rule.FreeOrderNbBeforeNbl,
		rule.FreePreallocatedNb, rule.MdlAndDataNeedsDataPool, rule.NbPoolFreedWithOutstanding,
		rule.NblContextAlignment, rule.NetBufferDataRange, rule.NetBufferLinkedTwice,
		rule.PoolContextAlignment, rule.PoolDataSizeWithoutNetBuffer, rule.PoolFreedWithOutstanding,
		rule.PoolUseAfterFree, rule.RetreatMemoryNotReleased, rule.UseAfterFree,
	},
	Designs: {
		rule.AllocNetBufferOnDataPool, rule.AllocationFailureIgnored, rule.BindWithoutOpen,
		rule.CloseOutsideUnbind, rule.CloseWithOidsOutstanding, rule.CombinedAllocNeedsNetBufferPool,
		rule.DesignHang, rule.DesignPanic, rule.DispatchFlagMismatch, rule.DoubleFree,
		rule.ForeignNblFreed, rule.FreeOrderNbBeforeNbl, rule.FreePreallocatedNb,
		rule.HandleUsedAfterClose, rule.IrqlTooHigh, rule.IrqlTooLow, rule.LeakAtUnbind,
		rule.MdlAndDataNeedsDataPool, rule.NbPoolFreedWithOutstanding, rule.NblContextAlignment,
		rule.NetBufferDataRange, rule.NetBufferLinkedTwice, rule.OidInInvalidState, rule.OpenOutsideBind,
		rule.PauseNotCompleted, rule.PauseWithOutstanding, rule.PendedNotCompleted, rule.PnPEventFailed,
		rule.PnPStatusInvalid, rule.PoolChangedWhileActive, rule.PoolContextAlignment,
		rule.PoolDataSizeWithoutNetBuffer, rule.PoolFreedWithOutstanding, rule.PoolUseAfterFree,
		rule.ReceiveResourcesHeld, rule.ResourcesKeptPastUnbind, rule.RetreatAllocates,
		rule.RetreatMemoryNotReleased, rule.ReturnNotOwned, rule.SendBackfillShortfall,
		rule.SendContextShortfall, rule.SendInFlightTouched, rule.SendWhileNotRunning,
		rule.SendWhilePausing, rule.SendWithoutData, rule.SourceHandleNotSet, rule.SpinLockHeldAtReturn,
		rule.SpinLockReacquired, rule.SpinLockReleaseUnheld, rule.UnexpectedCompletion,
		rule.UseAfterFree,
	},
}

// Pending lists the rules no table breaks, each with the reason.
var Pending = map[rule.Name]string{
	rule.CloseWithOutstanding: "a close the lifecycle allows follows a pause that drained every send, " +
		"and a close from anywhere else is CloseOutsideUnbind first: it guards the binding's own bookkeeping",
}

// Diff compares the rules a table's tests break with the list for it: the
// rules listed but not broken, and the rules broken but not listed.
func Diff(t Table, broken map[rule.Name]bool) (missing, unlisted []rule.Name) {
	listed := map[rule.Name]bool{}
	for _, r := range Tables[t] {
		listed[r] = true
		if !broken[r] {
			missing = append(missing, r)
		}
	}
	for _, r := range rule.Catalogue {
		if broken[r.Name] && !listed[r.Name] {
			unlisted = append(unlisted, r.Name)
		}
	}
	return missing, unlisted
}
