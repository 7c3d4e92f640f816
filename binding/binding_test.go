package binding_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/ndissim/ndissim/binding"
	"github.com/ndissim/ndissim/fsm"
	"github.com/ndissim/ndissim/oid"
	"github.com/ndissim/ndissim/pool"
	"github.com/ndissim/ndissim/rule"
)

// A design short of backfill on every send draws each warning once, and
// keeps running: warnings never halt.
func TestWarningsAreKeptOncePerRule(t *testing.T) {
	h := newHarness(t, oid.Layer{Name: "vpn", DataBackfill: 32, ContextBackfill: 16})
	h.running()
	for range 5 {
		h.work(func(nd *binding.NDIS) { h.f.SendNBL(nd, h.f.Alloc(nd, 0)) })
	}
	fs := h.b.Findings()
	require.Len(t, fs, 2, findingsText(fs))
	require.Equal(t, rule.SendBackfillShortfall, fs[0].Rule)
	require.Equal(t, rule.SendContextShortfall, fs[1].Rule)
	for _, f := range fs {
		require.Equal(t, rule.Warning, f.Severity)
		require.Equal(t, string(fsm.Running), f.State)
	}
	require.False(t, h.b.Halted())
	require.Equal(t, 5, h.b.Outstanding().Sends, "warned sends still go out")

	// An error after the warnings is still reported, and halts.
	h.work(func(nd *binding.NDIS) { nd.ReturnNetBufferLists(h.f.Alloc(nd, 32), 0) })
	fs = h.b.Findings()
	require.Len(t, fs, 3, findingsText(fs))
	require.Equal(t, rule.ReturnNotOwned, fs[2].Rule)
	require.True(t, h.b.Halted())
}

// After the first error the binding halts as a bug check halts Windows: the
// design is stopped where it stands (its next NDIS call does not return),
// an NDIS call made outside any callback does nothing and returns what a
// failed call returns, and every environment move does nothing.
func TestAfterTheFirstErrorEveryCallIsIgnored(t *testing.T) {
	h := newHarness(t)
	h.running()
	live := h.b.Pools().LiveCount(pool.OwnerProtocol)
	var (
		saved                      *binding.NDIS
		afterError, afterFirstCall bool
	)
	h.work(func(nd *binding.NDIS) {
		saved = nd
		nd.ReturnNetBufferLists(pool.NBL{}, 0) // ReturnNotOwned: halts
		afterError = true
		nd.AllocateNetBufferListPool(fakePool)
		afterFirstCall = true
	})
	require.True(t, afterError, "the call that broke the rule returns")
	require.False(t, afterFirstCall, "the next NDIS call stops the design")
	requireOnly(t, h.b, rule.ReturnNotOwned, fsm.Running)

	// Outside a callback, a halted NDIS answers as a failed call.
	nd := saved
	require.True(t, nd.AllocateNetBufferListPool(fakePool).IsNull())
	require.True(t, nd.AllocateNetBufferPool(pool.NBPoolParameters{}).IsNull())
	require.True(t, h.f.Alloc(nd, 0).IsNull())
	require.True(t, nd.AllocateNetBufferList(h.f.Pool, 0, 0).IsNull())
	require.Equal(t, binding.StatusFailure, nd.OpenAdapter())
	require.Equal(t, binding.StatusFailure, nd.CloseAdapter())
	_, res := nd.OidRequest(backfillQuery)
	require.Equal(t, binding.StatusFailure, res.Status)
	require.Equal(t, pool.RetreatFailed, nd.RetreatNetBufferDataStart(pool.NB{}, 8, 0))
	// Calls that would each break a rule draw nothing more.
	nd.SetSourceHandle(pool.NBL{})
	nd.SendNetBufferLists(pool.NBL{}, 0)
	nd.FreeNetBufferList(pool.NBL{})
	nd.FreeNetBufferListPool(h.f.Pool)
	nd.CompleteBindAdapter(binding.StatusSuccess)
	nd.CompleteNetPnPEvent(h.f.LastPnP, binding.StatusSuccess)
	nd.CompleteUnbindAdapter()
	requireOnly(t, h.b, rule.ReturnNotOwned, fsm.Running)
	require.Equal(t, live, h.b.Pools().LiveCount(pool.OwnerProtocol), "nothing was allocated or freed")

	// The environment's moves do nothing either: no callback runs, no state moves.
	called := 0
	h.f.OnNetPnPEvent = func(*binding.NDIS, binding.PnPEvent) binding.Status { called++; return binding.StatusSuccess }
	h.f.OnWrite = func(*binding.NDIS, uint32) { called++ }
	h.f.OnWorkItem = func(*binding.NDIS) { called++ }
	h.f.OnReceive = func(*binding.NDIS, []pool.NBL, binding.ReceiveFlags) { called++ }
	h.pause()
	h.b.Write(64)
	h.b.RunWorkItem()
	h.b.Indicate(1, false)
	h.b.Overdue(1000)
	h.b.Overdue(1000)
	require.Zero(t, called)
	require.Equal(t, fsm.Running, h.b.State())
	requireOnly(t, h.b, rule.ReturnNotOwned, fsm.Running)
}

