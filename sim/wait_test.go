package sim_test

import (
	"context"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/ndissim/ndissim/binding"
	"github.com/ndissim/ndissim/oid"
	"github.com/ndissim/ndissim/pool"
	"github.com/ndissim/ndissim/rule"
	"github.com/ndissim/ndissim/sim"
)

// poller waits as the sample driver does: its pause handler polls the
// count of sends in flight with NdisMSleep and returns SUCCESS, and its
// unbind waits on an event for a pended close. stuck never stops polling.
type poller struct {
	pool    pool.NBLPool
	running bool
	pending int
	closed  binding.Event
	stuck   bool
	// pend makes it the pend-and-complete design instead: the same protocol
	// without a wait, for the benchmark's baseline.
	pend    bool
	pausing binding.PnPEvent
}

func (q *poller) BindAdapter(nd *binding.NDIS, _ oid.BindParameters) binding.Status {
	*q = poller{stuck: q.stuck, pend: q.pend}
	q.pool = nd.AllocateNetBufferListPool(pool.NBLPoolParameters{AllocateNetBuffer: true, ContextSize: 16})
	if q.pool.IsNull() {
		return binding.StatusResources
	}
	st := nd.OpenAdapter()
	if st != binding.StatusSuccess && st != binding.StatusPending {
		nd.FreeNetBufferListPool(q.pool)
	}
	return st
}

func (q *poller) OpenAdapterComplete(nd *binding.NDIS, st binding.Status) {
	if st != binding.StatusSuccess {
		nd.FreeNetBufferListPool(q.pool)
	}
	nd.CompleteBindAdapter(st)
}

func (q *poller) NetPnPEvent(nd *binding.NDIS, ev binding.PnPEvent) binding.Status {
	if ev.Kind == binding.NetEventRestart {
		q.running = true
		return binding.StatusSuccess
	}
	q.running = false
	if q.pend && q.pending > 0 {
		q.pausing = ev
		return binding.StatusPending // WorkItem completes it
	}
	for q.pending > 0 || q.stuck {
		nd.Sleep(100_000) // NdisMSleep(100 ms)
	}
	return binding.StatusSuccess
}

func (q *poller) UnbindAdapter(nd *binding.NDIS) binding.Status {
	nd.InitializeEvent(&q.closed)
	if nd.CloseAdapter() == binding.StatusPending {
		if q.pend {
			return binding.StatusPending // CloseAdapterComplete completes it
		}
		nd.WaitEvent(&q.closed, 0)
	}
	nd.FreeNetBufferListPool(q.pool)
	return binding.StatusSuccess
}

func (q *poller) CloseAdapterComplete(nd *binding.NDIS) {
	if q.pend {
		nd.FreeNetBufferListPool(q.pool)
		nd.CompleteUnbindAdapter()
		return
	}
	nd.SetEvent(&q.closed)
}

func (q *poller) SendNetBufferListsComplete(nd *binding.NDIS, nbl pool.NBL, _ binding.Status, _ binding.SendCompleteFlags) {
	nd.FreeNetBufferList(nbl)
	q.pending--
}

func (q *poller) ReceiveNetBufferLists(nd *binding.NDIS, nbls []pool.NBL, flags binding.ReceiveFlags) {
	if flags&binding.ReceiveResources != 0 {
		return
	}
	for _, nbl := range nbls {
		nd.ReturnNetBufferLists(nbl, 0)
	}
}

func (q *poller) OidRequestComplete(*binding.NDIS, oid.Request, oid.Result) {}

func (q *poller) Write(nd *binding.NDIS, bytes uint32) {
	if !q.running {
		return
	}
	nbl := nd.AllocateNetBufferAndNetBufferList(q.pool, 16, 0, 1, 0, bytes)
	if nbl.IsNull() {
		return
	}
	q.pending++
	nd.SetSourceHandle(nbl)
	nd.SendNetBufferLists(nbl, 0)
}

