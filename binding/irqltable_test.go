package binding_test

import (
	"flag"
	"os"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/ndissim/ndissim/binding"
	"github.com/ndissim/ndissim/oid"
	"github.com/ndissim/ndissim/pool"
	"github.com/ndissim/ndissim/rule"
)

var update = flag.Bool("update", false, "rewrite docs/irql.md from binding/irqltable.go")

// docs/irql.md is generated from the tables; regenerate with
// go test ./binding -update.
func TestIrqlDocMatchesTables(t *testing.T) {
	want := binding.IrqlMarkdown()
	if *update {
		require.NoError(t, os.WriteFile("../docs/irql.md", []byte(want), 0o644))
	}
	got, err := os.ReadFile("../docs/irql.md")
	require.NoError(t, err, "regenerate with: go test ./binding -update")
	require.Equal(t, want, string(got), "docs/irql.md is stale; regenerate with: go test ./binding -update")
}

// atDispatchCall makes each call of the table, once, in a context where it
// is otherwise legal, with a spin lock held: DISPATCH_LEVEL.
var atDispatchCall = map[string]func(h *harness){
	"NdisOpenAdapterEx": func(h *harness) {
		h.f.OnBindAdapter = func(nd *binding.NDIS, _ oid.BindParameters) binding.Status {
			underLock(nd, func() { nd.OpenAdapter() })
			return binding.StatusFailure
		}
		h.bind()
	},
	"NdisCloseAdapterEx": func(h *harness) {
		h.f.OnUnbindAdapter = func(nd *binding.NDIS) binding.Status {
			underLock(nd, func() { nd.CloseAdapter() })
			return binding.StatusSuccess
		}
		h.bind()
		h.unbind()
	},
	"NdisCompleteNetPnPEvent": func(h *harness) {
		h.f.OnNetPnPEvent = func(*binding.NDIS, binding.PnPEvent) binding.Status { return binding.StatusPending }
		h.bind()
		h.restart(true)
		lockedWork(h, func(nd *binding.NDIS) { nd.CompleteNetPnPEvent(h.f.LastPnP, binding.StatusSuccess) })
	},
	"NdisWaitEvent": func(h *harness) {
		lockedWork(h, func(nd *binding.NDIS) {
			var ev binding.Event
			nd.SetEvent(&ev)
			nd.WaitEvent(&ev, 0)
		})
	},
	"NdisMSleep": func(h *harness) { lockedWork(h, func(nd *binding.NDIS) { nd.Sleep(10) }) },
	"NdisCompleteBindAdapterEx": func(h *harness) {
		h.f.OnBindAdapter = func(nd *binding.NDIS, _ oid.BindParameters) binding.Status {
			h.f.DefaultBind(nd)
			return binding.StatusPending
		}
		h.bind()
		lockedWork(h, func(nd *binding.NDIS) { nd.CompleteBindAdapter(binding.StatusSuccess) })
	},
	"NdisCompleteUnbindAdapterEx": func(h *harness) {
		h.f.OnUnbindAdapter = func(nd *binding.NDIS) binding.Status {
			h.f.DefaultUnbind(nd)
			return binding.StatusPending
		}
		h.bind()
		h.unbind()
		lockedWork(h, func(nd *binding.NDIS) { nd.CompleteUnbindAdapter() })
	},
	"NdisOidRequest": func(h *harness) { lockedWork(h, func(nd *binding.NDIS) { nd.OidRequest(backfillQuery) }) },
	"NdisSendNetBufferLists": func(h *harness) {
		lockedWork(h, func(nd *binding.NDIS) {
			nbl := h.f.Alloc(nd, 0)
			nd.SetSourceHandle(nbl)
			nd.SendNetBufferLists(nbl, binding.SendDispatchLevel)
		})
	},
	"NdisReturnNetBufferLists": func(h *harness) {
		kept := keepReceives(h)
		h.b.Indicate(1, false)
		lockedWork(h, func(nd *binding.NDIS) { nd.ReturnNetBufferLists((*kept)[0], binding.ReturnDispatchLevel) })
	},
	"NdisAllocateNetBufferListPool": func(h *harness) {
		lockedWork(h, func(nd *binding.NDIS) { nd.AllocateNetBufferListPool(fakePool) })
	},
	"NdisFreeNetBufferListPool": func(h *harness) {
		lockedWork(h, func(nd *binding.NDIS) { nd.FreeNetBufferListPool(nd.AllocateNetBufferListPool(fakePool)) })
	},
	"NdisAllocateNetBufferPool": func(h *harness) {
		lockedWork(h, func(nd *binding.NDIS) { nd.AllocateNetBufferPool(pool.NBPoolParameters{}) })
	},
	"NdisFreeNetBufferPool": func(h *harness) {
		lockedWork(h, func(nd *binding.NDIS) { nd.FreeNetBufferPool(nd.AllocateNetBufferPool(pool.NBPoolParameters{})) })
	},
	"NdisAllocateNetBufferAndNetBufferList": func(h *harness) {
		lockedWork(h, func(nd *binding.NDIS) { nd.FreeNetBufferList(h.f.Alloc(nd, 0)) })
	},
	"NdisAllocateNetBufferList": func(h *harness) {
		lockedWork(h, func(nd *binding.NDIS) { nd.FreeNetBufferList(nd.AllocateNetBufferList(h.f.Pool, 16, 0)) })
	},
	"NdisAllocateNetBuffer": func(h *harness) {
		lockedWork(h, func(nd *binding.NDIS) {
			nd.FreeNetBuffer(nd.AllocateNetBuffer(nd.AllocateNetBufferPool(pool.NBPoolParameters{}), 1, 0, 64))
		})
	},
	"NdisAllocateNetBufferMdlAndData": func(h *harness) {
		lockedWork(h, func(nd *binding.NDIS) {
			nd.FreeNetBuffer(nd.AllocateNetBufferMdlAndData(nd.AllocateNetBufferPool(pool.NBPoolParameters{DataSize: 64})))
		})
	},
	"NdisFreeNetBuffer": func(h *harness) {
		lockedWork(h, func(nd *binding.NDIS) {
			nd.FreeNetBuffer(nd.AllocateNetBuffer(nd.AllocateNetBufferPool(pool.NBPoolParameters{}), 1, 0, 64))
		})
	},
	"NdisFreeNetBufferList": func(h *harness) {
		lockedWork(h, func(nd *binding.NDIS) { nd.FreeNetBufferList(h.f.Alloc(nd, 0)) })
	},
	"NdisRetreatNetBufferDataStart": func(h *harness) {
		lockedWork(h, func(nd *binding.NDIS) { nd.RetreatNetBufferDataStart(nd.FirstNB(h.f.Alloc(nd, 32)), 14, 0) })
	},
	"NdisAdvanceNetBufferDataStart": func(h *harness) {
		lockedWork(h, func(nd *binding.NDIS) { nd.AdvanceNetBufferDataStart(nd.FirstNB(h.f.Alloc(nd, 0)), 14, false) })
	},
	"NdisAcquireSpinLock": func(h *harness) { lockedWork(h, func(*binding.NDIS) {}) },
	"NdisReleaseSpinLock": func(h *harness) { lockedWork(h, func(*binding.NDIS) {}) },
	"NdisSetEvent": func(h *harness) {
		lockedWork(h, func(nd *binding.NDIS) {
			var ev binding.Event
			nd.SetEvent(&ev)
		})
	},
	"NdisResetEvent": func(h *harness) {
		lockedWork(h, func(nd *binding.NDIS) {
			var ev binding.Event
			nd.ResetEvent(&ev)
		})
	},
}

