package sim_test

import (
	"context"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/ndissim/ndissim/binding"
	"github.com/ndissim/ndissim/designkit"
	"github.com/ndissim/ndissim/oid"
	"github.com/ndissim/ndissim/pool"
	"github.com/ndissim/ndissim/rule"
	"github.com/ndissim/ndissim/sim"
)

// The waiting design is designkit's skeleton with Config.Wait: it waits as
// the sample driver does, its bind on an event for a pended open, its pause
// polling the count of sends in flight with NdisMSleep until it can return
// SUCCESS, its unbind on an event for a pended close. Its twin is the same
// skeleton without Wait, which pends those and completes them from its work
// item, so that the two do the same work and differ only in how they wait.
func waitConfig(wait bool) designkit.Config {
	c := designkit.DefaultConfig()
	c.Wait = wait
	return c
}

// stuckPoller is the waiting design with a lost count: it frees each
// completed send but never counts it done, so a pause that finds a send in
// flight polls for it forever.
type stuckPoller struct{ designkit.Base }

func (p *stuckPoller) SendNetBufferListsComplete(nd *binding.NDIS, nbl pool.NBL, _ binding.Status, _ binding.SendCompleteFlags) {
	p.FreeSend(nd, nbl)
}

// waitingDesign, pendedDesign and stuckDesign are the three on a bare NIC.
func waitingDesign(t testing.TB) sim.Design {
	return pollerOf(t, "poller", designkit.Protocol(waitConfig(true)))
}

func pendedDesign(t testing.TB) sim.Design {
	return pollerOf(t, "pended-poller", designkit.Protocol(waitConfig(false)))
}

func stuckDesign(t testing.TB) sim.Design {
	return pollerOf(t, "stuck-poller", func() binding.Protocol { return &stuckPoller{designkit.New(waitConfig(true))} })
}

func pollerOf(t testing.TB, name string, newProto func() binding.Protocol) sim.Design {
	st, err := oid.NewStack(oid.MAA64, oid.Layer{Name: "nic"})
	require.NoError(t, err)
	return sim.Design{Name: name, Stack: st, Protocol: name, Workload: sim.DefaultWorkload, Source: []byte(name), New: newProto}
}

// A pause that polls with NdisMSleep and an unbind that waits for its close
// are correct: while they wait, NDIS completes the sends and the close.
func TestWaitingDesignDrawsNoFinding(t *testing.T) {
	e := sim.NewEngine(waitingDesign(t))
	waited := 0
	for seed := uint64(1); seed <= 2000; seed++ {
		r := e.Run(seed)
		require.Empty(t, r.Findings, "seed %d", seed)
	}
	r := e.Trace(7)
	for _, l := range r.Lines {
		if strings.Contains(l, "NdisMSleep") || strings.Contains(l, "NdisWaitEvent") {
			waited++
		}
	}
	require.NotZero(t, waited, "seed 7 should wait at least once")
}

// A wait nothing can satisfy ends in the watchdog of the operation that
// waits, with its trace, never in a hang of the simulator.
func TestUnsatisfiableWaitIsTheWatchdogs(t *testing.T) {
	e := sim.NewEngine(stuckDesign(t))
	for seed := uint64(1); seed <= 200; seed++ {
		r := e.Run(seed)
		f := r.Err()
		if f == nil {
			continue // no pause found a send in flight in this run
		}
		require.Equal(t, rule.PauseNotCompleted, f.Rule, f.Error())
		require.Contains(t, f.Message, "blocked in a wait")
		return
	}
	t.Fatal("no pause found a send in flight")
}

// Waits are deterministic: the same seed gives the same stream and trace,
// the stream of a run that waited replays to the same trace, and a check
// gives the same report with one worker or two.
func TestWaitsAreDeterministic(t *testing.T) {
	d := waitingDesign(t)
	a, b := sim.NewEngine(d).Trace(11), sim.NewEngine(d).Trace(11)
	require.Equal(t, a.Stream, b.Stream)
	require.Equal(t, a.Lines, b.Lines)

	// The replay is of a run a finding ended, the run a trace file keeps,
	// one that waited on an event and polled in its pause: a replay takes
	// moves until its stream runs out, so the choices a complete run draws
	// in its teardown would be taken as more moves.
	stuck := sim.NewEngine(stuckDesign(t))
	for seed := uint64(1); ; seed++ {
		require.LessOrEqual(t, seed, uint64(200), "no run of the stuck design waited on an event and in its pause")
		a = stuck.Trace(seed)
		text := strings.Join(a.Lines, "\n")
		if a.Err() == nil || !strings.Contains(text, "NdisWaitEvent") || !strings.Contains(text, "NdisMSleep") {
			continue
		}
		replayed := sim.NewEngine(stuckDesign(t)).Replay(a.Stream, true)
		require.Equal(t, a.Lines, replayed.Lines, "seed %d", seed)
		require.Equal(t, a.Findings, replayed.Findings, "seed %d", seed)
		break
	}

	one, err := sim.Check(context.Background(), stuckDesign(t), sim.CheckOptions{Seed: 1, Runs: 64, Workers: 1})
	require.NoError(t, err)
	two, err := sim.Check(context.Background(), stuckDesign(t), sim.CheckOptions{Seed: 1, Runs: 64, Workers: 2})
	require.NoError(t, err)
	require.Equal(t, one, two)
	require.NotEmpty(t, one.Findings)
}

// What a wait costs: the same skeleton, once waiting in its bind, pause and
// unbind (BenchmarkRunWaiting) and once pending them and completing them
// from its work item (BenchmarkRunPended), complete runs of 100 steps each.
func BenchmarkRunWaiting(b *testing.B) {
	benchmarkRuns(b, waitingDesign(b), 100)
}

func BenchmarkRunPended(b *testing.B) {
	benchmarkRuns(b, pendedDesign(b), 100)
}

// The pend-and-complete twin is correct too.
func TestPendedPollerDrawsNoFinding(t *testing.T) {
	e := sim.NewEngine(pendedDesign(t))
	for seed := uint64(1); seed <= 2000; seed++ {
		require.Empty(t, e.Run(seed).Findings, "seed %d", seed)
	}
}
