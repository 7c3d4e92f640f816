package binding_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/ndissim/ndissim/binding"
	"github.com/ndissim/ndissim/fsm"
	"github.com/ndissim/ndissim/internal/ruletest"
	"github.com/ndissim/ndissim/oid"
	"github.com/ndissim/ndissim/pool"
	"github.com/ndissim/ndissim/rule"
)

// ruleCase breaks one rule the binding raises and, next to it, plays a
// legal sequence that differs as little as possible and draws nothing.
type ruleCase struct {
	rule    rule.Name
	name    string
	filters []oid.Layer // the stack under the binding: "nic" plus these
	state   fsm.State   // the state the finding names
	broken  func(h *harness)
	legal   func(h *harness)
}

var (
	// dataFilter asks for data backfill only, ctxFilter for context only.
	dataFilter = oid.Layer{Name: "vpn", DataBackfill: 32}
	ctxFilter  = oid.Layer{Name: "qos", ContextBackfill: 16}

	backfillQuery = oid.Request{Type: oid.Query, OID: oid.OIDBackfillRequirements}
)

// pauseWhenDrained makes the design pend a pause while sends are in flight
// and complete it from the send-complete that drains them, as ndisprot does
// with its PendedSendCount. It returns the count of sends in flight, which
// the caller's Write must raise.
func pauseWhenDrained(h *harness) *int {
	inFlight := new(int)
	pausing := false
	h.f.OnWrite = func(nd *binding.NDIS, _ uint32) {
		*inFlight++
		h.f.Send(nd)
	}
	h.f.OnNetPnPEvent = func(nd *binding.NDIS, ev binding.PnPEvent) binding.Status {
		if ev.Kind == binding.NetEventPause && *inFlight > 0 {
			pausing = true
			return binding.StatusPending
		}
		return binding.StatusSuccess
	}
	h.f.OnSendComplete = func(nd *binding.NDIS, nbl pool.NBL, _ binding.Status) {
		nd.FreeNetBufferList(nbl)
		*inFlight--
		if pausing && *inFlight == 0 {
			pausing = false
			nd.CompleteNetPnPEvent(h.f.LastPnP, binding.StatusSuccess)
		}
	}
	return inFlight
}

// keepReceives makes the design keep every NBL it is indicated, whatever
// the flags, and returns where it keeps them.
func keepReceives(h *harness) *[]pool.NBL {
	kept := new([]pool.NBL)
	h.f.OnReceive = func(_ *binding.NDIS, nbls []pool.NBL, _ binding.ReceiveFlags) {
		*kept = append(*kept, nbls...)
	}
	return kept
}

func returnAll(h *harness, kept *[]pool.NBL) {
	h.work(func(nd *binding.NDIS) {
		for _, nbl := range *kept {
			nd.ReturnNetBufferLists(nbl, 0)
		}
		*kept = (*kept)[:0]
	})
}

func unbindWithoutFreeing(nd *binding.NDIS) binding.Status {
	nd.CloseAdapter()
	return binding.StatusSuccess
}

