package binding_test

// Regression tests for bugs found in package binding.

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/ndissim/ndissim/binding"
	"github.com/ndissim/ndissim/pool"
)

// NDIS never calls ProtocolReceiveNetBufferLists with an empty list. Under
// SetFaults the miniport's own receive allocations used to fail too, and
// Indicate then called the design with zero NBLs: a design that read the
// first one panicked, a false DesignPanic.
func TestIndicateUnderFaultsNeverIndicatesAnEmptyList(t *testing.T) {
	h := newHarness(t)
	empty := false
	h.f.OnReceive = func(nd *binding.NDIS, nbls []pool.NBL, _ binding.ReceiveFlags) {
		empty = empty || len(nbls) == 0
		nd.ReturnNetBufferLists(nbls[0], 0)
	}
	h.running()
	h.b.SetFaults(failAll{})
	h.b.Indicate(1, false)
	require.False(t, empty, "ProtocolReceiveNetBufferLists was called with no NBL")
	requireClean(t, h.b)
}
