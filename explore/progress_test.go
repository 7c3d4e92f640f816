package explore

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/ndissim/ndissim/internal/designfile"
)

// Progress is told after every batch how far the search has got, the same
// for any number of workers, and its last word agrees with the report.
func TestProgressIsReported(t *testing.T) {
	var seen [2][]Progress
	var reps [2]Report
	for i, workers := range []int{1, 2} {
		opt := brokenOptions()
		opt.Workers = workers
		opt.Progress = func(p Progress) { seen[i] = append(seen[i], p) }
		reps[i] = explore(t, lookup(t, "broken-double-free"), opt)
	}
	require.Equal(t, seen[0], seen[1], "the same for 1 and 2 workers")
	ps := seen[0]
	require.Greater(t, len(ps), 3, "a call per batch")
	for k := 1; k < len(ps); k++ {
		require.GreaterOrEqual(t, ps[k].States, ps[k-1].States)
		require.GreaterOrEqual(t, ps[k].Transitions, ps[k-1].Transitions)
		require.GreaterOrEqual(t, ps[k].Level, ps[k-1].Level)
		require.GreaterOrEqual(t, ps[k].Queue, 0)
	}
	last := ps[len(ps)-1]
	require.Equal(t, reps[0].States, last.States)
	require.Equal(t, reps[0].Transitions, last.Transitions)
	require.Equal(t, len(reps[0].Findings), last.Rules)
	require.Equal(t, reps[0].Frontier, last.Queue, "what is left at the end is the frontier")
	require.Contains(t, last.String(), " states, ")

	opt := DefaultOptions()
	opt.Depth = 3
	var n int
	opt.Progress = func(Progress) { n++ }
	explore(t, designfile.Default(), opt)
	require.Equal(t, 3, n, "one batch a level for a small search")
}