var ruleCases = []ruleCase{
	// SendWhileNotRunning: new sends only in Running.
	// https://learn.microsoft.com/windows-hardware/drivers/network/protocol-binding-states-and-operations
	// https://learn.microsoft.com/windows-hardware/drivers/network/pausing-a-binding
	{rule: rule.SendWhileNotRunning, name: "send in Paused, right after the bind", state: fsm.Paused,
		broken: func(h *harness) {
			h.bind()
			h.send()
		},
		legal: func(h *harness) {
			h.bind()
			h.restart(true)
			h.send()
		}},
	{rule: rule.SendWhileNotRunning, name: "send from ProtocolBindAdapterEx after the open", state: fsm.Opening,
		broken: func(h *harness) {
			h.f.OnBindAdapter = func(nd *binding.NDIS, _ oid.BindParameters) binding.Status {
				st := h.f.DefaultBind(nd)
				h.f.Send(nd)
				return st
			}
			h.bind()
		},
		legal: func(h *harness) {
			h.f.OnBindAdapter = func(nd *binding.NDIS, _ oid.BindParameters) binding.Status {
				st := h.f.DefaultBind(nd)
				nd.FreeNetBufferList(h.f.Alloc(nd, 0))
				return st
			}
			h.bind()
		}},
	{rule: rule.SendWhilePausing, name: "new send while a pause is pending", state: fsm.Pausing,
		broken: func(h *harness) {
			pauseWhenDrained(h)
			h.running()
			h.b.Write(64)
			h.pause()
			h.b.Write(64)
		},
		legal: func(h *harness) {
			pauseWhenDrained(h)
			h.running()
			h.b.Write(64)
			h.pause()
			h.b.CompleteSend(0, true)
			require.Equal(h.t, fsm.Paused, h.b.State())
		}},

	// SendInFlightTouched: from NdisSendNetBufferLists until
	// ProtocolSendNetBufferListsComplete the NBL belongs to NDIS.
	// https://learn.microsoft.com/windows-hardware/drivers/ddi/ndis/nf-ndis-ndissendnetbufferlists
	// https://learn.microsoft.com/windows-hardware/drivers/ddi/ndis/nc-ndis-protocol_send_net_buffer_lists_complete
	{rule: rule.SendInFlightTouched, name: "re-sent before its send-complete", state: fsm.Running,
		broken: func(h *harness) {
			h.running()
			nbl := h.send()
			h.work(func(nd *binding.NDIS) { h.f.SendNBL(nd, nbl) })
		},
		legal: func(h *harness) {
			h.f.OnSendComplete = func(*binding.NDIS, pool.NBL, binding.Status) {} // keeps it for reuse
			h.running()
			nbl := h.send()
			h.b.CompleteSend(0, true)
			h.work(func(nd *binding.NDIS) { h.f.SendNBL(nd, nbl) })
		}},
	{rule: rule.SendInFlightTouched, name: "freed before its send-complete", state: fsm.Running,
		broken: func(h *harness) {
			h.running()
			nbl := h.send()
			h.work(func(nd *binding.NDIS) { nd.FreeNetBufferList(nbl) })
		},
		legal: func(h *harness) {
			h.running()
			h.send()
			h.b.CompleteSend(0, true) // the default send-complete frees it
		}},
	{rule: rule.SendInFlightTouched, name: "data start advanced before its send-complete", state: fsm.Running,
		broken: func(h *harness) {
			h.running()
			nbl := h.send()
			h.work(func(nd *binding.NDIS) { nd.AdvanceNetBufferDataStart(nd.FirstNB(nbl), 14, false) })
		},
		legal: func(h *harness) {
			h.f.OnSendComplete = func(*binding.NDIS, pool.NBL, binding.Status) {}
			h.running()
			nbl := h.send()
			h.b.CompleteSend(0, true)
			h.work(func(nd *binding.NDIS) {
				nd.AdvanceNetBufferDataStart(nd.FirstNB(nbl), 14, false)
				nd.FreeNetBufferList(nbl)
			})
		}},

	// SendBackfillShortfall (warning): the topmost sender leaves data
	// backfill for the whole stack, or each retreat below allocates.
	// https://learn.microsoft.com/windows-hardware/drivers/network/protocol-driver-buffer-management
	// https://learn.microsoft.com/windows-hardware/drivers/ddi/nblapi/nf-nblapi-ndisretreatnetbufferdatastart
	// https://learn.microsoft.com/windows-hardware/drivers/network/net-buffer-data-packaging
	{rule: rule.SendBackfillShortfall, name: "no data backfill over a 32-byte filter",
		filters: []oid.Layer{dataFilter}, state: fsm.Running,
		broken: func(h *harness) {
			h.running()
			h.work(func(nd *binding.NDIS) { h.f.SendNBL(nd, h.f.Alloc(nd, 0)) })
		},
		legal: func(h *harness) {
			h.running()
			h.work(func(nd *binding.NDIS) { h.f.SendNBL(nd, h.f.Alloc(nd, 32)) })
		}},
	{rule: rule.SendBackfillShortfall, name: "backfill one byte short", filters: []oid.Layer{dataFilter}, state: fsm.Running,
		broken: func(h *harness) {
			h.running()
			h.work(func(nd *binding.NDIS) { h.f.SendNBL(nd, h.f.Alloc(nd, 31)) })
		},
		legal: func(h *harness) {
			h.running()
			h.work(func(nd *binding.NDIS) { h.f.SendNBL(nd, h.f.Alloc(nd, 48)) })
		}},

	// SendContextShortfall (warning): the sent NBL leaves the stack's
	// ContextBackFillSize of unused context.
	// https://learn.microsoft.com/windows-hardware/drivers/network/protocol-driver-buffer-management
	// https://learn.microsoft.com/windows-hardware/drivers/ddi/nbl/ns-nbl-net_buffer_list_context
	{rule: rule.SendContextShortfall, name: "pool context used up, no ContextBackFill",
		filters: []oid.Layer{ctxFilter}, state: fsm.Running,
		broken: func(h *harness) {
			h.running()
			h.work(func(nd *binding.NDIS) {
				h.f.SendNBL(nd, nd.AllocateNetBufferAndNetBufferList(h.f.Pool, 16, 0, 1, 0, 64))
			})
		},
		legal: func(h *harness) {
			h.running()
			h.work(func(nd *binding.NDIS) {
				h.f.SendNBL(nd, nd.AllocateNetBufferAndNetBufferList(h.f.Pool, 16, 16, 1, 0, 64))
			})
		}},
	{rule: rule.SendContextShortfall, name: "unused pool context counts as headroom",
		filters: []oid.Layer{ctxFilter}, state: fsm.Running,
		broken: func(h *harness) {
			h.running()
			h.work(func(nd *binding.NDIS) {
				h.f.SendNBL(nd, nd.AllocateNetBufferAndNetBufferList(h.f.Pool, 16, 0, 1, 0, 64))
			})
		},
		legal: func(h *harness) {
			h.running()
			h.work(func(nd *binding.NDIS) { // uses none of the pool's 16 bytes
				h.f.SendNBL(nd, nd.AllocateNetBufferAndNetBufferList(h.f.Pool, 0, 0, 1, 0, 64))
			})
		}},

	// ReceiveResourcesHeld: NBLs indicated with NDIS_RECEIVE_FLAGS_RESOURCES
	// are copied, never kept or returned.
	// https://learn.microsoft.com/windows-hardware/drivers/network/receiving-data-in-protocol-drivers
	// https://learn.microsoft.com/windows-hardware/drivers/ddi/ndis/nc-ndis-protocol_receive_net_buffer_lists
	{rule: rule.ReceiveResourcesHeld, name: "RESOURCES NBL kept and returned later", state: fsm.Running,
		broken: func(h *harness) {
			kept := keepReceives(h)
			h.running()
			h.b.Indicate(1, true)
			returnAll(h, kept)
		},
		legal: func(h *harness) {
			kept := keepReceives(h)
			h.running()
			h.b.Indicate(1, false)
			returnAll(h, kept)
		}},
	{rule: rule.ReceiveResourcesHeld, name: "RESOURCES NBL returned inside the callback", state: fsm.Running,
		broken: func(h *harness) {
			h.f.OnReceive = func(nd *binding.NDIS, nbls []pool.NBL, _ binding.ReceiveFlags) {
				for _, nbl := range nbls { // ignores the flag
					nd.ReturnNetBufferLists(nbl, 0)
				}
			}
			h.running()
			h.b.Indicate(1, true)
		},
		legal: func(h *harness) {
			h.running()
			h.b.Indicate(1, true) // the default copies nothing and returns nothing
			h.b.Indicate(2, false)
		}},

	// ReturnNotOwned: only NBLs indicated to this binding and not yet
	// returned go back through NdisReturnNetBufferLists.
	// https://learn.microsoft.com/windows-hardware/drivers/ddi/ndis/nc-ndis-protocol_receive_net_buffer_lists
	{rule: rule.ReturnNotOwned, name: "received NBL returned twice", state: fsm.Running,
		broken: func(h *harness) {
			kept := keepReceives(h)
			h.running()
			h.b.Indicate(1, false)
			nbl := (*kept)[0]
			returnAll(h, kept)
			h.work(func(nd *binding.NDIS) { nd.ReturnNetBufferLists(nbl, 0) })
		},
		legal: func(h *harness) {
			kept := keepReceives(h)
			h.running()
			h.b.Indicate(1, false)
			returnAll(h, kept)
		}},
	{rule: rule.ReturnNotOwned, name: "own send NBL returned", state: fsm.Running,
		broken: func(h *harness) {
			h.running()
			h.work(func(nd *binding.NDIS) { nd.ReturnNetBufferLists(h.f.Alloc(nd, 0), 0) })
		},
		legal: func(h *harness) {
			h.running()
			h.work(func(nd *binding.NDIS) { nd.FreeNetBufferList(h.f.Alloc(nd, 0)) })
		}},
	{rule: rule.ReturnNotOwned, name: "received NBL forwarded as a send", state: fsm.Running,
		broken: func(h *harness) {
			h.f.OnReceive = func(nd *binding.NDIS, nbls []pool.NBL, _ binding.ReceiveFlags) {
				nd.SetSourceHandle(nbls[0])
				nd.SendNetBufferLists(nbls[0], 0)
			}
			h.running()
			h.b.Indicate(1, false)
		},
		legal: func(h *harness) {
			h.f.OnReceive = func(nd *binding.NDIS, nbls []pool.NBL, _ binding.ReceiveFlags) {
				h.f.Send(nd) // a copy in its own NBL
				nd.ReturnNetBufferLists(nbls[0], 0)
			}
			h.running()
			h.b.Indicate(1, false)
		}},

	// ForeignNblFreed: a received NBL is returned, never freed.
	// https://learn.microsoft.com/windows-hardware/drivers/ddi/ndis/nc-ndis-protocol_receive_net_buffer_lists
	{rule: rule.ForeignNblFreed, name: "received NBL freed", state: fsm.Running,
		broken: func(h *harness) {
			h.f.OnReceive = func(nd *binding.NDIS, nbls []pool.NBL, _ binding.ReceiveFlags) {
				nd.FreeNetBufferList(nbls[0])
			}
			h.running()
			h.b.Indicate(1, false)
		},
		legal: func(h *harness) {
			h.running()
			h.b.Indicate(1, false)
		}},
	{rule: rule.ForeignNblFreed, name: "RESOURCES NBL freed", state: fsm.Running,
		broken: func(h *harness) {
			h.f.OnReceive = func(nd *binding.NDIS, nbls []pool.NBL, _ binding.ReceiveFlags) {
				nd.FreeNetBufferList(nbls[0])
			}
			h.running()
			h.b.Indicate(1, true)
		},
		legal: func(h *harness) {
			h.running()
			h.b.Indicate(1, true)
		}},

	// PauseWithOutstanding: a pause completes only once every send has
	// completed and every held receive has been returned.
	// https://learn.microsoft.com/windows-hardware/drivers/network/pausing-a-binding
	{rule: rule.PauseWithOutstanding, name: "pause returns SUCCESS with a send in flight", state: fsm.Pausing,
		broken: func(h *harness) {
			h.running()
			h.send()
			h.pause()
		},
		legal: func(h *harness) {
			pauseWhenDrained(h)
			h.running()
			h.b.Write(64)
			h.pause()
			h.b.CompleteSend(0, true)
		}},
	{rule: rule.PauseWithOutstanding, name: "pause returns SUCCESS holding a receive", state: fsm.Pausing,
		broken: func(h *harness) {
			keepReceives(h)
			h.running()
			h.b.Indicate(1, false)
			h.pause()
		},
		legal: func(h *harness) {
			kept := keepReceives(h)
			h.f.OnNetPnPEvent = func(nd *binding.NDIS, _ binding.PnPEvent) binding.Status {
				for _, nbl := range *kept {
					nd.ReturnNetBufferLists(nbl, 0)
				}
				*kept = nil
				return binding.StatusSuccess
			}
			h.running()
			h.b.Indicate(1, false)
			h.pause()
		}},
	{rule: rule.PauseWithOutstanding, name: "pended pause completed before its send", state: fsm.Pausing,
		broken: func(h *harness) {
			pauseWhenDrained(h)
			h.running()
			h.b.Write(64)
			h.pause()
			h.work(func(nd *binding.NDIS) { nd.CompleteNetPnPEvent(h.f.LastPnP, binding.StatusSuccess) })
		},
		legal: func(h *harness) {
			n := pauseWhenDrained(h)
			h.f.OnSendComplete = func(nd *binding.NDIS, nbl pool.NBL, _ binding.Status) {
				nd.FreeNetBufferList(nbl)
				*n--
			}
			h.running()
			h.b.Write(64)
			h.pause()
			h.b.CompleteSend(0, true)
			h.work(func(nd *binding.NDIS) { nd.CompleteNetPnPEvent(h.f.LastPnP, binding.StatusSuccess) })
		}},

	// PauseNotCompleted: a pended pause outlives the watchdog; bug check
	// 0x7C, subcode 0x25.
	// https://learn.microsoft.com/windows-hardware/drivers/debugger/bug-check-0x7c--bugcode-ndis-driver
	{rule: rule.PauseNotCompleted, name: "pended pause never completed", state: fsm.Pausing,
		broken: func(h *harness) {
			h.f.OnNetPnPEvent = func(_ *binding.NDIS, ev binding.PnPEvent) binding.Status {
				if ev.Kind == binding.NetEventPause {
					return binding.StatusPending // and forgets it
				}
				return binding.StatusSuccess
			}
			h.running()
			h.pause()
			h.b.Overdue(1000)
		},
		legal: func(h *harness) {
			pauseWhenDrained(h)
			h.running()
			h.b.Write(64)
			h.pause()
			h.b.CompleteSend(0, true)
			h.b.Overdue(1000) // nothing is pending any more
		}},
	{rule: rule.PauseNotCompleted, name: "send never completed under a pended pause", state: fsm.Pausing,
		broken: func(h *harness) {
			pauseWhenDrained(h)
			h.running()
			h.b.Write(64)
			h.pause()
			h.b.Overdue(1000)
		},
		legal: func(h *harness) {
			pauseWhenDrained(h)
			h.running()
			h.b.Overdue(1000) // no pause pending: the watchdog has nothing to say
			h.pause()
			h.b.Overdue(1000) // nor after a pause that returned SUCCESS
		}},

	// PendedNotCompleted: a bind, restart or unbind the protocol pended is
	// completed within the watchdog bound; bug check 0x7C, subcode 0x25.
	// https://learn.microsoft.com/windows-hardware/drivers/ddi/ndis/nc-ndis-protocol_net_pnp_event
	// https://learn.microsoft.com/windows-hardware/drivers/ddi/ndis/nc-ndis-protocol_bind_adapter_ex
	// https://learn.microsoft.com/windows-hardware/drivers/debugger/bug-check-0x7c--bugcode-ndis-driver
	{rule: rule.PendedNotCompleted, name: "pended bind never completed", state: fsm.Opening,
		broken: func(h *harness) {
			h.f.OnBindAdapter = func(nd *binding.NDIS, _ oid.BindParameters) binding.Status {
				h.f.DefaultBind(nd)
				return binding.StatusPending
			}
			h.bind()
			h.b.Overdue(1000)
		},
		legal: func(h *harness) {
			h.f.OnBindAdapter = func(nd *binding.NDIS, _ oid.BindParameters) binding.Status {
				h.f.DefaultBind(nd)
				return binding.StatusPending
			}
			h.bind()
			h.work(func(nd *binding.NDIS) { nd.CompleteBindAdapter(binding.StatusSuccess) })
			h.b.Overdue(1000)
		}},
	{rule: rule.PendedNotCompleted, name: "pended restart never completed", state: fsm.Restarting,
		broken: func(h *harness) {
			h.f.OnNetPnPEvent = func(*binding.NDIS, binding.PnPEvent) binding.Status { return binding.StatusPending }
			h.bind()
			h.restart(true)
			h.b.Overdue(1000)
		},
		legal: func(h *harness) {
			h.f.OnNetPnPEvent = func(*binding.NDIS, binding.PnPEvent) binding.Status { return binding.StatusPending }
			h.bind()
			h.restart(true)
			h.work(func(nd *binding.NDIS) { nd.CompleteNetPnPEvent(h.f.LastPnP, binding.StatusSuccess) })
			h.b.Overdue(1000)
		}},
	{rule: rule.PendedNotCompleted, name: "pended unbind never completed", state: fsm.Closing,
		broken: func(h *harness) {
			h.f.OnUnbindAdapter = func(nd *binding.NDIS) binding.Status {
				h.f.DefaultUnbind(nd)
				return binding.StatusPending
			}
			h.bind()
			h.unbind()
			h.b.Overdue(1000)
		},
		legal: func(h *harness) {
			h.f.OnUnbindAdapter = func(nd *binding.NDIS) binding.Status {
				h.f.DefaultUnbind(nd)
				return binding.StatusPending
			}
			h.bind()
			h.unbind()
			h.work(func(nd *binding.NDIS) { nd.CompleteUnbindAdapter() })
			h.b.Overdue(1000)
		}},

	// CloseWithOidsOutstanding (warning): NdisCloseAdapterEx should wait
	// for the binding's OID requests.
	// https://learn.microsoft.com/windows-hardware/drivers/network/unbinding-from-an-adapter
	{rule: rule.CloseWithOidsOutstanding, name: "unbind closes with an OID request pending", state: fsm.Closing,
		broken: func(h *harness) {
			h.running()
			h.d.on[binding.DecideOidPends] = true
			h.work(func(nd *binding.NDIS) { nd.OidRequest(backfillQuery) })
			h.pause()
			h.unbind()
		},
		legal: func(h *harness) {
			h.running()
			h.d.on[binding.DecideOidPends] = true
			h.work(func(nd *binding.NDIS) { nd.OidRequest(backfillQuery) })
			h.b.CompleteOid(0, true)
			h.pause()
			h.unbind()
		}},
	// OidInInvalidState: no OID request while Unbound, nor while Opening
	// before the open has completed (nor, in ndissim, after the close).
	// https://learn.microsoft.com/windows-hardware/drivers/network/protocol-binding-states-and-operations
	// https://learn.microsoft.com/windows-hardware/drivers/network/generating-oid-requests-from-an-ndis-protocol-driver
	// https://learn.microsoft.com/windows-hardware/drivers/ddi/ndis/nc-ndis-protocol_bind_adapter_ex
	{rule: rule.OidInInvalidState, name: "OID before NdisOpenAdapterEx", state: fsm.Opening,
		broken: func(h *harness) {
			h.f.OnBindAdapter = func(nd *binding.NDIS, _ oid.BindParameters) binding.Status {
				nd.OidRequest(backfillQuery)
				return h.f.DefaultBind(nd)
			}
			h.bind()
		},
		legal: func(h *harness) {
			h.f.OnBindAdapter = func(nd *binding.NDIS, _ oid.BindParameters) binding.Status {
				st := h.f.DefaultBind(nd)
				nd.OidRequest(backfillQuery)
				return st
			}
			h.bind()
		}},
	{rule: rule.OidInInvalidState, name: "OID while the open is pended", state: fsm.Opening,
		broken: func(h *harness) {
			h.d.on[binding.DecideOpenPends] = true
			h.f.OnBindAdapter = func(nd *binding.NDIS, _ oid.BindParameters) binding.Status {
				h.f.Pool = nd.AllocateNetBufferListPool(fakePool)
				nd.OpenAdapter()
				nd.OidRequest(backfillQuery)
				return binding.StatusPending
			}
			h.bind()
		},
		legal: func(h *harness) {
			h.d.on[binding.DecideOpenPends] = true
			h.f.OnBindAdapter = func(nd *binding.NDIS, _ oid.BindParameters) binding.Status {
				h.f.Pool = nd.AllocateNetBufferListPool(fakePool)
				nd.OpenAdapter()
				return binding.StatusPending
			}
			h.f.OnOpenAdapterComplete = func(nd *binding.NDIS, st binding.Status) {
				nd.OidRequest(backfillQuery)
				nd.CompleteBindAdapter(st)
			}
			h.bind()
			h.b.CompleteOpen(true)
		}},
	{rule: rule.OidInInvalidState, name: "OID while Unbound", state: fsm.Unbound,
		broken: func(h *harness) {
			h.f.OnWrite = func(nd *binding.NDIS, _ uint32) { nd.OidRequest(backfillQuery) }
			h.b.Write(64)
		},
		legal: func(h *harness) {
			h.f.OnWrite = func(nd *binding.NDIS, _ uint32) { nd.OidRequest(backfillQuery) }
			h.bind()
			h.b.Write(64)
		}},
	{rule: rule.HandleUsedAfterClose, name: "OID after NdisCloseAdapterEx", state: fsm.Closing,
		broken: func(h *harness) {
			h.f.OnUnbindAdapter = func(nd *binding.NDIS) binding.Status {
				nd.CloseAdapter()
				nd.OidRequest(oid.Request{Type: oid.Set, OID: oid.OIDGenCurrentPacketFilter})
				nd.FreeNetBufferListPool(h.f.Pool)
				return binding.StatusSuccess
			}
			h.bind()
			h.unbind()
		},
		legal: func(h *harness) {
			h.f.OnUnbindAdapter = func(nd *binding.NDIS) binding.Status {
				nd.OidRequest(oid.Request{Type: oid.Set, OID: oid.OIDGenCurrentPacketFilter})
				return h.f.DefaultUnbind(nd)
			}
			h.bind()
			h.unbind()
		}},

	// UnexpectedCompletion: the protocol completes only what NDIS waits for.
	// https://learn.microsoft.com/windows-hardware/drivers/ddi/ndis/nc-ndis-protocol_net_pnp_event
	// https://learn.microsoft.com/windows-hardware/drivers/ddi/ndis/nc-ndis-protocol_bind_adapter_ex
	// https://learn.microsoft.com/windows-hardware/drivers/network/unbinding-from-an-adapter
	{rule: rule.UnexpectedCompletion, name: "pended bind completed twice", state: fsm.Paused,
		broken: func(h *harness) {
			h.f.OnBindAdapter = func(nd *binding.NDIS, _ oid.BindParameters) binding.Status {
				h.f.DefaultBind(nd)
				return binding.StatusPending
			}
			h.bind()
			h.work(func(nd *binding.NDIS) {
				nd.CompleteBindAdapter(binding.StatusSuccess)
				nd.CompleteBindAdapter(binding.StatusSuccess)
			})
		},
		legal: func(h *harness) {
			h.f.OnBindAdapter = func(nd *binding.NDIS, _ oid.BindParameters) binding.Status {
				h.f.DefaultBind(nd)
				return binding.StatusPending
			}
			h.bind()
			h.work(func(nd *binding.NDIS) { nd.CompleteBindAdapter(binding.StatusSuccess) })
			require.Equal(h.t, fsm.Paused, h.b.State())
		}},
	{rule: rule.UnexpectedCompletion, name: "bind that returned SUCCESS completed", state: fsm.Opening,
		broken: func(h *harness) {
			h.f.OnBindAdapter = func(nd *binding.NDIS, _ oid.BindParameters) binding.Status {
				st := h.f.DefaultBind(nd)
				nd.CompleteBindAdapter(st) // before returning: nothing is pending yet
				return st
			}
			h.bind()
		},
		legal: func(h *harness) { h.bind() }},
	{rule: rule.UnexpectedCompletion, name: "bind completed with PENDING", state: fsm.Opening,
		broken: func(h *harness) {
			h.f.OnBindAdapter = func(nd *binding.NDIS, _ oid.BindParameters) binding.Status {
				h.f.DefaultBind(nd)
				return binding.StatusPending
			}
			h.bind()
			h.work(func(nd *binding.NDIS) { nd.CompleteBindAdapter(binding.StatusPending) })
		},
		legal: func(h *harness) {
			h.f.OnBindAdapter = func(nd *binding.NDIS, _ oid.BindParameters) binding.Status {
				h.f.DefaultBind(nd)
				return binding.StatusPending
			}
			h.bind()
			h.work(func(nd *binding.NDIS) { nd.CompleteBindAdapter(binding.StatusSuccess) })
		}},
	{rule: rule.UnexpectedCompletion, name: "PnP event completed that was never pended", state: fsm.Running,
		broken: func(h *harness) {
			h.running() // the restart returned SUCCESS
			h.work(func(nd *binding.NDIS) { nd.CompleteNetPnPEvent(h.f.LastPnP, binding.StatusSuccess) })
		},
		legal: func(h *harness) {
			h.f.OnNetPnPEvent = func(*binding.NDIS, binding.PnPEvent) binding.Status { return binding.StatusPending }
			h.bind()
			h.restart(true)
			h.work(func(nd *binding.NDIS) { nd.CompleteNetPnPEvent(h.f.LastPnP, binding.StatusSuccess) })
			require.Equal(h.t, fsm.Running, h.b.State())
		}},
	{rule: rule.UnexpectedCompletion, name: "unbind completed though it returned SUCCESS", state: fsm.Closing,
		broken: func(h *harness) {
			h.f.OnUnbindAdapter = func(nd *binding.NDIS) binding.Status {
				h.f.DefaultUnbind(nd)
				nd.CompleteUnbindAdapter()
				return binding.StatusSuccess
			}
			h.bind()
			h.unbind()
		},
		legal: func(h *harness) {
			h.f.OnUnbindAdapter = func(nd *binding.NDIS) binding.Status {
				h.f.DefaultUnbind(nd)
				return binding.StatusPending
			}
			h.bind()
			h.unbind()
			h.work(func(nd *binding.NDIS) { nd.CompleteUnbindAdapter() })
			require.Equal(h.t, fsm.Unbound, h.b.State())
		}},
	{rule: rule.UnexpectedCompletion, name: "unbind completed after the binding is gone", state: fsm.Unbound,
		broken: func(h *harness) {
			h.bind()
			h.unbind()
			h.work(func(nd *binding.NDIS) { nd.CompleteUnbindAdapter() })
		},
		legal: func(h *harness) {
			h.bind()
			h.unbind()
			h.work(func(*binding.NDIS) {})
		}},
	{rule: rule.OpenOutsideBind, name: "adapter opened twice", state: fsm.Opening,
		broken: func(h *harness) {
			h.f.OnBindAdapter = func(nd *binding.NDIS, _ oid.BindParameters) binding.Status {
				st := h.f.DefaultBind(nd)
				nd.OpenAdapter()
				return st
			}
			h.bind()
		},
		legal: func(h *harness) { h.bind() }},
	{rule: rule.CloseOutsideUnbind, name: "adapter closed twice", state: fsm.Closing,
		broken: func(h *harness) {
			h.f.OnUnbindAdapter = func(nd *binding.NDIS) binding.Status {
				nd.CloseAdapter()
				return h.f.DefaultUnbind(nd)
			}
			h.bind()
			h.unbind()
		},
		legal: func(h *harness) {
			h.bind()
			h.unbind()
		}},

	// PoolChangedWhileActive: pools are made and freed while Opening,
	// Restarting or Closing, never while Running or Pausing.
	// https://learn.microsoft.com/windows-hardware/drivers/network/protocol-driver-buffer-management
	// https://learn.microsoft.com/windows-hardware/drivers/network/restarting-a-binding
	{rule: rule.PoolChangedWhileActive, name: "pool allocated while Running", state: fsm.Running,
		broken: func(h *harness) {
			h.running()
			h.work(func(nd *binding.NDIS) { nd.AllocateNetBufferListPool(fakePool) })
		},
		legal: func(h *harness) {
			h.f.OnNetPnPEvent = func(nd *binding.NDIS, ev binding.PnPEvent) binding.Status {
				if ev.Kind == binding.NetEventRestart { // rebuild: the documented place
					nd.FreeNetBufferListPool(h.f.Pool)
					h.f.Pool = nd.AllocateNetBufferListPool(fakePool)
				}
				return binding.StatusSuccess
			}
			h.running()
		}},
	{rule: rule.PoolChangedWhileActive, name: "pool freed while Pausing", state: fsm.Pausing,
		broken: func(h *harness) {
			h.f.OnNetPnPEvent = func(nd *binding.NDIS, ev binding.PnPEvent) binding.Status {
				if ev.Kind == binding.NetEventPause {
					nd.FreeNetBufferListPool(h.f.Pool)
				}
				return binding.StatusSuccess
			}
			h.running()
			h.pause()
		},
		legal: func(h *harness) {
			h.running()
			h.pause()
			h.unbind() // the default unbind frees it, in Closing
		}},

	// LeakAtUnbind: at Unbound the binding holds nothing and the adapter is
	// closed; bug check 0x7C, subcode 0x27.
	// https://learn.microsoft.com/windows-hardware/drivers/debugger/bug-check-0x7c--bugcode-ndis-driver
	{rule: rule.ResourcesKeptPastUnbind, name: "pool never freed", state: fsm.Unbound,
		broken: func(h *harness) {
			h.f.OnUnbindAdapter = unbindWithoutFreeing
			h.bind()
			h.unbind()
		},
		legal: func(h *harness) {
			h.bind()
			h.unbind()
		}},
	{rule: rule.ResourcesKeptPastUnbind, name: "sent NBL never freed", state: fsm.Unbound,
		broken: func(h *harness) {
			h.f.OnSendComplete = func(*binding.NDIS, pool.NBL, binding.Status) {} // forgets it
			h.f.OnUnbindAdapter = unbindWithoutFreeing
			h.running()
			h.send()
			h.b.CompleteSend(0, true)
			h.pause()
			h.unbind()
		},
		legal: func(h *harness) {
			h.running()
			h.send()
			h.b.CompleteSend(0, true)
			h.pause()
			h.unbind()
		}},
	{rule: rule.LeakAtUnbind, name: "received NBL never returned", state: fsm.Unbound,
		broken: func(h *harness) {
			keepReceives(h)
			h.bind()
			h.b.Indicate(1, false)
			h.unbind()
		},
		legal: func(h *harness) {
			kept := keepReceives(h)
			h.bind()
			h.b.Indicate(1, false)
			returnAll(h, kept)
			h.unbind()
		}},
	{rule: rule.LeakAtUnbind, name: "adapter never closed", state: fsm.Unbound,
		broken: func(h *harness) {
			h.f.OnUnbindAdapter = func(nd *binding.NDIS) binding.Status {
				nd.FreeNetBufferListPool(h.f.Pool)
				return binding.StatusSuccess
			}
			h.bind()
			h.unbind()
		},
		legal: func(h *harness) {
			h.bind()
			h.unbind()
		}},
	{rule: rule.LeakAtUnbind, name: "unbind returned SUCCESS before the pended close completed", state: fsm.Unbound,
		broken: func(h *harness) {
			h.d.on[binding.DecideClosePends] = true
			h.bind()
			h.unbind()
		},
		legal: func(h *harness) {
			h.d.on[binding.DecideClosePends] = true
			h.f.OnUnbindAdapter = func(nd *binding.NDIS) binding.Status {
				nd.CloseAdapter()
				return binding.StatusPending
			}
			h.f.OnCloseAdapterComplete = func(nd *binding.NDIS) {
				nd.FreeNetBufferListPool(h.f.Pool)
				nd.CompleteUnbindAdapter()
			}
			h.bind()
			h.unbind()
			h.b.CompleteClose()
		}},
	{rule: rule.LeakAtUnbind, name: "failed bind leaves the adapter open", state: fsm.Unbound,
		broken: func(h *harness) {
			h.f.OnBindAdapter = func(nd *binding.NDIS, _ oid.BindParameters) binding.Status {
				h.f.DefaultBind(nd)
				nd.FreeNetBufferListPool(h.f.Pool)
				return binding.StatusResources
			}
			h.bind()
		},
		legal: func(h *harness) {
			h.f.OnBindAdapter = func(nd *binding.NDIS, _ oid.BindParameters) binding.Status {
				h.f.DefaultBind(nd)
				nd.CloseAdapter()
				nd.FreeNetBufferListPool(h.f.Pool)
				return binding.StatusResources
			}
			h.bind()
			require.Equal(h.t, fsm.Unbound, h.b.State())
		}},

	// DesignPanic: the design does not panic (no NDIS page: a panic is a
	// crash of the driver itself).
	{rule: rule.DesignPanic, name: "index past a short indication", state: fsm.Running,
		broken: func(h *harness) {
			h.f.OnReceive = func(nd *binding.NDIS, nbls []pool.NBL, _ binding.ReceiveFlags) {
				second := nbls[1]
				nd.ReturnNetBufferLists(nbls[0], 0)
				nd.ReturnNetBufferLists(second, 0)
			}
			h.running()
			h.b.Indicate(1, false)
		},
		legal: func(h *harness) {
			h.f.OnReceive = func(nd *binding.NDIS, nbls []pool.NBL, _ binding.ReceiveFlags) {
				second := nbls[1]
				nd.ReturnNetBufferLists(nbls[0], 0)
				nd.ReturnNetBufferLists(second, 0)
			}
			h.running()
			h.b.Indicate(2, false)
		}},
	{rule: rule.DesignPanic, name: "nil map in a send-complete called inside the send", state: fsm.Running,
		broken: func(h *harness) {
			var done map[pool.NBL]bool
			h.f.OnSendComplete = func(nd *binding.NDIS, nbl pool.NBL, _ binding.Status) {
				done[nbl] = true
				nd.FreeNetBufferList(nbl)
			}
			h.running()
			h.d.on[binding.DecideSendCompletesNow] = true
			h.send()
		},
		legal: func(h *harness) {
			done := map[pool.NBL]bool{}
			h.f.OnSendComplete = func(nd *binding.NDIS, nbl pool.NBL, _ binding.Status) {
				done[nbl] = true
				nd.FreeNetBufferList(nbl)
			}
			h.running()
			h.d.on[binding.DecideSendCompletesNow] = true
			h.send()
		}},

	// DesignHang: a callback returns within its budget of NDIS calls; NDIS
	// would hit its watchdog (bug check 0x7C).
	// https://learn.microsoft.com/windows-hardware/drivers/debugger/bug-check-0x7c--bugcode-ndis-driver
	{rule: rule.DesignHang, name: "polls a failing OID request", state: fsm.Running,
		broken: func(h *harness) {
			h.b.SetCallBudget(10)
			h.d.on[binding.DecideOidFails] = true
			h.f.OnWrite = func(nd *binding.NDIS, _ uint32) {
				for {
					if _, res := nd.OidRequest(backfillQuery); res.Status == binding.StatusSuccess {
						return
					}
				}
			}
			h.running()
			h.b.Write(64)
		},
		legal: func(h *harness) {
			h.b.SetCallBudget(10)
			h.d.on[binding.DecideOidFails] = true
			h.f.OnWrite = func(nd *binding.NDIS, _ uint32) {
				for range 10 { // exactly the budget, then it gives up
					if _, res := nd.OidRequest(backfillQuery); res.Status == binding.StatusSuccess {
						return
					}
				}
			}
			h.running()
			h.b.Write(64)
		}},
	{rule: rule.DesignHang, name: "retries a failing allocation", state: fsm.Running,
		broken: func(h *harness) {
			h.b.SetCallBudget(10)
			h.f.OnWrite = func(nd *binding.NDIS, _ uint32) {
				for {
					if nbl := h.f.Alloc(nd, 0); !nbl.IsNull() {
						nd.SetSourceHandle(nbl)
						nd.SendNetBufferLists(nbl, 0)
						return
					}
				}
			}
			h.running()
			h.b.SetFaults(failAll{})
			h.b.Write(64)
		},
		legal: func(h *harness) {
			h.b.SetCallBudget(10)
			h.f.OnWrite = func(nd *binding.NDIS, _ uint32) {
				for range 3 {
					if nbl := h.f.Alloc(nd, 0); !nbl.IsNull() {
						nd.SetSourceHandle(nbl)
						nd.SendNetBufferLists(nbl, 0)
						return
					}
				}
			}
			h.running()
			h.b.SetFaults(failAll{})
			h.b.Write(64)
		}},

	// AllocationFailureIgnored, through the binding: a NULL NBL is sent.
	// https://learn.microsoft.com/windows-hardware/drivers/ddi/nblapi/nf-nblapi-ndisallocatenetbufferlist
	// https://learn.microsoft.com/windows-hardware/drivers/ddi/nblapi/nf-nblapi-ndisallocatenetbufferandnetbufferlist
	{rule: rule.AllocationFailureIgnored, name: "NULL NBL sent", state: fsm.Running,
		broken: func(h *harness) {
			h.running()
			h.b.SetFaults(failAll{})
			h.send()
		},
		legal: func(h *harness) {
			h.running()
			h.b.SetFaults(failAll{})
			h.work(func(nd *binding.NDIS) {
				if nbl := h.f.Alloc(nd, 0); !nbl.IsNull() {
					nd.SetSourceHandle(nbl)
					nd.SendNetBufferLists(nbl, 0)
				}
			})
		}},
	{rule: rule.AllocationFailureIgnored, name: "NULL pool from a failed bind allocation used", state: fsm.Opening,
		broken: func(h *harness) {
			h.b.SetFaults(failAll{})
			h.f.OnBindAdapter = func(nd *binding.NDIS, _ oid.BindParameters) binding.Status {
				st := h.f.DefaultBind(nd)
				h.f.Alloc(nd, 0)
				return st
			}
			h.bind()
		},
		legal: func(h *harness) {
			h.b.SetFaults(failAll{})
			h.f.OnBindAdapter = func(nd *binding.NDIS, _ oid.BindParameters) binding.Status {
				if h.f.Pool = nd.AllocateNetBufferListPool(fakePool); h.f.Pool.IsNull() {
					return binding.StatusResources
				}
				return h.f.DefaultBind(nd)
			}
			h.bind()
			require.Equal(h.t, fsm.Unbound, h.b.State())
		}},

	// UseAfterFree: a freed NBL is not sent or touched again.
	// https://learn.microsoft.com/windows-hardware/drivers/ddi/nblapi/nf-nblapi-ndisfreenetbufferlist
	{rule: rule.UseAfterFree, name: "freed NBL sent", state: fsm.Running,
		broken: func(h *harness) {
			h.running()
			h.work(func(nd *binding.NDIS) {
				nbl := h.f.Alloc(nd, 0)
				nd.FreeNetBufferList(nbl)
				nd.SetSourceHandle(nbl)
				nd.SendNetBufferLists(nbl, 0)
			})
		},
		legal: func(h *harness) {
			h.running()
			h.work(func(nd *binding.NDIS) {
				nbl := h.f.Alloc(nd, 0)
				nd.FreeNetBufferList(nbl)
				h.f.SendNBL(nd, h.f.Alloc(nd, 0))
			})
		}},
	{rule: rule.UseAfterFree, name: "NBL re-sent after its send-complete freed it", state: fsm.Running,
		broken: func(h *harness) {
			h.running()
			nbl := h.send()
			h.b.CompleteSend(0, true) // the default send-complete frees it
			h.work(func(nd *binding.NDIS) { h.f.SendNBL(nd, nbl) })
		},
		legal: func(h *harness) {
			h.running()
			h.send()
			h.b.CompleteSend(0, true)
			h.send()
		}},
}

