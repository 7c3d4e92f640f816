package design

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/ndissim/ndissim/oid"
	"github.com/ndissim/ndissim/rule"
	"github.com/ndissim/ndissim/sim"
)

// The sample's model waits as the sample does (NdisMSleep in its pause,
// events for its open, OIDs and close). It draws no error on any stack: a
// bare miniport with no backfill, the demo stack of filters that need
// backfill, and miniports that complete everything at once or always pend.
// Only the shortfall warnings its design earns are allowed, and only where
// the stack needs backfill.
func TestNdisprotDrawsNoErrorOnAnyStack(t *testing.T) {
	runs := correctRuns(t)
	bare := func(c oid.Completion) *oid.Stack {
		s, err := oid.NewStack(oid.MAA64, oid.Layer{Name: "nic"})
		require.NoError(t, err)
		s.Completes = c
		return s
	}
	demo := func(c oid.Completion) *oid.Stack {
		s := demoStack()
		s.Completes = c
		return s
	}
	for _, name := range []string{"ndisprot", "ndisprot-pended"} {
		g, ok := sim.Lookup(name)
		require.True(t, ok)
		for _, c := range []oid.Completion{oid.CompleteSync, oid.CompletePend, oid.CompleteMixed} {
			for _, st := range []struct {
				label    string
				stack    *oid.Stack
				backfill bool
			}{{"bare", bare(c), false}, {"filters", demo(c), true}} {
				t.Run(fmt.Sprintf("%s/%s/%s", name, st.label, c), func(t *testing.T) {
					d := g.Design()
					d.Stack, d.Changes = st.stack, nil
					if st.backfill {
						d.Changes = demoChanges()
					}
					d.Source = []byte(fmt.Sprintf("%s on %s", name, st.stack))
					rep, err := sim.Check(context.Background(), d, sim.CheckOptions{Seed: sim.DefaultSeed, Runs: runs})
					require.NoError(t, err)
					for _, f := range rep.Findings {
						require.Equal(t, rule.Warning.String(), f.Severity, "%s at seed %d: %s\n%s",
							f.Rule, f.Seed, f.Message, strings.Join(f.Lines, "\n"))
						require.True(t, st.backfill, "a warning on a stack that needs no backfill: %s", f.Rule)
						require.Contains(t, []rule.Name{rule.SendBackfillShortfall, rule.SendContextShortfall}, f.Rule)
					}
				})
			}
		}
	}
}
