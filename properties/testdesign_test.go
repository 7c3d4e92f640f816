package properties

import (
	"github.com/ndissim/ndissim/binding"
	"github.com/ndissim/ndissim/oid"
	"github.com/ndissim/ndissim/pool"
	"github.com/ndissim/ndissim/sim"
)

// bug selects what the test protocol gets wrong.
type bug uint8

const (
	noBug bug = iota
	// freeNBTwice frees a send's NB, then its NBL, then the NB again:
	// DoubleFree.
	freeNBTwice
	// pauseEarly completes a pause with sends in flight:
	// PauseWithOutstanding.
	pauseEarly
	// leakFailedSend forgets a send that completed with a failure status:
	// LeakAtUnbind, and only on the rare runs where a send fails.
	leakFailedSend
)

// simple is a small protocol that builds each send from an NBL and an NB
// allocated separately, and is correct unless told to have a bug.
type simple struct {
	bug     bug
	nblPool pool.NBLPool
	nbPool  pool.NBPool
	running bool
	pausing binding.PnPEvent // the pause it pended, completed from the work item
	sends   int
}

func (p *simple) BindAdapter(nd *binding.NDIS, _ oid.BindParameters) binding.Status {
	*p = simple{bug: p.bug}
	p.nblPool = nd.AllocateNetBufferListPool(pool.NBLPoolParameters{})
	p.nbPool = nd.AllocateNetBufferPool(pool.NBPoolParameters{})
	if p.nblPool.IsNull() || p.nbPool.IsNull() {
		p.freePools(nd)
		return binding.StatusResources
	}
	switch nd.OpenAdapter() {
	case binding.StatusSuccess:
		return binding.StatusSuccess
	case binding.StatusPending:
		return binding.StatusPending
	}
	p.freePools(nd)
	return binding.StatusFailure
}

func (p *simple) OpenAdapterComplete(nd *binding.NDIS, st binding.Status) {
	if st != binding.StatusSuccess {
		p.freePools(nd)
	}
	nd.CompleteBindAdapter(st)
}

func (p *simple) NetPnPEvent(nd *binding.NDIS, ev binding.PnPEvent) binding.Status {
	if ev.Kind == binding.NetEventRestart {
		p.running = true
		return binding.StatusSuccess
	}
	p.running = false
	if p.sends > 0 && p.bug != pauseEarly {
		p.pausing = ev
		return binding.StatusPending
	}
	return binding.StatusSuccess
}

func (p *simple) UnbindAdapter(nd *binding.NDIS) binding.Status {
	if nd.CloseAdapter() == binding.StatusPending {
		return binding.StatusPending
	}
	p.freePools(nd)
	return binding.StatusSuccess
}

func (p *simple) CloseAdapterComplete(nd *binding.NDIS) {
	p.freePools(nd)
	nd.CompleteUnbindAdapter()
}

func (p *simple) Write(nd *binding.NDIS, bytes uint32) {
	if !p.running {
		return
	}
	nbl := nd.AllocateNetBufferList(p.nblPool, 0, 0)
	if nbl.IsNull() {
		return
	}
	nb := nd.AllocateNetBuffer(p.nbPool, 1, 0, bytes)
	if nb.IsNull() {
		nd.FreeNetBufferList(nbl)
		return
	}
	nd.LinkNetBuffer(nbl, nb)
	p.sends++
	nd.SetSourceHandle(nbl)
	nd.SendNetBufferLists(nbl, 0)
}

func (p *simple) SendNetBufferListsComplete(nd *binding.NDIS, nbl pool.NBL, st binding.Status, _ binding.SendCompleteFlags) {
	nb := nd.FirstNB(nbl)
	switch {
	case p.bug == leakFailedSend && st != binding.StatusSuccess:
	case p.bug == freeNBTwice:
		nd.FreeNetBuffer(nb)
		nd.FreeNetBufferList(nbl)
		nd.FreeNetBuffer(nb)
	default:
		nd.FreeNetBuffer(nb)
		nd.FreeNetBufferList(nbl)
	}
	p.sends--
}

func (p *simple) ReceiveNetBufferLists(nd *binding.NDIS, nbls []pool.NBL, flags binding.ReceiveFlags) {
	if flags&binding.ReceiveResources != 0 {
		return
	}
	for _, nbl := range nbls {
		nd.ReturnNetBufferLists(nbl, 0)
	}
}

func (p *simple) OidRequestComplete(*binding.NDIS, oid.Request, oid.Result) {}
func (p *simple) WorkItem(nd *binding.NDIS) {
	// The pause is completed here, at PASSIVE_LEVEL: send-complete may run
	// at DISPATCH_LEVEL, where NdisCompleteNetPnPEvent is not allowed.
	if p.pausing.ID != 0 && p.sends == 0 {
		ev := p.pausing
		p.pausing = binding.PnPEvent{}
		nd.CompleteNetPnPEvent(ev, binding.StatusSuccess)
	}
}

func (p *simple) freePools(nd *binding.NDIS) {
	if !p.nblPool.IsNull() {
		nd.FreeNetBufferListPool(p.nblPool)
		p.nblPool = pool.NBLPool{}
	}
	if !p.nbPool.IsNull() {
		nd.FreeNetBufferPool(p.nbPool)
		p.nbPool = pool.NBPool{}
	}
}

// simpleDesign is the simple protocol with b on a bare miniport, whose
// stack needs no backfill (so the correct design draws no warning).
func simpleDesign(name string, b bug) sim.Design {
	st, err := oid.NewStack(oid.MAA64, oid.Layer{Name: "nic"})
	if err != nil {
		panic(err)
	}
	return sim.Design{
		Name: name, Stack: st,
		Changes:  []oid.Edit{{Insert: &oid.Layer{Name: "lwf"}}},
		New:      func() binding.Protocol { return &simple{bug: b} },
		Workload: sim.Workload{Steps: 60, AllocationFailure: 0.01, OIDFailure: 0.02, SendFailure: 0.02, Pend: 0.5},
		Source:   []byte("properties test design " + name),
	}
}
