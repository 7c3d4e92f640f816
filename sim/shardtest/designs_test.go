package shardtest

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/ndissim/ndissim/binding"
	"github.com/ndissim/ndissim/oid"
	"github.com/ndissim/ndissim/pool"
	"github.com/ndissim/ndissim/sim"
)

// sender is a small protocol: it opens the adapter at bind, sends from an
// NBL pool while running, waits for its sends in its pause handler and for
// its close in its unbind. As it is, it is correct. shallow allocates
// without the backfill the stack below needs (a warning on many sends);
// doubleFreeAt frees the NBL of that send completion twice (an error).
type sender struct {
	pool    pool.NBLPool
	running bool
	pending int
	closed  binding.Event

	shallow      bool
	doubleFreeAt int // 0: never
	completions  int
	// failPauses fails a pause that finds this many sends or more in
	// flight (0: never), after waiting for them: a warning, and rarer.
	failPauses int
}

func (p *sender) BindAdapter(nd *binding.NDIS, _ oid.BindParameters) binding.Status {
	*p = sender{shallow: p.shallow, doubleFreeAt: p.doubleFreeAt, failPauses: p.failPauses}
	p.pool = nd.AllocateNetBufferListPool(pool.NBLPoolParameters{AllocateNetBuffer: true, ContextSize: 16})
	if p.pool.IsNull() {
		return binding.StatusResources
	}
	st := nd.OpenAdapter()
	if st != binding.StatusSuccess && st != binding.StatusPending {
		nd.FreeNetBufferListPool(p.pool)
	}
	return st
}

func (p *sender) OpenAdapterComplete(nd *binding.NDIS, st binding.Status) {
	if st != binding.StatusSuccess {
		nd.FreeNetBufferListPool(p.pool)
	}
	nd.CompleteBindAdapter(st)
}

func (p *sender) NetPnPEvent(nd *binding.NDIS, ev binding.PnPEvent) binding.Status {
	if ev.Kind == binding.NetEventRestart {
		p.running = true
		return binding.StatusSuccess
	}
	p.running = false
	fail := p.failPauses > 0 && p.pending >= p.failPauses
	for p.pending > 0 {
		nd.Sleep(100_000)
	}
	if fail {
		return binding.StatusFailure
	}
	return binding.StatusSuccess
}

func (p *sender) UnbindAdapter(nd *binding.NDIS) binding.Status {
	nd.InitializeEvent(&p.closed)
	if nd.CloseAdapter() == binding.StatusPending {
		nd.WaitEvent(&p.closed, 0)
	}
	nd.FreeNetBufferListPool(p.pool)
	return binding.StatusSuccess
}

func (p *sender) CloseAdapterComplete(nd *binding.NDIS) { nd.SetEvent(&p.closed) }

func (p *sender) SendNetBufferListsComplete(nd *binding.NDIS, nbl pool.NBL, _ binding.Status, _ binding.SendCompleteFlags) {
	p.completions++
	nd.FreeNetBufferList(nbl)
	if p.completions == p.doubleFreeAt {
		nd.FreeNetBufferList(nbl)
	}
	p.pending--
}

func (p *sender) ReceiveNetBufferLists(nd *binding.NDIS, nbls []pool.NBL, flags binding.ReceiveFlags) {
	if flags&binding.ReceiveResources != 0 {
		return
	}
	for _, nbl := range nbls {
		nd.ReturnNetBufferLists(nbl, 0)
	}
}

func (p *sender) OidRequestComplete(*binding.NDIS, oid.Request, oid.Result) {}

func (p *sender) Write(nd *binding.NDIS, bytes uint32) {
	if !p.running {
		return
	}
	backfill, context := uint32(128), uint16(64)
	if p.shallow {
		backfill = 64 // enough until vpn attaches
	}
	nbl := nd.AllocateNetBufferAndNetBufferList(p.pool, 16, context, 1, backfill, bytes)
	if nbl.IsNull() {
		return
	}
	p.pending++
	nd.SetSourceHandle(nbl)
	nd.SendNetBufferLists(nbl, 0)
}

func (p *sender) WorkItem(*binding.NDIS) {}

// senderDesign is p on a miniport under a filter that needs 32 bytes of
// backfill, with a second filter inserted mid-run.
func senderDesign(t testing.TB, name string, p sender) sim.Design {
	st, err := oid.NewStack(oid.MAA64, oid.Layer{Name: "nic"}, oid.Layer{Name: "qos", DataBackfill: 32, ContextBackfill: 16})
	require.NoError(t, err)
	w := sim.DefaultWorkload
	w.Steps = 60
	return sim.Design{Name: name, Stack: st, Protocol: name, Workload: w, Source: []byte(name),
		Changes: []oid.Edit{{Insert: &oid.Layer{Name: "vpn", DataBackfill: 64, ContextBackfill: 16}}},
		New:     func() binding.Protocol { c := p; return &c }}
}
