package sim

import (
	"context"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ndissim/ndissim/binding"
	"github.com/ndissim/ndissim/designkit"
	"github.com/ndissim/ndissim/oid"
)

// run hands the binding a decider of its own for a run that records
// coverage, so that it does not allocate one per run: it must be the one
// decider() makes.
func TestRunsDecideAsDeciderSays(t *testing.T) {
	st, err := oid.NewStack(oid.MAA64, oid.Layer{Name: "nic"})
	require.NoError(t, err)
	e := NewEngine(Design{Name: "kit", Stack: st, Workload: DefaultWorkload,
		New: func() binding.Protocol { b := designkit.New(designkit.SeparateConfig()); return &b }})
	var cov Coverage
	e.SetCoverage(&cov)
	e.Run(1)
	dec, faults := e.decider()
	require.Equal(t, dec, e.covDec)
	require.Equal(t, faults, e.covDec)
}

// RunShared is Run, without the copies of the stream and the findings.
func TestRunSharedIsRun(t *testing.T) {
	st, err := oid.NewStack(oid.MAA64, oid.Layer{Name: "nic"})
	require.NoError(t, err)
	d := Design{Name: "kit", Stack: st, Workload: DefaultWorkload,
		New: func() binding.Protocol { b := designkit.New(designkit.SeparateConfig()); return &b }}
	shared, copied := NewEngine(d), NewEngine(d)
	for seed := uint64(1); seed <= 20; seed++ {
		got := shared.RunShared(seed)
		want := copied.Run(seed)
		require.Equal(t, want.Steps, got.Steps)
		require.Equal(t, want.Stream, got.Stream)
		require.Equal(t, len(want.Findings), len(got.Findings))
		for i := range want.Findings {
			require.Equal(t, want.Findings[i], got.Findings[i])
		}
	}
	runs := testing.AllocsPerRun(20, func() { copied.Run(3) })
	shares := testing.AllocsPerRun(20, func() { shared.RunShared(3) })
	require.Less(t, shares, runs)
}

// kitDesign is designkit's protocol, which copies itself (binding.Copier),
// on a stack that a run edits, so that runs restart on two stacks.
func kitDesign(t *testing.T) Design {
	st, err := oid.NewStack(oid.MAA64, oid.Layer{Name: "nic"}, oid.Layer{Name: "qos", DataBackfill: 32, ContextBackfill: 16})
	require.NoError(t, err)
	return Design{Name: "kit", Stack: st, Workload: DefaultWorkload,
		Changes: []oid.Edit{{Insert: &oid.Layer{Name: "vpn", DataBackfill: 64, ContextBackfill: 32}}},
		New:     func() binding.Protocol { b := designkit.New(designkit.SeparateConfig()); return &b }}
}

// Once an engine's memory has grown to its runs, a run allocates nothing:
// not its restarts' parameters, its coverage, nor the design's instance.
func TestWarmRunsDoNotAllocate(t *testing.T) {
	e := NewEngine(kitDesign(t))
	var cov Coverage
	e.SetCoverage(&cov)
	runs := func() {
		for seed := uint64(1); seed <= 100; seed++ {
			e.RunShared(seed)
		}
	}
	runs() // the same seeds again find the memory grown
	require.Zero(t, testing.AllocsPerRun(3, runs), "allocations in 100 runs")
}

// checkAllocsPerRun is what one more run costs a check: the difference of
// two checks' allocations, over the difference of their runs, so that what
// a check allocates once (engines, report) does not count.
func checkAllocsPerRun(t *testing.T, d Design, workers int) float64 {
	check := func(runs int) float64 {
		return testing.AllocsPerRun(1, func() {
			rep, err := Check(context.Background(), d, CheckOptions{Seed: 1, Runs: runs, Workers: workers})
			require.NoError(t, err)
			require.Equal(t, runs, rep.Runs, "a check that stops early measures nothing")
		})
	}
	const few, many = 256, 1280
	return (check(many) - check(few)) / (many - few)
}

// A check's runs allocate only per batch of runs (the batch's goroutines),
// a few allocations per 32 to 128 runs of a worker: under 0.1 a run, where
// each run of this design made 20 before the restarts, the coverage and
// the design's instance stopped allocating. An allocation per run comes
// back above the bound.
func TestCheckAllocatesPerBatchNotPerRun(t *testing.T) {
	d := kitDesign(t)
	for _, workers := range []int{1, 2} {
		got := checkAllocsPerRun(t, d, workers)
		assert.LessOrEqual(t, got, 0.1, "allocations per run with %d workers", workers)
	}
}
