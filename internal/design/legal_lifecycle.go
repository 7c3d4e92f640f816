package design

import (
	"github.com/ndissim/ndissim/binding"
	"github.com/ndissim/ndissim/fsm"
	"github.com/ndissim/ndissim/oid"
	"github.com/ndissim/ndissim/rule"
	"github.com/ndissim/ndissim/sim"
)

// Legal designs that real drivers ship and that look like bugs: each draws
// a warning (the pattern is discouraged, or NDIS cannot tell it from a
// bug) but never an error. They keep ndissim from crying wolf: a rule that
// fires as an error on one of them is too strict.

// lazyPools creates its pools at its first write, with the binding Running,
// and frees them at unbind: legal (pools are the driver's to make when it
// likes), only discouraged (PoolChangedWhileActive).
type lazyPools struct{ brokenBase }

func (p *lazyPools) BindAdapter(nd *binding.NDIS, bp oid.BindParameters) binding.Status {
	p.reset()
	p.state = fsm.Opening
	p.needs = oid.Needs{DataBackfill: bp.DataBackFillSize, ContextBackfill: bp.ContextBackFillSize}
	switch nd.OpenAdapter() {
	case binding.StatusSuccess:
		p.opened(nd)
		return binding.StatusSuccess
	case binding.StatusPending:
		return binding.StatusPending
	}
	p.state = fsm.Unbound
	return binding.StatusFailure
}

func (p *lazyPools) NetPnPEvent(nd *binding.NDIS, ev binding.PnPEvent) binding.Status {
	if ev.Kind == binding.NetEventPause {
		return p.pause(nd, ev)
	}
	if n, ok := ev.Restart.Needs(); ok {
		p.needs = n // sized at every allocation: nothing to rebuild
	}
	p.state = fsm.Running
	return binding.StatusSuccess
}

func (p *lazyPools) Write(nd *binding.NDIS, bytes uint32) {
	if p.state != fsm.Running {
		return
	}
	if p.nblPool.IsNull() && !p.createPools(nd) {
		return // the write fails; the next one tries again
	}
	p.brokenBase.Write(nd, bytes)
}

// driverPools creates its pools once, at its first bind, and keeps them for
// the life of the driver: every later bind uses them, and no unbind frees
// them (ResourcesKeptPastUnbind: NDIS cannot tell them from a leak).
type driverPools struct {
	brokenBase
	driver sendPools
}

func (p *driverPools) BindAdapter(nd *binding.NDIS, bp oid.BindParameters) binding.Status {
	p.reset()
	p.state = fsm.Opening
	p.needs = oid.Needs{DataBackfill: bp.DataBackFillSize, ContextBackfill: bp.ContextBackFillSize}
	if p.driver.nblPool.IsNull() {
		if !p.createPools(nd) {
			return binding.StatusResources
		}
		p.driver = p.sendPools
	}
	p.sendPools = p.driver
	switch nd.OpenAdapter() {
	case binding.StatusSuccess:
		p.opened(nd)
		return binding.StatusSuccess
	case binding.StatusPending:
		return binding.StatusPending
	}
	p.state = fsm.Unbound
	return binding.StatusFailure
}

func (p *driverPools) OpenAdapterComplete(nd *binding.NDIS, st binding.Status) {
	if st != binding.StatusSuccess {
		p.state = fsm.Unbound
		nd.CompleteBindAdapter(binding.StatusFailure)
		return
	}
	p.opened(nd)
	nd.CompleteBindAdapter(binding.StatusSuccess)
}

func (p *driverPools) UnbindAdapter(nd *binding.NDIS) binding.Status {
	p.state = fsm.Closing
	p.returnHeld(nd)
	if nd.CloseAdapter() == binding.StatusPending {
		return binding.StatusPending
	}
	p.state = fsm.Unbound
	return binding.StatusSuccess
}

func (p *driverPools) CloseAdapterComplete(nd *binding.NDIS) {
	p.state = fsm.Unbound
	nd.CompleteUnbindAdapter()
}