// bindsItself lists the calls whose setup drives the lifecycle itself.
var bindsItself = map[string]bool{
	"NdisOpenAdapterEx": true, "NdisCloseAdapterEx": true, "NdisCompleteNetPnPEvent": true,
	"NdisCompleteBindAdapterEx": true, "NdisCompleteUnbindAdapterEx": true,
}

func underLock(nd *binding.NDIS, f func()) {
	var l binding.SpinLock
	nd.AcquireSpinLock(&l)
	f()
	nd.ReleaseSpinLock(&l)
}

func lockedWork(h *harness, f func(nd *binding.NDIS)) {
	h.work(func(nd *binding.NDIS) { underLock(nd, func() { f(nd) }) })
}

// Every row of the call table: at DISPATCH_LEVEL a PASSIVE-only call draws
// IrqlTooHigh and nothing else does.
func TestEveryCallFollowsItsIrqlRow(t *testing.T) {
	for _, row := range binding.CallIrqls {
		t.Run(row.Call, func(t *testing.T) {
			call, ok := atDispatchCall[row.Call]
			require.True(t, ok, "no test makes %s at DISPATCH_LEVEL", row.Call)
			h := newHarness(t)
			h.b.SetScheduler(&ticker{})
			if !bindsItself[row.Call] {
				h.running()
			}
			call(h)
			var irql []binding.Finding
			for _, f := range h.b.Findings() {
				if f.Rule == rule.IrqlTooHigh {
					irql = append(irql, f)
				}
			}
			if row.PassiveOnly {
				require.Len(t, irql, 1, "findings: %s", findingsText(h.b.Findings()))
				require.Contains(t, irql[0].Message, row.Call)
				require.Contains(t, irql[0].Message, row.Rule)
			} else {
				require.Empty(t, irql, "findings: %s", findingsText(h.b.Findings()))
			}
		})
	}
	require.Len(t, atDispatchCall, len(binding.CallIrqls), "a test for a call the table lacks")
}

