package design

import (
	"context"
	"os"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/ndissim/ndissim/rule"
	"github.com/ndissim/ndissim/sim"
)

// legalRuns is how many runs each legal design must pass without an error:
// 100,000 with NDISSIM_LONG=1, 2,000 otherwise.
func legalRuns() int {
	if os.Getenv("NDISSIM_LONG") == "1" {
		return 100_000
	}
	return 2_000
}

// TestLegalDesignsDrawNoError checks the legal patterns: no error in any
// run, and exactly the warning each one is known for, which also proves
// the run went through the pattern.
func TestLegalDesignsDrawNoError(t *testing.T) {
	runs := legalRuns()
	for _, l := range legalDesigns {
		t.Run(l.Name, func(t *testing.T) {
			t.Parallel()
			g, ok := sim.Lookup(l.Name)
			require.True(t, ok)
			require.Empty(t, g.Breaks, "a legal design breaks nothing")
			rep, err := sim.Check(context.Background(), g.Design(), sim.CheckOptions{Seed: sim.DefaultSeed, Runs: runs})
			require.NoError(t, err)
			require.Equal(t, runs, rep.Runs)
			for _, f := range rep.Findings {
				require.NotEqual(t, rule.Error.String(), f.Severity, "%s: %s at seed %d: %s\n%s",
					l.Name, f.Rule, f.Seed, f.Message, strings.Join(f.Lines, "\n"))
			}
			require.Equal(t, l.warns, brokenRules(rep.Findings), "%s draws its pattern's warning and no other", l.Name)
		})
	}
}