// goodbyeSend tells its peer it is going away: its pause handler sends one
// last frame, then pends until that and every other send has completed.
// NDIS accepts the send and waits for it (SendWhilePausing).
type goodbyeSend struct{ brokenBase }

func (p *goodbyeSend) NetPnPEvent(nd *binding.NDIS, ev binding.PnPEvent) binding.Status {
	if ev.Kind != binding.NetEventPause {
		return p.restart(nd, ev)
	}
	p.state = fsm.Pausing
	p.returnHeld(nd)
	if !p.nblPool.IsNull() {
		p.sendNew(nd, p.needs.DataBackfill, p.ctxBackfill(nd, p.needs), 64) // goodbye
	}
	if p.sends == 0 {
		p.state = fsm.Paused
		return binding.StatusSuccess
	}
	p.pausing, p.pauseEv = true, ev
	return binding.StatusPending
}

// closeOidPendingLegal is the sample's unbind with its wait left out: it clears
// the packet filter and closes without waiting for the set to complete,
// then waits for the close; the set's completion, which may come after the
// close, only clears its request context and touches no handle.
type closeOidPendingLegal struct {
	brokenBase
	closed binding.Event
	filter uint32
}

func (p *closeOidPendingLegal) UnbindAdapter(nd *binding.NDIS) binding.Status {
	p.state = fsm.Closing
	p.returnHeld(nd)
	p.filter = p.requestID()
	p.request(nd, oid.Request{ID: p.filter, Type: oid.Set, OID: oid.OIDGenCurrentPacketFilter, Value: 0})
	nd.InitializeEvent(&p.closed)
	if nd.CloseAdapter() == binding.StatusPending {
		nd.WaitEvent(&p.closed, 0)
	}
	p.freePools(nd)
	p.state = fsm.Unbound
	return binding.StatusSuccess
}

func (p *closeOidPendingLegal) CloseAdapterComplete(nd *binding.NDIS) { nd.SetEvent(&p.closed) }

func (p *closeOidPendingLegal) OidRequestComplete(nd *binding.NDIS, req oid.Request, _ oid.Result) {
	if req.ID == p.filter {
		p.filter = 0
	}
	p.oidDone(nd)
}

// legalDesigns are the legal patterns, each with the warning it draws.
var legalDesigns = []struct {
	sim.GoDesign
	warns []rule.Name
}{
	{sim.GoDesign{
		Name:    "legal-lazy-pools",
		Summary: "legal: pools created at the first write, with the binding Running, and freed at unbind",
		New:     func() binding.Protocol { return &lazyPools{newBrokenBase(defaultBaseConfig())} },
	}, []rule.Name{rule.PoolChangedWhileActive}},
	{sim.GoDesign{
		Name:    "legal-driver-pools",
		Summary: "legal: pools created at the first bind and kept for the life of the driver, across binds",
		New:     func() binding.Protocol { return &driverPools{brokenBase: newBrokenBase(defaultBaseConfig())} },
	}, []rule.Name{rule.ResourcesKeptPastUnbind}},
	{sim.GoDesign{
		Name:    "legal-goodbye-send",
		Summary: "legal: the pause handler sends one goodbye frame and pends until it has completed",
		New:     func() binding.Protocol { return &goodbyeSend{newBrokenBase(defaultBaseConfig())} },
	}, []rule.Name{rule.SendWhilePausing}},
	{sim.GoDesign{
		Name:    "legal-close-oid-pending",
		Summary: "legal: unbind clears the packet filter and closes without waiting for the set; its completion touches no handle",
		New:     func() binding.Protocol { return &closeOidPendingLegal{brokenBase: newBrokenBase(defaultBaseConfig())} },
	}, []rule.Name{rule.CloseWithOidsOutstanding}},
}

func init() {
	for _, l := range legalDesigns {
		g := l.GoDesign
		g.Stack, g.Changes = demoStack, demoChanges()
		sim.MustRegister(g)
	}
}
