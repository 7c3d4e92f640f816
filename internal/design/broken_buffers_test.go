package design

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/ndissim/ndissim/sim"
)

// brokenBufferMaxRuns is how many runs may pass before a broken buffer
// design is caught.
const brokenBufferMaxRuns = 2_000

// TestBrokenBufferDesignsAreCaught runs each broken design of
// broken_buffers.go until it breaks its rule: within brokenBufferMaxRuns
// runs, and with no finding of another rule on the way.
func TestBrokenBufferDesignsAreCaught(t *testing.T) {
	for _, name := range []string{
		"broken-mdl-data-no-size",
		"broken-retreat-not-released",
		"broken-retreat-allocates",
		"broken-nb-pool-before-cache",
		"broken-stats-after-free",
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			g, ok := sim.Lookup(name)
			require.True(t, ok, "%s is not registered", name)
			require.NotEmpty(t, g.Breaks)
			e := sim.NewEngine(g.Design())
			for seed := uint64(sim.DefaultSeed); seed < sim.DefaultSeed+brokenBufferMaxRuns; seed++ {
				res := e.Run(seed)
				for _, f := range res.Findings {
					require.Equal(t, g.Breaks, f.Rule, "%s, seed %d: %s", name, seed, f.Error())
				}
				if len(res.Findings) > 0 {
					t.Logf("%s breaks %s at run %d", name, g.Breaks, seed-sim.DefaultSeed+1)
					return
				}
			}
			t.Fatalf("%s did not break %s in %d runs", name, g.Breaks, brokenBufferMaxRuns)
		})
	}
}
