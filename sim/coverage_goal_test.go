package sim_test

import (
	"context"
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/ndissim/ndissim/binding"
	"github.com/ndissim/ndissim/fsm"
	"github.com/ndissim/ndissim/oid"
	"github.com/ndissim/ndissim/sim"
)

// thorough wraps a design so that it can make every possible (state, move)
// pair, which no built-in design does: its first bind of a run opens the
// adapter and fails, closing it (a close pended in Opening); it pends every
// restart until an OID query of its own is answered (work items, writes and
// OID completions in Restarting); and its work items query while Paused,
// Running or Pausing (OID completions there). It breaks no rule of its
// own; the design it wraps draws a warning.
type thorough struct {
	binding.Protocol
	binds   int
	failing bool // the first bind, failed after its open
	restart *binding.PnPEvent
	oid     uint32 // own request outstanding
	nextOID uint32
}

const thoroughOID = binding.OwnRequestID + 1<<16

func (p *thorough) BindAdapter(nd *binding.NDIS, bp oid.BindParameters) binding.Status {
	p.binds++
	if p.binds > 1 {
		return p.Protocol.BindAdapter(nd, bp)
	}
	p.failing = true
	switch nd.OpenAdapter() {
	case binding.StatusSuccess:
		return p.closeInBind(nd, true)
	case binding.StatusPending:
		return binding.StatusPending
	}
	p.failing = false
	return binding.StatusFailure
}

// closeInBind closes the adapter the failed bind opened.
func (p *thorough) closeInBind(nd *binding.NDIS, inline bool) binding.Status {
	if nd.CloseAdapter() == binding.StatusPending {
		return binding.StatusPending
	}
	p.failing = false
	if !inline {
		nd.CompleteBindAdapter(binding.StatusFailure)
	}
	return binding.StatusFailure
}

func (p *thorough) OpenAdapterComplete(nd *binding.NDIS, st binding.Status) {
	if !p.failing {
		p.Protocol.OpenAdapterComplete(nd, st)
		return
	}
	if st != binding.StatusSuccess {
		p.failing = false
		nd.CompleteBindAdapter(binding.StatusFailure)
		return
	}
	p.closeInBind(nd, false)
}

func (p *thorough) CloseAdapterComplete(nd *binding.NDIS) {
	if !p.failing {
		p.Protocol.CloseAdapterComplete(nd)
		return
	}
	p.failing = false
	nd.CompleteBindAdapter(binding.StatusFailure)
}

func (p *thorough) NetPnPEvent(nd *binding.NDIS, ev binding.PnPEvent) binding.Status {
	st := p.Protocol.NetPnPEvent(nd, ev)
	if ev.Kind != binding.NetEventRestart || st != binding.StatusSuccess {
		return st
	}
	p.restart = &ev
	p.query(nd)
	return binding.StatusPending
}

// query asks for the frame size, once at a time.
func (p *thorough) query(nd *binding.NDIS) {
	if p.oid != 0 {
		return
	}
	p.nextOID++
	p.oid = thoroughOID + p.nextOID
	id := p.oid
	if _, res := nd.OidRequest(oid.Request{ID: id, Type: oid.Query, OID: oid.OIDGenMaximumFrameSize}); res.Status != binding.StatusPending && p.oid == id {
		p.oid = 0
	}
}

func (p *thorough) OidRequestComplete(nd *binding.NDIS, req oid.Request, res oid.Result) {
	if req.ID > thoroughOID {
		if req.ID == p.oid {
			p.oid = 0
		}
		return
	}
	p.Protocol.OidRequestComplete(nd, req, res)
}

func (p *thorough) WorkItem(nd *binding.NDIS) {
	p.Protocol.WorkItem(nd)
	if p.restart != nil && p.oid == 0 {
		ev := *p.restart
		p.restart = nil
		nd.CompleteNetPnPEvent(ev, binding.StatusSuccess)
		return
	}
	if s := nd.State(); p.restart == nil && (s == "Running" || s == "Paused" || s == "Pausing") {
		p.query(nd)
	}
}

// Write refuses what comes while the restart is pended: the inner design
// thinks it runs.
func (p *thorough) Write(nd *binding.NDIS, n uint32) {
	if p.restart == nil {
		p.Protocol.Write(nd, n)
	}
}