// A design that loops on NDIS after a finding (here: polling an OID that
// can no longer succeed) is stopped, not left spinning.
func TestHaltedDesignThatRetriesIsStopped(t *testing.T) {
	h := newHarness(t)
	h.b.SetCallBudget(10)
	h.f.OnWrite = func(nd *binding.NDIS, _ uint32) {
		for { // the first request is OidInInvalidState; the next one stops the design
			if _, res := nd.OidRequest(backfillQuery); res.Status == binding.StatusSuccess {
				return
			}
		}
	}
	done := make(chan struct{})
	go func() {
		h.b.Write(64)
		close(done)
	}()
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		t.Fatal("Write never returned: the halted design spins")
	}
	requireOnly(t, h.b, rule.OidInInvalidState, fsm.Unbound)
}

// NDIS binds anew after an unbind (Unbound -> Opening): the second bind in
// one run starts from a closed adapter and draws nothing.
func TestRebindAfterUnbindIsLegal(t *testing.T) {
	h := newHarness(t)
	h.bind()
	h.unbind()
	requireClean(t, h.b)

	h.f.OnBindAdapter = func(nd *binding.NDIS, _ oid.BindParameters) binding.Status {
		st := h.f.DefaultBind(nd)
		nd.OidRequest(backfillQuery)
		return st
	}
	h.bind()
	require.Equal(t, fsm.Paused, h.b.State())
	h.restart(false)
	h.send()
	h.b.CompleteSend(0, true)
	h.pause()
	h.unbind()
	require.Equal(t, fsm.Unbound, h.b.State())
	requireClean(t, h.b)
	require.Equal(t, pool.Live{}, h.b.Pools().LiveCount(pool.OwnerProtocol))
}

// A panic or a hang in a nested callback (send-complete inside the send)
// halts too; the outer callback's later calls do nothing.
func TestNestedCallbackFindingHaltsTheOuterOne(t *testing.T) {
	h := newHarness(t)
	h.f.OnSendComplete = func(*binding.NDIS, pool.NBL, binding.Status) { panic("boom") }
	h.running()
	h.d.on[binding.DecideSendCompletesNow] = true
	sent, after := false, false
	h.work(func(nd *binding.NDIS) {
		h.f.Send(nd)
		sent = true
		h.f.Alloc(nd, 0)
		after = true
	})
	f := requireOnly(t, h.b, rule.DesignPanic, fsm.Running)
	require.Contains(t, f.Message, "ProtocolSendNetBufferListsComplete panicked: boom")
	require.True(t, sent, "NdisSendNetBufferLists returns to the outer callback")
	require.False(t, after, "whose next NDIS call stops it")
}

// Findings carry the step SetStep stamped last, and print it.
func TestFindingsCarryTheStep(t *testing.T) {
	h := newHarness(t, oid.Layer{Name: "vpn", DataBackfill: 32})
	h.running()
	h.b.SetStep(3)
	h.send() // SendBackfillShortfall
	h.b.SetStep(9)
	h.pause() // PauseWithOutstanding
	fs := h.b.Findings()
	require.Len(t, fs, 2, findingsText(fs))
	require.Equal(t, 3, fs[0].Step)
	require.Equal(t, 9, fs[1].Step)
	require.Contains(t, fs[1].Error(), "PauseWithOutstanding (error) in Pausing at step 9: ")
	require.Contains(t, fs[1].Objects, "NBL 3 (sent)")
}

