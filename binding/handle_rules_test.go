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

// The rules of the binding handle, the PnP completions and the sent NBL
// added with the second round, each broken once next to a legal sequence
// that differs as little as possible.
var handleRuleCases = []ruleCase{
	// SourceHandleNotSet: "the protocol driver must set the SourceHandle
	// member of each NET_BUFFER_LIST structure ... to the same value that it
	// passes to the NdisBindingHandle parameter".
	// https://learn.microsoft.com/windows-hardware/drivers/network/sending-data-from-a-protocol-driver
	{rule: rule.SourceHandleNotSet, name: "NBL sent without SourceHandle", state: fsm.Running,
		broken: func(h *harness) {
			h.running()
			h.work(func(nd *binding.NDIS) { nd.SendNetBufferLists(h.f.Alloc(nd, 0), 0) })
		},
		legal: func(h *harness) {
			h.running()
			h.work(func(nd *binding.NDIS) { h.f.SendNBL(nd, h.f.Alloc(nd, 0)) })
		}},

	// SendWithoutData: an NBL sent carries at least one NB with data.
	// https://learn.microsoft.com/windows-hardware/drivers/ddi/ndis/nf-ndis-ndissendnetbufferlists
	{rule: rule.SendWithoutData, name: "NBL with no NET_BUFFER sent", state: fsm.Running,
		broken: func(h *harness) {
			h.running()
			h.work(func(nd *binding.NDIS) { h.f.SendNBL(nd, nd.AllocateNetBufferList(h.f.Pool, 16, 0)) })
		},
		legal: func(h *harness) {
			h.running()
			h.work(func(nd *binding.NDIS) {
				h.f.SendNBL(nd, nd.AllocateNetBufferAndNetBufferList(h.f.Pool, 16, 0, 1, 0, 60))
			})
		}},
	{rule: rule.SendWithoutData, name: "NB of no data sent", state: fsm.Running,
		broken: func(h *harness) {
			h.running()
			h.work(func(nd *binding.NDIS) {
				h.f.SendNBL(nd, nd.AllocateNetBufferAndNetBufferList(h.f.Pool, 16, 0, 0, 0, 0))
			})
		},
		legal: func(h *harness) {
			h.running()
			h.work(func(nd *binding.NDIS) {
				h.f.SendNBL(nd, nd.AllocateNetBufferAndNetBufferList(h.f.Pool, 16, 0, 1, 0, 1))
			})
		}},

	// BindWithoutOpen: a bind succeeds only over an open adapter.
	// https://learn.microsoft.com/windows-hardware/drivers/ddi/ndis/nc-ndis-protocol_bind_adapter_ex
	{rule: rule.BindWithoutOpen, name: "bind returns SUCCESS while the open pends", state: fsm.Opening,
		broken: func(h *harness) {
			h.d.on[binding.DecideOpenPends] = true
			h.f.OnBindAdapter = func(nd *binding.NDIS, _ oid.BindParameters) binding.Status {
				h.f.DefaultBind(nd)
				return binding.StatusSuccess // as if PENDING from the open were success
			}
			h.bind()
		},
		legal: func(h *harness) {
			h.d.on[binding.DecideOpenPends] = true
			h.f.OnBindAdapter = func(nd *binding.NDIS, _ oid.BindParameters) binding.Status {
				h.f.DefaultBind(nd)
				return binding.StatusPending
			}
			h.f.OnOpenAdapterComplete = func(nd *binding.NDIS, st binding.Status) { nd.CompleteBindAdapter(st) }
			h.bind()
			h.b.CompleteOpen(true)
			require.Equal(h.t, fsm.Paused, h.b.State())
		}},

	// OpenOutsideBind: "A protocol driver calls NdisOpenAdapterEx from its
	// ProtocolBindAdapterEx function"; NDIS bug check 0x7C, subcode 0x16.
	// https://learn.microsoft.com/windows-hardware/drivers/ddi/ndis/nf-ndis-ndisopenadapterex
	{rule: rule.OpenOutsideBind, name: "open from a work item after a pended bind", state: fsm.Opening,
		broken: func(h *harness) {
			h.f.OnBindAdapter = func(nd *binding.NDIS, _ oid.BindParameters) binding.Status {
				h.f.Pool = nd.AllocateNetBufferListPool(fakePool)
				return binding.StatusPending
			}
			h.bind()
			h.work(func(nd *binding.NDIS) { nd.OpenAdapter() })
		},
		legal: func(h *harness) {
			h.f.OnBindAdapter = func(nd *binding.NDIS, _ oid.BindParameters) binding.Status {
				h.f.DefaultBind(nd)
				return binding.StatusPending
			}
			h.bind()
			h.work(func(nd *binding.NDIS) { nd.CompleteBindAdapter(binding.StatusSuccess) })
		}},

	// CloseOutsideUnbind: NdisCloseAdapterEx from bind or unbind; elsewhere
	// a driver calls NdisUnbindAdapter.
	// https://learn.microsoft.com/windows-hardware/drivers/ddi/ndis/nf-ndis-ndiscloseadapterex
	{rule: rule.CloseOutsideUnbind, name: "close from a work item while Running", state: fsm.Running,
		broken: func(h *harness) {
			h.running()
			h.work(func(nd *binding.NDIS) { nd.CloseAdapter() })
		},
		legal: func(h *harness) {
			h.running()
			h.pause()
			h.unbind()
		}},
	{rule: rule.CloseOutsideUnbind, name: "close from a work item with a send in flight", state: fsm.Running,
		broken: func(h *harness) {
			h.running()
			h.send()
			h.work(func(nd *binding.NDIS) { nd.CloseAdapter() })
		},
		legal: func(h *harness) {
			h.running()
			h.send()
			h.b.CompleteSend(0, true)
			h.pause()
			h.unbind()
		}},
	{rule: rule.CloseOutsideUnbind, name: "close from a work item of a pended unbind is legal", state: fsm.Paused,
		broken: func(h *harness) {
			h.bind()
			h.work(func(nd *binding.NDIS) { nd.CloseAdapter() })
		},
		legal: func(h *harness) {
			h.f.OnUnbindAdapter = func(*binding.NDIS) binding.Status { return binding.StatusPending }
			h.bind()
			h.unbind()
			h.work(func(nd *binding.NDIS) {
				nd.CloseAdapter()
				nd.FreeNetBufferListPool(h.f.Pool)
				nd.CompleteUnbindAdapter()
			})
			require.Equal(h.t, fsm.Unbound, h.b.State())
		}},

	// HandleUsedAfterClose: the binding handle is invalid once
	// NdisCloseAdapterEx is called.
	// https://learn.microsoft.com/windows-hardware/drivers/ddi/ndis/nf-ndis-ndiscloseadapterex
	{rule: rule.HandleUsedAfterClose, name: "held receive returned after the close", state: fsm.Closing,
		broken: func(h *harness) {
			held := keepReceives(h)
			h.f.OnUnbindAdapter = func(nd *binding.NDIS) binding.Status {
				nd.CloseAdapter()
				for _, nbl := range *held {
					nd.ReturnNetBufferLists(nbl, 0)
				}
				nd.FreeNetBufferListPool(h.f.Pool)
				return binding.StatusSuccess
			}
			h.bind()
			h.b.Indicate(1, false) // arrives before the packet filter is cleared
			h.unbind()
		},
		legal: func(h *harness) {
			held := keepReceives(h)
			h.f.OnUnbindAdapter = func(nd *binding.NDIS) binding.Status {
				for _, nbl := range *held {
					nd.ReturnNetBufferLists(nbl, 0)
				}
				return h.f.DefaultUnbind(nd)
			}
			h.bind()
			h.b.Indicate(1, false)
			h.unbind()
		}},

	// PnPStatusInvalid: an NDIS 6 protocol must not return
	// NDIS_STATUS_NOT_SUPPORTED, and a completion carries a final status.
	// https://learn.microsoft.com/windows-hardware/drivers/ddi/ndis/nc-ndis-protocol_net_pnp_event
	{rule: rule.PnPStatusInvalid, name: "pause answered NOT_SUPPORTED", state: fsm.Pausing,
		broken: func(h *harness) {
			h.running()
			h.f.OnNetPnPEvent = func(*binding.NDIS, binding.PnPEvent) binding.Status { return binding.StatusNotSupported }
			h.pause()
		},
		legal: func(h *harness) {
			h.running()
			h.pause()
		}},
	{rule: rule.PnPStatusInvalid, name: "restart completed with PENDING", state: fsm.Restarting,
		broken: func(h *harness) {
			h.f.OnNetPnPEvent = func(*binding.NDIS, binding.PnPEvent) binding.Status { return binding.StatusPending }
			h.bind()
			h.restart(true)
			h.work(func(nd *binding.NDIS) { nd.CompleteNetPnPEvent(h.f.LastPnP, binding.StatusPending) })
		},
		legal: func(h *harness) {
			h.f.OnNetPnPEvent = func(*binding.NDIS, binding.PnPEvent) binding.Status { return binding.StatusPending }
			h.bind()
			h.restart(true)
			h.work(func(nd *binding.NDIS) { nd.CompleteNetPnPEvent(h.f.LastPnP, binding.StatusSuccess) })
		}},

	// PnPEventFailed (warning): a pause or restart should always succeed.
	// https://learn.microsoft.com/windows-hardware/drivers/ddi/ndis/nc-ndis-protocol_net_pnp_event
	{rule: rule.PnPEventFailed, name: "restart fails", state: fsm.Restarting,
		broken: func(h *harness) {
			h.f.OnNetPnPEvent = func(*binding.NDIS, binding.PnPEvent) binding.Status { return binding.StatusResources }
			h.bind()
			h.restart(true)
			require.Equal(h.t, fsm.Paused, h.b.State(), "a failed restart leaves the binding Paused")
		},
		legal: func(h *harness) { h.running() }},

	// UnexpectedCompletion: NdisCompleteNetPnPEvent names the notification
	// it completes; a late completion of an earlier restart is not the
	// pause now pending.
	// https://learn.microsoft.com/windows-hardware/drivers/ddi/ndis/nf-ndis-ndiscompletenetpnpevent
	{rule: rule.UnexpectedCompletion, name: "late completion of an earlier restart", state: fsm.Pausing,
		broken: func(h *harness) {
			h.f.OnNetPnPEvent = func(*binding.NDIS, binding.PnPEvent) binding.Status { return binding.StatusPending }
			h.bind()
			h.restart(true)
			restart := h.f.LastPnP
			h.work(func(nd *binding.NDIS) { nd.CompleteNetPnPEvent(restart, binding.StatusSuccess) })
			h.pause()
			h.work(func(nd *binding.NDIS) { nd.CompleteNetPnPEvent(restart, binding.StatusSuccess) })
		},
		legal: func(h *harness) {
			h.f.OnNetPnPEvent = func(*binding.NDIS, binding.PnPEvent) binding.Status { return binding.StatusPending }
			h.bind()
			h.restart(true)
			h.work(func(nd *binding.NDIS) { nd.CompleteNetPnPEvent(h.f.LastPnP, binding.StatusSuccess) })
			h.pause()
			h.work(func(nd *binding.NDIS) { nd.CompleteNetPnPEvent(h.f.LastPnP, binding.StatusSuccess) })
			require.Equal(h.t, fsm.Paused, h.b.State())
		}},

	// ReceiveResourcesHeld: an NBL indicated with NDIS_RECEIVE_FLAGS_RESOURCES
	// kept past the indication is caught at its next use, whatever the use.
	// https://learn.microsoft.com/windows-hardware/drivers/network/receiving-data-in-protocol-drivers
	{rule: rule.ReceiveResourcesHeld, name: "RESOURCES NBL kept and sent on later", state: fsm.Running,
		broken: func(h *harness) {
			var kept []pool.NBL
			h.f.OnReceive = func(_ *binding.NDIS, nbls []pool.NBL, _ binding.ReceiveFlags) { kept = append(kept, nbls...) }
			h.running()
			h.b.Indicate(1, true)
			h.work(func(nd *binding.NDIS) { h.f.SendNBL(nd, kept[0]) })
		},
		legal: func(h *harness) {
			h.running()
			h.b.Indicate(1, true)
			h.work(func(*binding.NDIS) {})
		}},
}

func TestEveryHandleRuleBreaksAndHolds(t *testing.T) { runRuleCases(t, handleRuleCases) }

// runRuleCases breaks each case's rule and plays its legal twin.
func runRuleCases(t *testing.T, cases []ruleCase) {
	for _, c := range cases {
		t.Run(string(c.rule)+"/"+c.name, func(t *testing.T) {
			_, ok := rule.Lookup(c.rule)
			require.True(t, ok, "%s is not in the catalogue", c.rule)

			h := newHarness(t, c.filters...)
			c.broken(h)
			requireOnly(t, h.b, c.rule, c.state)

			h = newHarness(t, c.filters...)
			c.legal(h)
			requireClean(t, h.b)
		})
	}
}
