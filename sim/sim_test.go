package sim_test

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"runtime"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/ndissim/ndissim/binding"
	"github.com/ndissim/ndissim/internal/design"
	"github.com/ndissim/ndissim/oid"
	"github.com/ndissim/ndissim/rule"
	"github.com/ndissim/ndissim/sim"
)

func demo(t testing.TB) sim.Design {
	g, ok := sim.Lookup("ndisprot")
	require.True(t, ok)
	d := g.Design()
	d.Name = "demo"
	d.Protocol = "configurable"
	d.New = design.Configurable(design.DefaultConfig())
	d.Source = []byte("demo")
	return d
}

// earlyPause is the configurable protocol with one bug: it finishes a pause
// at once, though sends are still in flight.
type earlyPause struct{ binding.Protocol }

func (p earlyPause) NetPnPEvent(nd *binding.NDIS, ev binding.PnPEvent) binding.Status {
	if st := p.Protocol.NetPnPEvent(nd, ev); ev.Kind != binding.NetEventPause || st != binding.StatusPending {
		return st
	}
	return binding.StatusSuccess
}

func broken(t testing.TB) sim.Design {
	d := demo(t)
	d.Name = "early-pause"
	inner := d.New
	d.New = func() binding.Protocol { return earlyPause{inner()} }
	d.Source = []byte("early-pause")
	return d
}

func TestSameSeedSameRun(t *testing.T) {
	d := demo(t)
	a, b := sim.NewEngine(d), sim.NewEngine(d)
	for seed := uint64(0); seed < 200; seed++ {
		b.Run(seed + 1000) // b carries state from another run: it must not matter
		ra, rb := a.Trace(seed), b.Trace(seed)
		require.Equal(t, ra.Stream, rb.Stream, "seed %d", seed)
		require.Equal(t, ra.Lines, rb.Lines, "seed %d", seed)
		require.Equal(t, ra.Findings, rb.Findings)
		rc := a.Run(seed)
		require.Equal(t, ra.Stream, rc.Stream, "tracing must not change the run")
	}
}

func TestReplayReproducesARun(t *testing.T) {
	e := sim.NewEngine(broken(t))
	var found sim.Result
	for seed := uint64(0); seed < 100 && found.Err() == nil; seed++ {
		found = e.Run(seed)
	}
	require.NotNil(t, found.Err(), "the broken design must fail within 100 seeds")
	require.Equal(t, rule.PauseWithOutstanding, found.Err().Rule)
	again := e.Replay(found.Stream, true)
	require.Equal(t, found.Findings, again.Findings)
	require.NotEmpty(t, again.Lines)
}

func TestShrinkIsShortAndOneMinimal(t *testing.T) {
	e := sim.NewEngine(broken(t))
	var found sim.Result
	for seed := uint64(0); found.Err() == nil; seed++ {
		found = e.Run(seed)
	}
	shrunk, minimal := e.Shrink(found.Stream, rule.PauseWithOutstanding)
	require.True(t, minimal)
	res := e.Replay(shrunk, true)
	require.Equal(t, rule.PauseWithOutstanding, res.Err().Rule)
	require.Less(t, len(shrunk), len(found.Stream))
	require.LessOrEqual(t, res.Steps, 6, "a pause with a send in flight needs bind, restart, write, pause")
	for i := range shrunk {
		c := append(append([]uint32(nil), shrunk[:i]...), shrunk[i+1:]...)
		r := e.Replay(c, false)
		if r.Err() != nil {
			require.NotEqual(t, rule.PauseWithOutstanding, r.Err().Rule, "dropping choice %d still fails: not minimal", i)
		}
	}
}

func TestCheckReportIsTheSameForAnyWorkerCount(t *testing.T) {
	for _, d := range []sim.Design{demo(t), broken(t)} {
		var reports [][]byte
		for _, w := range []int{1, 2, 3} {
			rep, err := sim.Check(context.Background(), d, sim.CheckOptions{Seed: 7, Runs: 300, Workers: w})
			require.NoError(t, err)
			js, err := json.Marshal(rep)
			require.NoError(t, err)
			reports = append(reports, js)
		}
		require.Equal(t, string(reports[0]), string(reports[1]))
		require.Equal(t, string(reports[0]), string(reports[2]))
	}
}

func TestCheckReportIsTheSameForAnyGOMAXPROCS(t *testing.T) {
	d := broken(t)
	var reports []string
	for _, procs := range []int{1, 2} {
		old := runtime.GOMAXPROCS(procs)
		rep, err := sim.Check(context.Background(), d, sim.CheckOptions{Seed: 3, Runs: 200})
		runtime.GOMAXPROCS(old)
		require.NoError(t, err)
		js, _ := json.Marshal(rep)
		reports = append(reports, string(js))
	}
	require.Equal(t, reports[0], reports[1])
}

