package sim_test

import (
	"context"
	"encoding/json"
	"errors"
	"math"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/ndissim/ndissim/sim"
)

func TestCheckOptionsOutOfBoundsAreRefused(t *testing.T) {
	ok := sim.CheckOptions{Runs: 1}
	cases := []struct {
		edit   func(*sim.CheckOptions)
		option string
	}{
		{func(o *sim.CheckOptions) { o.Workers = math.MaxInt }, "workers"},
		{func(o *sim.CheckOptions) { o.Workers = sim.MaxWorkers + 1 }, "workers"},
		{func(o *sim.CheckOptions) { o.Workers = -1 }, "workers"},
		{func(o *sim.CheckOptions) { o.Steps = sim.MaxSteps + 1 }, "steps"},
		{func(o *sim.CheckOptions) { o.Runs = 0 }, "runs"},
		{func(o *sim.CheckOptions) { o.Runs = sim.MaxRuns + 1 }, "runs"},
		{func(o *sim.CheckOptions) { o.Verify = sim.MaxVerify + 1 }, "verify"},
		{func(o *sim.CheckOptions) { o.Seed, o.Runs = math.MaxUint64, 2 }, "seed"},
	}
	for _, c := range cases {
		o := ok
		c.edit(&o)
		_, err := sim.Check(context.Background(), demo(t), o)
		var oe *sim.OptionError
		require.True(t, errors.As(err, &oe), "%v", err)
		require.Equal(t, c.option, oe.Option)
	}
	o := ok
	o.Seed, o.Runs, o.Steps = math.MaxUint64, 1, 5
	_, err := sim.Check(context.Background(), demo(t), o)
	require.NoError(t, err, "the last seed is usable")
}

// A check returns within a second of its context ending, though each run is
// as long as a run can be, and keeps the runs finished before.
func TestCheckStopsWithinASecondWhateverTheRunLength(t *testing.T) {
	skipUnlessTimed(t)
	ctx, cancel := context.WithCancel(context.Background())
	time.AfterFunc(300*time.Millisecond, cancel)
	start := time.Now()
	rep, err := sim.Check(ctx, demo(t), sim.CheckOptions{Seed: 1, Runs: sim.MaxRuns, Steps: sim.MaxSteps, Workers: 3, Verify: 10})
	require.NoError(t, err)
	require.Less(t, time.Since(start), 300*time.Millisecond+time.Second)
	require.True(t, rep.Interrupted)
	require.Zero(t, rep.Verified, "no self-check after an interruption")
}

// An interruption while a finding is shrunk saves it unshrunk at once.
func TestCheckInterruptedWhileShrinkingSavesTheRunAsDrawn(t *testing.T) {
	dir := t.TempDir()
	d := broken(t)
	ctx, cancel := context.WithCancel(context.Background())
	opt := sim.CheckOptions{Seed: 1, Runs: 1000, Workers: 1, Steps: sim.MaxSteps, OutDir: dir}
	// The search ends at the first error; cancelling from the progress
	// callback that reports it interrupts the shrinking that follows.
	opt.Progress = func(_, findings int) {
		if findings > 0 {
			cancel()
		}
	}
	start := time.Now()
	rep, err := sim.Check(ctx, d, opt)
	require.NoError(t, err)
	require.Less(t, time.Since(start), 5*time.Second)
	require.True(t, rep.Interrupted)
	require.NotEmpty(t, rep.Findings)
	for _, f := range rep.Findings {
		require.True(t, f.Unshrunk)
		require.False(t, f.Minimal)
		tf, err := sim.ReadTrace(f.Trace)
		require.NoError(t, err)
		require.True(t, tf.Unshrunk)
		res := sim.NewEngine(withSteps(d, sim.MaxSteps)).Replay(tf.Stream, false)
		require.Equal(t, f.Rule, res.Err().Rule)
	}
}

func withSteps(d sim.Design, n int) sim.Design {
	d.Workload.Steps = n
	return d
}

// A finding's step is the tick of the seed's own run, shrunk or not.
func TestFindingStepIsTheSameWithAndWithoutShrinking(t *testing.T) {
	var steps [2][]int
	for i, noShrink := range []bool{false, true} {
		rep, err := sim.Check(context.Background(), broken(t), sim.CheckOptions{Seed: 1, Runs: 1000, Workers: 2, NoShrink: noShrink})
		require.NoError(t, err)
		for _, f := range rep.Findings {
			steps[i] = append(steps[i], f.Step)
			require.Equal(t, noShrink, f.Unshrunk)
		}
	}
	require.NotEmpty(t, steps[0])
	require.Equal(t, steps[0], steps[1])
}

// Two design files of one name checked into one directory keep their traces
// apart; a trace records where its design file is only inside its directory.
func TestTraceNamesAreUniquePerDesignFile(t *testing.T) {
	dir := t.TempDir()
	a, b := broken(t), broken(t)
	a.File, b.File = "one/early.yaml", "two/early.yaml"
	var traces []string
	for _, d := range []sim.Design{a, b} {
		rep, err := sim.Check(context.Background(), d, sim.CheckOptions{Seed: 1, Runs: 1000, Workers: 2, OutDir: dir})
		require.NoError(t, err)
		last := rep.Findings[len(rep.Findings)-1]
		traces = append(traces, last.Trace)
		require.Contains(t, last.Replay, d.File, "the design file lies outside the trace directory: replay is told it")
	}
	require.NotEqual(t, traces[0], traces[1])
	for _, p := range traces {
		require.FileExists(t, p)
	}
}

// A trace that cannot be written leaves the finding in the report with the
// reason; the check goes on.
func TestTraceWriteFailureIsReportedWithTheFinding(t *testing.T) {
	dir := t.TempDir()
	d := broken(t)
	rep, err := sim.Check(context.Background(), d, sim.CheckOptions{Seed: 1, Runs: 1000, Workers: 2, OutDir: dir})
	require.NoError(t, err)
	last := rep.Findings[len(rep.Findings)-1]
	require.NoError(t, os.Remove(last.Trace))
	require.NoError(t, os.Mkdir(last.Trace, 0o755)) // a directory where the trace goes
	rep2, err := sim.Check(context.Background(), d, sim.CheckOptions{Seed: 1, Runs: 1000, Workers: 2, OutDir: dir})
	require.NoError(t, err)
	got := rep2.Findings[len(rep2.Findings)-1]
	require.Empty(t, got.Trace)
	require.NotEmpty(t, got.TraceError)
	require.Equal(t, last.Rule, got.Rule)
	left, _ := filepath.Glob(filepath.Join(dir, ".ndissim-*"))
	require.Empty(t, left)
	js, err := json.Marshal(rep2)
	require.NoError(t, err)
	require.Contains(t, string(js), `"trace_error"`)
}