// The lifecycle of a careful protocol, through every asynchronous path NDIS
// offers, draws no finding and leaves nothing behind.
func TestLegalLifecycleDrawsNothing(t *testing.T) {
	h := newHarness(t, oid.Layer{Name: "qos", DataBackfill: 32, ContextBackfill: 16})
	rec := &recorder{}
	h.b.SetTracer(rec)
	h.d.on[binding.DecideOpenPends] = true
	h.d.on[binding.DecideClosePends] = true

	var (
		f        = h.f
		needs    oid.Needs
		inFlight int
		pausing  bool
		held     []pool.NBL
		answers  []oid.Result
	)
	f.OnBindAdapter = func(nd *binding.NDIS, p oid.BindParameters) binding.Status {
		needs = oid.Needs{DataBackfill: p.DataBackFillSize, ContextBackfill: p.ContextBackFillSize}
		f.Pool = nd.AllocateNetBufferListPool(fakePool)
		require.Equal(t, binding.StatusPending, nd.OpenAdapter())
		return binding.StatusPending
	}
	f.OnOpenAdapterComplete = func(nd *binding.NDIS, st binding.Status) {
		// Once the open has completed, OIDs are allowed while Opening.
		_, res := nd.OidRequest(backfillQuery)
		answers = append(answers, res)
		nd.CompleteBindAdapter(st)
	}
	f.OnNetPnPEvent = func(nd *binding.NDIS, ev binding.PnPEvent) binding.Status {
		switch ev.Kind {
		case binding.NetEventRestart:
			if n, ok := ev.Restart.Needs(); ok {
				needs = n
			}
		case binding.NetEventPause:
			if inFlight > 0 || len(held) > 0 {
				pausing = true
				return binding.StatusPending
			}
		}
		return binding.StatusSuccess
	}
	maybeFinishPause := func(nd *binding.NDIS) {
		if pausing && inFlight == 0 && len(held) == 0 {
			pausing = false
			nd.CompleteNetPnPEvent(h.f.LastPnP, binding.StatusSuccess)
		}
	}
	f.OnWrite = func(nd *binding.NDIS, bytes uint32) {
		nbl := nd.AllocateNetBufferAndNetBufferList(f.Pool, 16, uint16(needs.ContextBackfill), 1, needs.DataBackfill, bytes)
		if nbl.IsNull() {
			return
		}
		inFlight++
		nd.SetSourceHandle(nbl)
		nd.SendNetBufferLists(nbl, 0)
	}
	f.OnSendComplete = func(nd *binding.NDIS, nbl pool.NBL, _ binding.Status) {
		nd.FreeNetBufferList(nbl)
		inFlight--
		maybeFinishPause(nd)
	}
	f.OnReceive = func(_ *binding.NDIS, nbls []pool.NBL, flags binding.ReceiveFlags) {
		if flags&binding.ReceiveResources == 0 {
			held = append(held, nbls...)
		}
	}
	f.OnWorkItem = func(nd *binding.NDIS) {
		for _, nbl := range held {
			nd.ReturnNetBufferLists(nbl, 0)
		}
		held = held[:0]
		maybeFinishPause(nd)
	}
	f.OnUnbindAdapter = func(nd *binding.NDIS) binding.Status {
		if nd.CloseAdapter() == binding.StatusPending {
			return binding.StatusPending
		}
		nd.FreeNetBufferListPool(f.Pool)
		return binding.StatusSuccess
	}
	f.OnCloseAdapterComplete = func(nd *binding.NDIS) {
		nd.FreeNetBufferListPool(f.Pool)
		nd.CompleteUnbindAdapter()
	}

	b := h.b
	// Bind: the open pends, so the bind pends.
	require.NoError(t, b.Bind())
	require.Equal(t, fsm.Opening, b.State())
	require.Equal(t, binding.Outstanding{OpenPending: true, BindPending: true}, b.Outstanding())
	require.True(t, b.Busy())
	b.CompleteOpen(true)
	require.Equal(t, fsm.Paused, b.State())
	require.Equal(t, binding.Outstanding{}, b.Outstanding())
	require.Equal(t, []oid.Result{{Status: binding.StatusSuccess, Needs: oid.Needs{DataBackfill: 32, ContextBackfill: 16}}}, answers)

	// While paused, NDIS attaches a VPN filter; the restart attributes say so.
	require.NoError(t, h.stack.Apply(oid.Edit{Insert: &oid.Layer{Name: "vpn", DataBackfill: 64, ContextBackfill: 16}}))
	require.NoError(t, b.Restart(true))
	require.Equal(t, fsm.Running, b.State())
	require.Equal(t, oid.Needs{DataBackfill: 96, ContextBackfill: 32}, needs)

	// Three sends pend; a fourth completes inside NdisSendNetBufferLists.
	b.Write(100)
	b.Write(200)
	b.Write(300)
	h.d.on[binding.DecideSendCompletesNow] = true
	b.Write(60)
	h.d.on[binding.DecideSendCompletesNow] = false
	require.Equal(t, 3, b.Outstanding().Sends)
	// Completions come in any order, failures included.
	b.CompleteSend(2, true)
	b.CompleteSend(0, false)
	require.Equal(t, 1, b.Outstanding().Sends)

	// Receives: two held and returned later, one copied under RESOURCES.
	b.Indicate(2, false)
	b.Indicate(1, true)
	require.Equal(t, 2, b.Outstanding().HeldReceives)
	b.RunWorkItem()
	require.Equal(t, 0, b.Outstanding().HeldReceives)

	// Pause pends on the last send and completes from its send-complete.
	require.NoError(t, b.Pause())
	require.Equal(t, fsm.Pausing, b.State())
	require.Equal(t, binding.NetEventPause, b.Outstanding().PnP)
	b.CompleteSend(0, true)
	require.Equal(t, fsm.Paused, b.State())

	// Unbind pends on a pended close.
	require.NoError(t, b.Unbind())
	require.Equal(t, fsm.Closing, b.State())
	require.Equal(t, binding.Outstanding{ClosePending: true, UnbindPending: true}, b.Outstanding())
	b.CompleteClose()

	require.Equal(t, fsm.Unbound, b.State())
	requireClean(t, b)
	require.Equal(t, binding.Outstanding{}, b.Outstanding())
	require.False(t, b.Busy())
	require.Equal(t, pool.Live{}, b.Pools().LiveCount(pool.OwnerProtocol))
	require.Zero(t, b.Pools().LiveCount(pool.OwnerMiniport).NBLs, "every received NBL went back to the miniport")
	require.Equal(t, uint64(4), b.Pools().Totals(pool.OwnerProtocol).Total)
	require.NotEmpty(t, rec.lines)
	require.False(t, strings.Contains(strings.Join(rec.lines, "\n"), "finding"), "trace:\n%s", strings.Join(rec.lines, "\n"))
}

