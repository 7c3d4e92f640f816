package binding_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/ndissim/ndissim/binding"
	"github.com/ndissim/ndissim/fsm"
	"github.com/ndissim/ndissim/oid"
	"github.com/ndissim/ndissim/pool"
	"github.com/ndissim/ndissim/rule"
)

// atDispatch makes NDIS call every callback it may call at DISPATCH_LEVEL
// (send-complete, receive, OID-complete) at DISPATCH_LEVEL.
func atDispatch(h *harness) { h.d.on[binding.DecideDispatch] = true }

// pauseFromSendComplete pends a pause while a send is in flight and
// completes it from the send-complete handler: legal at PASSIVE_LEVEL, a bug
// when send-complete runs at DISPATCH_LEVEL.
func pauseFromSendComplete(h *harness) {
	h.f.OnNetPnPEvent = func(_ *binding.NDIS, ev binding.PnPEvent) binding.Status {
		if ev.Kind == binding.NetEventPause {
			return binding.StatusPending
		}
		return binding.StatusSuccess
	}
	h.f.OnSendComplete = func(nd *binding.NDIS, nbl pool.NBL, _ binding.Status) {
		nd.FreeNetBufferList(nbl)
		nd.CompleteNetPnPEvent(h.f.LastPnP, binding.StatusSuccess)
	}
	h.running()
	h.send()
	h.pause()
}