// thoroughDesign is legal-close-oid-pending made thorough, with NDIS
// pending rarely, so that its pairs need more than DefaultRuns runs.
func thoroughDesign(t testing.TB) sim.Design {
	g, ok := sim.Lookup("legal-close-oid-pending")
	require.True(t, ok)
	d := g.Design()
	inner := d.New
	d.New = func() binding.Protocol { return &thorough{Protocol: inner()} }
	d.Name, d.Source = "thorough", []byte("thorough")
	d.Workload.Pend = 0.05
	return d
}

// A design whose pairs need more than --runs runs goes on past them, to
// the run that sees its last pair, and no further: the same run for any
// number of workers.
func TestCoverageGoalKeepsCheckingUntilEveryPairIsSeen(t *testing.T) {
	d := thoroughDesign(t)
	plain, err := sim.Check(context.Background(), d, sim.CheckOptions{Seed: 1, Runs: sim.DefaultRuns, Workers: 2})
	require.NoError(t, err)
	require.False(t, plain.Coverage.Complete(), "the default runs must not see every pair, or the test shows nothing")
	require.Nil(t, plain.Goal)

	var first []byte
	for _, w := range []int{1, 2, 3} {
		rep, err := sim.Check(context.Background(), d, sim.CheckOptions{Seed: 1, Runs: sim.DefaultRuns, Workers: w, CoverageGoal: true})
		require.NoError(t, err)
		require.Equal(t, &sim.CoverageGoal{MaxRuns: sim.DefaultMaxRuns(sim.DefaultRuns), Reached: true}, rep.Goal)
		require.True(t, rep.Coverage.Complete())
		require.Greater(t, rep.Runs, sim.DefaultRuns)
		require.Empty(t, rep.Coverage.Missed())
		b, err := json.Marshal(rep)
		require.NoError(t, err)
		if first == nil {
			first = b
			// The goal was met by the last run: one run fewer misses a pair.
			less, err := sim.Check(context.Background(), d, sim.CheckOptions{Seed: 1, Runs: rep.Runs - 1, Workers: w})
			require.NoError(t, err)
			require.False(t, less.Coverage.Complete(), "runs %d", rep.Runs)
			continue
		}
		require.Equal(t, string(first), string(b), "workers %d", w)
	}
}

// A design that cannot make some pair (this one makes no OID request)
// stops at the budget and says which pairs it never saw.
func TestCoverageGoalStopsAtTheBudget(t *testing.T) {
	rep, err := sim.Check(context.Background(), demo(t), sim.CheckOptions{Seed: 1, Runs: 50, Workers: 2, CoverageGoal: true, MaxRuns: 300})
	require.NoError(t, err)
	require.Equal(t, 300, rep.Runs)
	require.Equal(t, &sim.CoverageGoal{MaxRuns: 300, Reached: false}, rep.Goal)
	require.Contains(t, rep.Coverage.Missed(), sim.Pair{State: fsm.Running, Move: "complete-oid"})
	require.Contains(t, rep.Coverage.Text(), "never: complete-oid in Running")
}

// A goal reached before --runs does not cut the check short.
func TestCoverageGoalNeverShortensACheck(t *testing.T) {
	d := thoroughDesign(t)
	d.Workload.Pend = 0.5 // every pair within a few runs
	rep, err := sim.Check(context.Background(), d, sim.CheckOptions{Seed: 1, Runs: 40, Workers: 2, CoverageGoal: true})
	require.NoError(t, err)
	require.Equal(t, 40, rep.Runs)
	require.True(t, rep.Goal.Reached)
}

func TestCoverageGoalOptionsAreChecked(t *testing.T) {
	cases := map[string]struct {
		opt    sim.CheckOptions
		option string
	}{
		"budget without the goal": {sim.CheckOptions{Runs: 10, MaxRuns: 20}, "max-runs"},
		"budget below the runs":   {sim.CheckOptions{Runs: 10, MaxRuns: 5, CoverageGoal: true}, "max-runs"},
		"budget past the bound":   {sim.CheckOptions{Runs: 10, MaxRuns: sim.MaxRuns + 1, CoverageGoal: true}, "max-runs"},
		"sharded":                 {sim.CheckOptions{Runs: 10, CoverageGoal: true, Shard: sim.Shard{Index: 0, Count: 2}}, "coverage-goal"},
		"last seed past 64 bits":  {sim.CheckOptions{Seed: 1<<64 - 20, Runs: 10, CoverageGoal: true}, "seed"},
	}
	for name, c := range cases {
		err := c.opt.Validate()
		var oe *sim.OptionError
		require.ErrorAs(t, err, &oe, name)
		require.Equal(t, c.option, oe.Option, name)
	}
}
