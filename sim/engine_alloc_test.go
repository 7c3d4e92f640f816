package sim

import (
	"testing"

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