// The IRQL and spin-lock rules. The IRQL each call allows is on its DDI
// page (req.irql); the Irql_* DDI compliance rules check it statically.
// https://learn.microsoft.com/windows-hardware/drivers/devtest/irql-rule-set--ndis-
var irqlRuleCases = []ruleCase{
	// NdisCompleteNetPnPEvent: "IRQL = PASSIVE_LEVEL"; send-complete runs
	// at <= DISPATCH_LEVEL.
	// https://learn.microsoft.com/windows-hardware/drivers/ddi/ndis/nf-ndis-ndiscompletenetpnpevent
	{rule: rule.IrqlTooHigh, name: "pause completed from send-complete at DISPATCH_LEVEL", state: fsm.Pausing,
		broken: func(h *harness) {
			atDispatch(h)
			pauseFromSendComplete(h)
			h.b.CompleteSend(0, true)
		},
		legal: func(h *harness) {
			pauseFromSendComplete(h)
			h.b.CompleteSend(0, true) // at PASSIVE_LEVEL this time
			require.Equal(h.t, fsm.Paused, h.b.State())
		}},
	// NdisCloseAdapterEx: PASSIVE_LEVEL; OID-complete at <= DISPATCH_LEVEL.
	// https://learn.microsoft.com/windows-hardware/drivers/ddi/ndis/nf-ndis-ndiscloseadapterex
	{rule: rule.IrqlTooHigh, name: "adapter closed from OID-complete at DISPATCH_LEVEL", state: fsm.Closing,
		broken: func(h *harness) {
			atDispatch(h)
			closeAfterFilterOID(h)
		},
		legal: func(h *harness) { closeAfterFilterOID(h) }},
	// NdisWaitEvent: PASSIVE_LEVEL; bug check 0x7C, subcode 0x14.
	// https://learn.microsoft.com/windows-hardware/drivers/ddi/ndis/nf-ndis-ndiswaitevent
	{rule: rule.IrqlTooHigh, name: "wait inside the receive handler at DISPATCH_LEVEL", state: fsm.Running,
		broken: func(h *harness) {
			atDispatch(h)
			waitInReceive(h)
		},
		legal: func(h *harness) { waitInReceive(h) }},
	// A spin lock raises the IRQL to DISPATCH_LEVEL: no wait while held.
	{rule: rule.IrqlTooHigh, name: "NdisMSleep under a spin lock", state: fsm.Running,
		broken: func(h *harness) {
			h.b.SetScheduler(&ticker{})
			h.running()
			h.work(func(nd *binding.NDIS) {
				var l binding.SpinLock
				nd.AcquireSpinLock(&l)
				nd.Sleep(10)
				nd.ReleaseSpinLock(&l)
			})
		},
		legal: func(h *harness) {
			h.b.SetScheduler(&ticker{})
			h.running()
			h.work(func(nd *binding.NDIS) {
				var l binding.SpinLock
				nd.AcquireSpinLock(&l)
				nd.ReleaseSpinLock(&l)
				nd.Sleep(10)
			})
		}},

	// NdisDprAcquireSpinLock: "IRQL = DISPATCH_LEVEL".
	// https://learn.microsoft.com/windows-hardware/drivers/ddi/ndis/nf-ndis-ndisdpracquirespinlock
	{rule: rule.IrqlTooLow, name: "NdisDprAcquireSpinLock in a write", state: fsm.Running,
		broken: func(h *harness) {
			h.f.OnWrite = func(nd *binding.NDIS, _ uint32) {
				var l binding.SpinLock
				nd.DprAcquireSpinLock(&l)
				nd.DprReleaseSpinLock(&l)
			}
			h.running()
			h.b.Write(64)
		},
		legal: func(h *harness) {
			atDispatch(h)
			h.f.OnSendComplete = func(nd *binding.NDIS, nbl pool.NBL, _ binding.Status) {
				var l binding.SpinLock
				nd.DprAcquireSpinLock(&l)
				nd.FreeNetBufferList(nbl)
				nd.DprReleaseSpinLock(&l)
			}
			h.running()
			h.send()
			h.b.CompleteSend(0, true)
		}},

	// DispatchFlagMismatch: NDIS_RETURN_FLAGS_DISPATCH_LEVEL only when the
	// caller runs at DISPATCH_LEVEL (Dispatch IRQL Tracking; Flags_Irql).
	// https://learn.microsoft.com/windows-hardware/drivers/network/dispatch-irql-tracking
	{rule: rule.DispatchFlagMismatch, name: "return flagged DISPATCH_LEVEL from a work item", state: fsm.Running,
		broken: func(h *harness) {
			kept := keepReceives(h)
			h.running()
			h.b.Indicate(1, false)
			h.work(func(nd *binding.NDIS) { nd.ReturnNetBufferLists((*kept)[0], binding.ReturnDispatchLevel) })
		},
		legal: func(h *harness) {
			atDispatch(h)
			h.f.OnReceive = func(nd *binding.NDIS, nbls []pool.NBL, flags binding.ReceiveFlags) {
				require.NotZero(h.t, flags&binding.ReceiveDispatchLevel, "the flag tells the IRQL")
				for _, nbl := range nbls {
					nd.ReturnNetBufferLists(nbl, binding.ReturnDispatchLevel)
				}
			}
			h.running()
			h.b.Indicate(1, false)
		}},
	{rule: rule.DispatchFlagMismatch, name: "send flagged DISPATCH_LEVEL at PASSIVE_LEVEL", state: fsm.Running,
		broken: func(h *harness) {
			h.running()
			h.work(func(nd *binding.NDIS) {
				nbl := h.f.Alloc(nd, 0)
				nd.SetSourceHandle(nbl)
				nd.SendNetBufferLists(nbl, binding.SendDispatchLevel)
			})
		},
		legal: func(h *harness) {
			h.running()
			h.work(func(nd *binding.NDIS) {
				var l binding.SpinLock
				nbl := h.f.Alloc(nd, 0)
				nd.SetSourceHandle(nbl)
				nd.AcquireSpinLock(&l) // raises to DISPATCH_LEVEL
				nd.SendNetBufferLists(nbl, binding.SendDispatchLevel)
				nd.ReleaseSpinLock(&l)
			})
		}},

	// The SDV Locking rules: SpinLock (acquire only when unlocked, release
	// before exit), SpinLockRelease (no release without acquire).
	// https://learn.microsoft.com/windows-hardware/drivers/devtest/locking-rule-set--ndis-
	{rule: rule.SpinLockHeldAtReturn, name: "lock still held when the work item returns", state: fsm.Running,
		broken: func(h *harness) {
			h.running()
			h.work(func(nd *binding.NDIS) {
				var l binding.SpinLock
				nd.AcquireSpinLock(&l)
			})
		},
		legal: func(h *harness) {
			h.running()
			h.work(func(nd *binding.NDIS) {
				var l binding.SpinLock
				nd.AcquireSpinLock(&l)
				nd.ReleaseSpinLock(&l)
			})
		}},
	{rule: rule.SpinLockReleaseUnheld, name: "lock released twice", state: fsm.Running,
		broken: func(h *harness) {
			h.running()
			h.work(func(nd *binding.NDIS) {
				var l binding.SpinLock
				nd.AcquireSpinLock(&l)
				nd.ReleaseSpinLock(&l)
				nd.ReleaseSpinLock(&l)
			})
		},
		legal: func(h *harness) {
			h.running()
			h.work(func(nd *binding.NDIS) {
				var l binding.SpinLock
				nd.AcquireSpinLock(&l)
				nd.ReleaseSpinLock(&l)
			})
		}},
	{rule: rule.SpinLockReacquired, name: "lock acquired twice", state: fsm.Running,
		broken: func(h *harness) {
			h.running()
			h.work(func(nd *binding.NDIS) {
				var l binding.SpinLock
				nd.AcquireSpinLock(&l)
				nd.AcquireSpinLock(&l)
			})
		},
		legal: func(h *harness) {
			h.running()
			h.work(func(nd *binding.NDIS) {
				var a, b binding.SpinLock
				nd.AcquireSpinLock(&a)
				nd.AcquireSpinLock(&b) // two locks nest: the IRQL stays DISPATCH_LEVEL
				nd.ReleaseSpinLock(&b)
				nd.ReleaseSpinLock(&a)
				require.Equal(h.t, binding.PassiveLevel, h.b.Irql(), "the outer release restores PASSIVE_LEVEL")
			})
		}},
}