// brokenRun is a run that draws two warnings and then an error, with
// object numbers in every message.
func brokenRun(h *harness) {
	h.running()
	h.b.SetStep(1)
	h.work(func(nd *binding.NDIS) { h.f.SendNBL(nd, h.f.Alloc(nd, 0)) })
	h.b.SetStep(2)
	h.b.Indicate(2, false)
	h.b.SetStep(3)
	h.pause()
}

// Reset makes a used, halted binding Unbound and empty, and a second run of
// the same design behaves exactly like the first.
func TestResetMakesARunRepeatable(t *testing.T) {
	h := newHarness(t, oid.Layer{Name: "vpn", DataBackfill: 32, ContextBackfill: 16})
	rec := &recorder{}
	h.b.SetTracer(rec)
	brokenRun(h)
	first := copyFindings(h.b.Findings())
	firstTrace := rec.lines
	require.Len(t, first, 3, findingsText(first))
	require.True(t, h.b.Halted())

	h.f = &fake{}
	h.d = decide()
	rec.lines = nil
	h.b.Reset(h.f, h.stack, h.d)
	require.Equal(t, fsm.Unbound, h.b.State())
	require.False(t, h.b.Halted())
	require.Empty(t, h.b.Findings())
	require.Equal(t, binding.Outstanding{}, h.b.Outstanding())
	require.Equal(t, pool.Live{}, h.b.Pools().LiveCount(pool.OwnerProtocol))
	require.Zero(t, h.b.Pools().LiveCount(pool.OwnerMiniport).NBLs)

	brokenRun(h)
	second := copyFindings(h.b.Findings())
	require.Equal(t, fmt.Sprintf("%#v", first), fmt.Sprintf("%#v", second))
	require.Equal(t, firstTrace, rec.lines)
}