func (q *poller) WorkItem(nd *binding.NDIS) {
	if q.pausing.ID != 0 && q.pending == 0 {
		ev := q.pausing
		q.pausing = binding.PnPEvent{}
		nd.CompleteNetPnPEvent(ev, binding.StatusSuccess)
	}
}

func pollerDesign(t testing.TB, stuck bool) sim.Design { return pollerOf(t, poller{stuck: stuck}) }

func pollerOf(t testing.TB, q poller) sim.Design {
	st, err := oid.NewStack(oid.MAA64, oid.Layer{Name: "nic"})
	require.NoError(t, err)
	name := map[bool]string{true: "stuck-poller", false: "poller"}[q.stuck]
	if q.pend {
		name = "pended-poller"
	}
	return sim.Design{Name: name, Stack: st, Protocol: name, Workload: sim.DefaultWorkload, Source: []byte(name),
		New: func() binding.Protocol { c := q; return &c }}
}

// A pause that polls with NdisMSleep and an unbind that waits for its close
// are correct: while they wait, NDIS completes the sends and the close.
func TestWaitingDesignDrawsNoFinding(t *testing.T) {
	e := sim.NewEngine(pollerDesign(t, false))
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
	e := sim.NewEngine(pollerDesign(t, true))
	for seed := uint64(1); seed <= 200; seed++ {
		r := e.Run(seed)
		f := r.Err()
		if f == nil {
			continue // no pause reached in this run
		}
		require.Equal(t, rule.PauseNotCompleted, f.Rule, f.Error())
		require.Contains(t, f.Message, "blocked in a wait")
		return
	}
	t.Fatal("no run paused")
}

// Waits are deterministic: the same seed gives the same stream and trace,
// and a check gives the same report with one worker or two.
func TestWaitsAreDeterministic(t *testing.T) {
	d := pollerDesign(t, false)
	a, b := sim.NewEngine(d).Trace(11), sim.NewEngine(d).Trace(11)
	require.Equal(t, a.Stream, b.Stream)
	require.Equal(t, a.Lines, b.Lines)
	replayed := sim.NewEngine(d).Replay(a.Stream, true)
	require.Equal(t, a.Lines, replayed.Lines)

	one, err := sim.Check(context.Background(), pollerDesign(t, true), sim.CheckOptions{Seed: 1, Runs: 64, Workers: 1})
	require.NoError(t, err)
	two, err := sim.Check(context.Background(), pollerDesign(t, true), sim.CheckOptions{Seed: 1, Runs: 64, Workers: 2})
	require.NoError(t, err)
	require.Equal(t, one, two)
	require.NotEmpty(t, one.Findings)
}

// What a wait costs: the same protocol, once waiting in its pause and
// unbind (BenchmarkRunWaiting) and once pending them and completing them
// from a work item (BenchmarkRunPended), complete runs of 100 steps each.
func BenchmarkRunWaiting(b *testing.B) { benchmarkPoller(b, poller{}) }
func BenchmarkRunPended(b *testing.B)  { benchmarkPoller(b, poller{pend: true}) }

func benchmarkPoller(b *testing.B, q poller) {
	d := pollerOf(b, q)
	d.Workload.Steps = 100
	e := sim.NewEngine(d)
	steps := 0
	b.ReportAllocs()
	seed := uint64(0)
	for b.Loop() {
		seed++
		steps += e.Run(seed).Steps
	}
	b.ReportMetric(float64(steps)/b.Elapsed().Seconds(), "steps/s")
}

// The pend-and-complete twin is correct too.
func TestPendedPollerDrawsNoFinding(t *testing.T) {
	e := sim.NewEngine(pollerOf(t, poller{pend: true}))
	for seed := uint64(1); seed <= 2000; seed++ {
		require.Empty(t, e.Run(seed).Findings, "seed %d", seed)
	}
}
