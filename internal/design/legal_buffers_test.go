package design

import (
	"os"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/ndissim/ndissim/rule"
	"github.com/ndissim/ndissim/sim"
)

// legalBufferRuns is how many runs each legal buffer design must pass:
// 100,000 with NDISSIM_LONG=1, 2,000 otherwise.
func legalBufferRuns() uint64 {
	if os.Getenv("NDISSIM_LONG") == "1" {
		return 100_000
	}
	return 2_000
}

// legalBufferWarnings are the warnings each legal buffer design may draw,
// and why: a "should" of the pages it knowingly departs from. Errors it may
// not draw at all.
var legalBufferWarnings = map[string]map[rule.Name]string{
	"legal-free-nbl-then-nb": {
		rule.FreeOrderNbBeforeNbl: "it frees the NBL before its NB, the order the buffer-management page advises against (should); the NB is freed right after",
	},
	"legal-nb-cache": {},
}

// TestLegalBufferDesignsDrawNoError runs each legal buffer design over many
// seeds: no error finding, and no warning but the ones it is known for. The
// free-order design must draw its warning too, or the test proves nothing
// about the free order.
func TestLegalBufferDesignsDrawNoError(t *testing.T) {
	runs := legalBufferRuns()
	for name, allowed := range legalBufferWarnings {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			g, ok := sim.Lookup(name)
			require.True(t, ok, "%s is not registered", name)
			require.Empty(t, g.Breaks)
			e := sim.NewEngine(g.Design())
			seen := map[rule.Name]bool{}
			for seed := uint64(sim.DefaultSeed); seed < sim.DefaultSeed+runs; seed++ {
				res := e.Run(seed)
				for _, f := range res.Findings {
					_, ok := allowed[f.Rule]
					require.True(t, ok && f.Severity == rule.Warning, "%s, seed %d: %s", name, seed, f.Error())
					seen[f.Rule] = true
				}
			}
			for r := range allowed {
				require.True(t, seen[r], "%s never drew %s in %d runs", name, r, runs)
			}
		})
	}
}