// Every row of the callback table: NDIS calls the callback at PASSIVE_LEVEL,
// or, where the page says <= DISPATCH_LEVEL, at either, as the seed decides,
// with the DISPATCH_LEVEL flag exactly when at DISPATCH_LEVEL.
func TestEveryCallbackRunsAtItsIrql(t *testing.T) {
	for _, row := range binding.CallbackIrqls {
		for _, dispatch := range []bool{false, true} {
			h := newHarness(t)
			h.d.on[binding.DecideDispatch] = dispatch
			seen := map[string]binding.Irql{}
			flagged := map[string]bool{}
			record := func(name string, nd *binding.NDIS) { seen[name] = h.b.Irql() }
			h.f.OnBindAdapter = func(nd *binding.NDIS, _ oid.BindParameters) binding.Status {
				record("ProtocolBindAdapterEx", nd)
				return h.f.DefaultBind(nd)
			}
			h.f.OnOpenAdapterComplete = func(nd *binding.NDIS, st binding.Status) {
				record("ProtocolOpenAdapterCompleteEx", nd)
				nd.CompleteBindAdapter(st)
			}
			h.f.OnNetPnPEvent = func(nd *binding.NDIS, _ binding.PnPEvent) binding.Status {
				record("ProtocolNetPnPEvent", nd)
				return binding.StatusSuccess
			}
			h.f.OnUnbindAdapter = func(nd *binding.NDIS) binding.Status {
				record("ProtocolUnbindAdapterEx", nd)
				st := nd.CloseAdapter()
				nd.FreeNetBufferListPool(h.f.Pool)
				return st
			}
			h.f.OnCloseAdapterComplete = func(nd *binding.NDIS) {
				record("ProtocolCloseAdapterCompleteEx", nd)
				nd.CompleteUnbindAdapter()
			}
			h.f.OnSendComplete = func(nd *binding.NDIS, nbl pool.NBL, _ binding.Status) {
				record("ProtocolSendNetBufferListsComplete", nd)
				nd.FreeNetBufferList(nbl)
			}
			h.f.OnReceive = func(nd *binding.NDIS, nbls []pool.NBL, flags binding.ReceiveFlags) {
				record("ProtocolReceiveNetBufferLists", nd)
				flagged["ProtocolReceiveNetBufferLists"] = flags&binding.ReceiveDispatchLevel != 0
				for _, nbl := range nbls {
					nd.ReturnNetBufferLists(nbl, 0)
				}
			}
			h.f.OnOidRequestComplete = func(nd *binding.NDIS, _ oid.Request, _ oid.Result) { record("ProtocolOidRequestComplete", nd) }
			h.f.OnWorkItem = func(nd *binding.NDIS) { record("NDIS I/O work item", nd) }
			h.f.OnWrite = func(nd *binding.NDIS, _ uint32) { record("an application's write (IRP_MJ_WRITE)", nd) }

			h.d.on[binding.DecideOpenPends] = true
			h.bind()
			h.b.CompleteOpen(false) // the bind pended on the open, and fails with it
			h.d.on[binding.DecideOpenPends] = false
			h.running()
			h.b.RunWorkItem()
			h.b.Write(64)
			h.send()
			h.b.CompleteSend(0, true)
			h.b.Indicate(1, false)
			h.d.on[binding.DecideOidPends] = true
			h.work(func(nd *binding.NDIS) { nd.OidRequest(backfillQuery) })
			h.b.CompleteOid(0, true)
			h.pause()
			h.d.on[binding.DecideClosePends] = true
			h.unbind()
			h.b.CompleteClose()

			irql, ok := seen[row.Callback]
			require.True(t, ok, "%s never ran", row.Callback)
			want := binding.PassiveLevel
			if row.MayDispatch && dispatch {
				want = binding.DispatchLevel
			}
			require.Equal(t, want, irql, "%s (dispatch drawn: %v)", row.Callback, dispatch)
			if f, ok := flagged[row.Callback]; ok {
				require.Equal(t, want == binding.DispatchLevel, f, "%s: the flag says the IRQL", row.Callback)
			}
		}
	}
}
