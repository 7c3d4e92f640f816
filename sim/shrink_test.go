package sim_test

import (
	"context"
	"os"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/ndissim/ndissim/rule"
	"github.com/ndissim/ndissim/sim"
)

// ShrinkFast reaches ShrinkFunc's fixpoint (no single choice removed,
// lowered to 0, halved or lowered by one still fails), in runs as short
// overall, in fewer replays.
func TestShrinkFastIsOneMinimalAndAsShort(t *testing.T) {
	e := sim.NewEngine(broken(t))
	r := rule.PauseWithOutstanding
	failing := func(replays *int) func(sim.Result) bool {
		return func(res sim.Result) bool {
			*replays++
			for _, f := range res.Findings {
				if f.Rule == r {
					return true
				}
			}
			return false
		}
	}
	found, fastTotal, slowTotal, fastSteps, slowSteps := 0, 0, 0, 0, 0
	for seed := uint64(0); found < 8; seed++ {
		res := e.Run(seed)
		if res.Err() == nil || res.Err().Rule != r {
			continue
		}
		found++
		var fastReplays, slowReplays int
		fast, minimal := e.ShrinkFast(res.Stream, failing(&fastReplays), sim.ShrinkBudget)
		require.True(t, minimal)
		slow, _ := e.ShrinkFunc(res.Stream, failing(&slowReplays), sim.ShrinkBudget)
		fastTotal += fastReplays
		slowTotal += slowReplays
		again := e.Replay(fast, false)
		require.True(t, failing(new(int))(again), "seed %d: the shrunk stream must fail", seed)
		fastSteps += again.Steps
		slowSteps += e.Replay(slow, false).Steps
		for i, v := range fast {
			c := append(append([]uint32(nil), fast[:i]...), fast[i+1:]...)
			require.False(t, failing(new(int))(e.Replay(c, false)), "seed %d: dropping choice %d still fails", seed, i)
			for _, w := range []uint32{0, v / 2, v - 1} {
				if v == 0 || w == v {
					continue
				}
				c := append([]uint32(nil), fast...)
				c[i] = w
				require.False(t, failing(new(int))(e.Replay(c, false)), "seed %d: choice %d lowered to %d still fails", seed, i, w)
			}
		}
	}
	require.Less(t, fastTotal, slowTotal, "replays")
	require.LessOrEqual(t, fastSteps, slowSteps, "moves of the shrunk runs")
}

// A budget too small ends the shrink, not minimal, on a failing stream.
func TestShrinkFastBudget(t *testing.T) {
	e := sim.NewEngine(broken(t))
	var res sim.Result
	for seed := uint64(0); res.Err() == nil; seed++ {
		res = e.Run(seed)
	}
	r := res.Err().Rule
	failing := func(res sim.Result) bool { return res.Err() != nil && res.Err().Rule == r }
	s, minimal := e.ShrinkFast(res.Stream, failing, 3)
	require.False(t, minimal)
	require.True(t, failing(e.Replay(s, false)))
}

// A rule broken at bind has a trace of no choices: an empty stream, or
// nil, replays the bind and nothing more, whatever ran on the engine before.
func TestEmptyStreamReplaysTheBind(t *testing.T) {
	g, ok := sim.Lookup("broken-context-12")
	require.True(t, ok)
	e := sim.NewEngine(g.Design())
	first := e.Run(1)
	require.Len(t, first.Findings, 1)
	for _, stream := range [][]uint32{{}, nil} {
		e.Run(7) // leaves the generator somewhere else
		res := e.Replay(stream, false)
		require.Equal(t, 1, res.Steps)
		require.Empty(t, res.Stream)
		require.Equal(t, first.Findings, res.Findings)
	}
}

// A whole run's stream holds its teardown's choices after its moves'. Given
// the run's moves, a replay makes those moves and then the teardown, and is
// the run again, byte for byte; replayed until the stream ends, some runs
// take the teardown's choices as moves (seed 5 of broken-close-not-waited).
func TestWholeRunReplaysWithItsMoves(t *testing.T) {
	for _, g := range sim.GoDesigns() {
		e := sim.NewEngine(g.Design())
		for seed := uint64(1); seed <= 40; seed++ {
			r := e.Trace(seed)
			rr := e.ReplayMoves(r.Stream, r.Steps, true)
			require.Equal(t, r.Steps, rr.Steps, "%s seed %d", g.Name, seed)
			require.Equal(t, r.Findings, rr.Findings, "%s seed %d", g.Name, seed)
			require.Equal(t, r.Lines, rr.Lines, "%s seed %d", g.Name, seed)
		}
	}
	g, ok := sim.Lookup("broken-close-not-waited")
	require.True(t, ok)
	e := sim.NewEngine(g.Design())
	r := e.Run(5)
	require.NotEqual(t, r.Steps, e.Replay(r.Stream, false).Steps, "the case the moves are for")
}

// A check that does not shrink saves the run as drawn, with its moves: the
// trace file replays to the same finding.
func TestUnshrunkTraceReproduces(t *testing.T) {
	g, ok := sim.Lookup("broken-close-not-waited")
	require.True(t, ok)
	dir := t.TempDir()
	rep, err := sim.Check(context.Background(), g.Design(), sim.CheckOptions{Seed: 5, Runs: 1, NoShrink: true, OutDir: dir})
	require.NoError(t, err)
	require.Len(t, rep.Findings, 1)
	fr := rep.Findings[0]
	require.True(t, fr.Unshrunk)
	data, err := os.ReadFile(fr.Trace)
	require.NoError(t, err)
	tf, err := sim.ParseTrace(fr.Trace, data)
	require.NoError(t, err)
	require.Equal(t, 200, tf.Moves)
	res := sim.NewEngine(g.Design()).ReplayMoves(tf.Stream, tf.Moves, false)
	require.Equal(t, fr.Step, res.Findings[0].Step)
	require.Equal(t, fr.Rule, res.Findings[0].Rule)
}
