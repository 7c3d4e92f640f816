package binding_test

// Known bugs of package binding, each shown by a failing scenario and
// skipped until it is fixed: remove the t.Skip to see it fail.

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/ndissim/ndissim/binding"
	"github.com/ndissim/ndissim/internal/rule"
	"github.com/ndissim/ndissim/pool"
)

// NDIS never calls ProtocolReceiveNetBufferLists with an empty list. Under
// SetFaults the miniport's own receive allocations fail too (the binding's
// receive pool lives in the same tracker), and Indicate then calls the
// design with zero NBLs: a design that reads the first one panics, and the
// run reports a DesignPanic that is the simulator's fault.
func TestIndicateUnderFaultsNeverIndicatesAnEmptyList(t *testing.T) {
	t.Skip("BUG: Indicate calls ProtocolReceiveNetBufferLists with an empty list when SetFaults " +
		"makes the miniport's receive allocations fail; the design's nbls[0] then draws a false DesignPanic")
	h := newHarness(t)
	empty := false
	h.f.OnReceive = func(nd *binding.NDIS, nbls []pool.NBL, _ binding.ReceiveFlags) {
		empty = empty || len(nbls) == 0
		nd.ReturnNetBufferLists(nbls[0])
	}
	h.running()
	h.b.SetFaults(failAll{})
	h.b.Indicate(1, false)
	require.False(t, empty, "ProtocolReceiveNetBufferLists was called with no NBL")
	requireClean(t, h.b)
}

// Findings returns the binding's own slice, and Reset truncates and refills
// it: a caller that keeps the findings of a run (a campaign comparing
// seeds, a shrinker keeping the best failure) finds them overwritten by the
// next run. Either Findings should return a copy or its doc should say the
// slice is valid only until Reset.
func TestFindingsOfARunSurviveReset(t *testing.T) {
	t.Skip("BUG: Findings() aliases the binding's buffer; Reset and the next run overwrite " +
		"findings a caller kept from the previous run (copy, or document 'valid until Reset')")
	h := newHarness(t)
	h.bind()
	h.send() // SendWhileNotRunning
	kept := h.b.Findings()
	require.Equal(t, rule.SendWhileNotRunning, kept[0].Rule)

	h.b.Reset(h.f, h.stack, h.d)
	h.running()
	h.work(func(nd *binding.NDIS) { nd.ReturnNetBufferLists(h.f.Alloc(nd, 0)) }) // ReturnNotOwned
	require.Equal(t, rule.ReturnNotOwned, h.b.Findings()[0].Rule)
	require.Equal(t, rule.SendWhileNotRunning, kept[0].Rule, "the first run's finding was overwritten")
}