func TestEveryBindingRuleBreaksAndHolds(t *testing.T) {
	for _, c := range ruleCases {
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

// The binding's tables break exactly the rules internal/ruletest lists for
// them: a rule added to the catalogue without a case here, or a case for a
// rule the list forgot, fails.
func TestBindingRuleTablesMatchTheList(t *testing.T) {
	broken := map[rule.Name]bool{}
	for _, cases := range [][]ruleCase{ruleCases, handleRuleCases, irqlRuleCases} {
		for _, c := range cases {
			broken[c.rule] = true
		}
	}
	missing, unlisted := ruletest.Diff(ruletest.Binding, broken)
	require.Empty(t, missing, "listed for the binding's tables but broken by no case")
	require.Empty(t, unlisted, "broken by a case but not listed in internal/ruletest")
}

// The watchdog names the operation that is late: a pended restart is
// PendedNotCompleted, a pended pause PauseNotCompleted (bug check 0x7C,
// subcode 0x25 with P2 0x02 and 0x01).
func TestOverdueNamesTheLateOperation(t *testing.T) {
	pendAll := func(h *harness) {
		h.f.OnNetPnPEvent = func(*binding.NDIS, binding.PnPEvent) binding.Status { return binding.StatusPending }
	}
	h := newHarness(t)
	pendAll(h)
	h.bind()
	h.restart(true)
	h.b.Overdue(1000)
	requireOnly(t, h.b, rule.PendedNotCompleted, fsm.Restarting)

	h = newHarness(t)
	pendAll(h)
	h.bind()
	h.restart(true)
	h.work(func(nd *binding.NDIS) { nd.CompleteNetPnPEvent(h.f.LastPnP, binding.StatusSuccess) })
	h.pause()
	h.b.Overdue(1000)
	requireOnly(t, h.b, rule.PauseNotCompleted, fsm.Pausing)
}