func TestCheckStopsAtFirstErrorAndSavesATraceThatReplays(t *testing.T) {
	dir := t.TempDir()
	d := broken(t)
	rep, err := sim.Check(context.Background(), d, sim.CheckOptions{Seed: 1, Runs: 1000, Workers: 2, OutDir: dir, Verify: 5})
	require.NoError(t, err)
	require.True(t, rep.Failed(false))
	require.Less(t, rep.Runs, 1000)
	require.Equal(t, min(5, rep.Runs), rep.Verified)
	require.Empty(t, rep.Nondeterm)
	last := rep.Findings[len(rep.Findings)-1]
	require.Equal(t, rule.PauseWithOutstanding, last.Rule)
	require.Equal(t, uint64(rep.Runs), last.Seed) // seeds start at 1
	data, err := os.ReadFile(last.Trace)
	require.NoError(t, err)
	tf, err := sim.ParseTrace(last.Trace, data)
	require.NoError(t, err)
	require.Equal(t, sim.DesignHash(d), tf.Hash)
	res := sim.NewEngine(d).Replay(tf.Stream, false)
	require.Equal(t, last.Rule, res.Err().Rule)
	matches, _ := filepath.Glob(filepath.Join(dir, ".ndissim-*"))
	require.Empty(t, matches, "no temporary files left behind")
}

func TestCheckInterrupted(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	rep, err := sim.Check(ctx, demo(t), sim.CheckOptions{Seed: 1, Runs: 100000})
	require.NoError(t, err)
	require.True(t, rep.Interrupted)
	require.Zero(t, rep.Runs)
}

func TestRegistryRefusesDuplicates(t *testing.T) {
	g := sim.GoDesign{Name: "sim-test-dup", New: func() binding.Protocol { return nil },
		Stack: func() *oid.Stack { s, _ := oid.NewStack(16, oid.Layer{Name: "m"}); return s }}
	require.NoError(t, sim.Register(g))
	require.Error(t, sim.Register(g))
	require.Error(t, sim.Register(sim.GoDesign{}))
	_, ok := sim.Lookup("sim-test-dup")
	require.True(t, ok)
}

func TestCorrectDesignsDrawNoError(t *testing.T) {
	for _, d := range []sim.Design{demo(t), mustLookup(t, "ndisprot")} {
		rep, err := sim.Check(context.Background(), d, sim.CheckOptions{Seed: 1, Runs: 2000, Workers: 2})
		require.NoError(t, err)
		require.False(t, rep.Failed(false), "%s: %+v", d.Name, rep.Findings)
	}
}

func mustLookup(t testing.TB, name string) sim.Design {
	g, ok := sim.Lookup(name)
	require.True(t, ok)
	return g.Design()
}

// panicky panics in its third write; spinning loops on NDIS in its pause
// handler, as a driver that polls for its sends to drain would.
type panicky struct {
	binding.Protocol
	writes int
}

func (p *panicky) Write(nd *binding.NDIS, n uint32) {
	if p.writes++; p.writes == 3 {
		var m map[string]int
		//lint:ignore SA5000 the test needs a panic of the kind real bugs cause
		m["boom"]++ // a nil map write, as real bugs panic
	}
	p.Protocol.Write(nd, n)
}

type spinning struct{ binding.Protocol }

func (p spinning) NetPnPEvent(nd *binding.NDIS, ev binding.PnPEvent) binding.Status {
	if ev.Kind == binding.NetEventPause {
		for nd.State() == "Pausing" { // waits for a completion that cannot come
		}
	}
	return p.Protocol.NetPnPEvent(nd, ev)
}

func TestMisbehavingDesignsAreFindingsAndLeaveTheEngineClean(t *testing.T) {
	cases := []struct {
		name string
		wrap func(binding.Protocol) binding.Protocol
		want rule.Name
	}{
		{"panic", func(p binding.Protocol) binding.Protocol { return &panicky{Protocol: p} }, rule.DesignPanic},
		{"spin", func(p binding.Protocol) binding.Protocol { return spinning{p} }, rule.DesignHang},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			d := demo(t)
			inner := d.New
			d.New = func() binding.Protocol { return c.wrap(inner()) }
			d.Source = []byte(c.name)
			e := sim.NewEngine(d)
			e.Binding().SetCallBudget(2_000)
			found := 0
			for seed := uint64(0); seed < 300; seed++ {
				r := e.Run(seed)
				if r.Err() == nil {
					continue
				}
				found++
				require.Equal(t, c.want, r.Err().Rule, r.Err().Message)
				// The engine that saw the misbehaviour replays exactly like
				// a fresh one: nothing of its state was corrupted.
				fresh := sim.NewEngine(d)
				fresh.Binding().SetCallBudget(2_000)
				require.Equal(t, fresh.Run(seed).Findings, e.Run(seed).Findings)
				require.Equal(t, fresh.Trace(seed).Lines, e.Trace(seed).Lines)
			}
			require.Positive(t, found)
			rep, err := sim.Check(context.Background(), d, sim.CheckOptions{Seed: 1, Runs: 300, Workers: 2})
			require.NoError(t, err)
			require.Equal(t, c.want, rep.Findings[len(rep.Findings)-1].Rule)
		})
	}
}