// Reset also forgets the warnings already drawn, so the next run reports
// them again.
func TestResetForgetsWarningsAndFaults(t *testing.T) {
	h := newHarness(t, oid.Layer{Name: "vpn", DataBackfill: 32})
	h.running()
	h.send()
	require.Len(t, h.b.Findings(), 1)
	h.b.SetFaults(failAll{})

	h.b.Reset(h.f, h.stack, h.d)
	h.running() // the default bind's pool allocation succeeds again
	require.False(t, h.f.Pool.IsNull())
	h.send()
	requireOnly(t, h.b, rule.SendBackfillShortfall, fsm.Running)
}

// The environment's lifecycle moves refuse a move the state does not allow,
// or one made while NDIS waits for the protocol, and change nothing then.
func TestIllegalMovesAreRefused(t *testing.T) {
	h := newHarness(t)
	require.Error(t, h.b.Restart(true), "Unbound")
	require.Error(t, h.b.Pause(), "Unbound")
	h.f.OnBindAdapter = func(nd *binding.NDIS, _ oid.BindParameters) binding.Status {
		h.f.DefaultBind(nd)
		return binding.StatusPending
	}
	h.bind()
	require.Error(t, h.b.Bind(), "Opening")
	h.work(func(nd *binding.NDIS) { nd.CompleteBindAdapter(binding.StatusSuccess) })
	require.Error(t, h.b.Pause(), "Paused")
	h.f.OnNetPnPEvent = func(*binding.NDIS, binding.PnPEvent) binding.Status { return binding.StatusPending }
	h.restart(true)
	err := h.b.Pause()
	require.Error(t, err, "a restart is pending")
	require.Contains(t, err.Error(), "waiting for the protocol")
	require.Equal(t, fsm.Restarting, h.b.State())
	requireClean(t, h.b)
}

// A bind that fails cleanly draws nothing: the open fails at once, or
// fails later through ProtocolOpenAdapterCompleteEx; either way the design
// frees what it allocated and the binding is Unbound again.
func TestFailedBindsAreClean(t *testing.T) {
	t.Run("open fails at once", func(t *testing.T) {
		h := newHarness(t)
		h.d.on[binding.DecideOpenFails] = true
		h.bind() // the default bind frees its pool and returns the failure
		require.Equal(t, fsm.Unbound, h.b.State())
		requireClean(t, h.b)
	})
	t.Run("pended open fails", func(t *testing.T) {
		h := newHarness(t)
		h.d.on[binding.DecideOpenPends] = true
		h.f.OnBindAdapter = func(nd *binding.NDIS, _ oid.BindParameters) binding.Status {
			h.f.Pool = nd.AllocateNetBufferListPool(fakePool)
			return nd.OpenAdapter()
		}
		h.f.OnOpenAdapterComplete = func(nd *binding.NDIS, st binding.Status) {
			require.Equal(t, binding.StatusFailure, st)
			nd.FreeNetBufferListPool(h.f.Pool)
			nd.CompleteBindAdapter(st)
		}
		h.bind()
		require.True(t, h.b.Outstanding().OpenPending)
		h.b.CompleteOpen(false)
		require.Equal(t, fsm.Unbound, h.b.State())
		requireClean(t, h.b)
		require.Equal(t, pool.Live{}, h.b.Pools().LiveCount(pool.OwnerProtocol))
	})
}