func TestEveryIrqlRuleBreaksAndHolds(t *testing.T) { runRuleCases(t, irqlRuleCases) }

// closeAfterFilterOID clears the packet filter at unbind and closes the
// adapter from the OID's completion, as the pend-and-complete form of the
// sample did.
func closeAfterFilterOID(h *harness) {
	h.d.on[binding.DecideOidPends] = true
	h.f.OnUnbindAdapter = func(nd *binding.NDIS) binding.Status {
		nd.OidRequest(oid.Request{Type: oid.Set, OID: oid.OIDGenCurrentPacketFilter})
		return binding.StatusPending
	}
	h.f.OnOidRequestComplete = func(nd *binding.NDIS, _ oid.Request, _ oid.Result) {
		h.f.DefaultUnbind(nd)
		nd.CompleteUnbindAdapter()
	}
	h.bind()
	h.unbind()
	h.b.CompleteOid(0, true)
}

// waitInReceive waits on an event the receive handler set itself: a wait
// that returns at once, legal only at PASSIVE_LEVEL.
func waitInReceive(h *harness) {
	h.f.OnReceive = func(nd *binding.NDIS, nbls []pool.NBL, _ binding.ReceiveFlags) {
		var ev binding.Event
		nd.InitializeEvent(&ev)
		nd.SetEvent(&ev)
		nd.WaitEvent(&ev, 0)
		for _, nbl := range nbls {
			nd.ReturnNetBufferLists(nbl, 0)
		}
	}
	h.running()
	h.b.Indicate(1, false)
}

// Without a simulator to let time pass, a wait that is not satisfied at
// once cannot end: the binding reports DesignHang rather than spin.
func TestWaitWithoutASchedulerIsDesignHang(t *testing.T) {
	h := newHarness(t)
	h.running()
	h.work(func(nd *binding.NDIS) {
		var ev binding.Event
		nd.WaitEvent(&ev, 0)
	})
	requireOnly(t, h.b, rule.DesignHang, fsm.Running)
}

// ticker is a Scheduler that counts ticks and runs a function at each.
type ticker struct {
	ticks int
	at    func(tick int)
}

func (k *ticker) Tick() {
	k.ticks++
	if k.at != nil {
		k.at(k.ticks)
	}
}

// NdisMSleep lets time pass in ticks of binding.TickMicroseconds, at least
// one; a wait with a timeout returns false when it runs out, and true as
// soon as another thread sets the event.
func TestWaitsTickTheScheduler(t *testing.T) {
	h := newHarness(t)
	k := &ticker{}
	h.b.SetScheduler(k)
	h.running()
	h.work(func(nd *binding.NDIS) { nd.Sleep(100_000) }) // NdisMSleep(100 ms)
	require.Equal(t, 100_000/binding.TickMicroseconds, k.ticks)

	k.ticks = 0
	h.work(func(nd *binding.NDIS) { nd.Sleep(1) })
	require.Equal(t, 1, k.ticks, "a sleep lasts at least one tick")

	var ev binding.Event
	k.ticks = 0
	var signaled bool
	h.work(func(nd *binding.NDIS) { signaled = nd.WaitEvent(&ev, 50) })
	require.False(t, signaled)
	require.Equal(t, 5, k.ticks, "50 ms is 5 ticks")

	// Another thread (a work item run while this one waits) sets it.
	k.ticks = 0
	k.at = func(tick int) {
		if tick == 3 {
			h.work(func(nd *binding.NDIS) { nd.SetEvent(&ev) })
		}
	}
	h.work(func(nd *binding.NDIS) { signaled = nd.WaitEvent(&ev, 0) })
	require.True(t, signaled)
	require.Equal(t, 3, k.ticks)
	requireClean(t, h.b)
}
