package design

import (
	"github.com/ndissim/ndissim/binding"
	"github.com/ndissim/ndissim/designkit"
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

// BindAdapter opens the adapter without making pools.
func (p *lazyPools) BindAdapter(nd *binding.NDIS, bp oid.BindParameters) binding.Status {
	p.BeginBind(bp)
	return p.Open(nd)
}

func (p *lazyPools) NetPnPEvent(nd *binding.NDIS, ev binding.PnPEvent) binding.Status {
	if ev.Kind == binding.NetEventPause {
		return p.Pause(nd, ev)
	}
	if n, ok := ev.Restart.Needs(); ok {
		p.Needs = n // sized at every allocation: nothing to rebuild
	}
	p.State = fsm.Running
	return binding.StatusSuccess
}

func (p *lazyPools) Write(nd *binding.NDIS, bytes uint32) {
	if p.State != fsm.Running {
		return
	}
	if p.NBLPool.IsNull() && !p.CreatePools(nd) {
		return // the write fails; the next one tries again
	}
	p.brokenBase.Write(nd, bytes)
}

// driverPools creates its pools once, at its first bind, and keeps them for
// the life of the driver: every later bind uses them, and no unbind frees
// them (ResourcesKeptPastUnbind: NDIS cannot tell them from a leak). It is
// designkit's DriverPools setting.
func newDriverPools() binding.Protocol {
	cfg := defaultBaseConfig()
	cfg.DriverPools = true
	return designkit.Protocol(cfg)()
}

// goodbyeSend tells its peer it is going away: its pause handler sends one
// last frame, then pends until that and every other send has completed.
// NDIS accepts the send and waits for it (SendWhilePausing).
type goodbyeSend struct{ brokenBase }

func (p *goodbyeSend) NetPnPEvent(nd *binding.NDIS, ev binding.PnPEvent) binding.Status {
	if ev.Kind != binding.NetEventPause {
		return p.Restart(nd, ev)
	}
	p.State = fsm.Pausing
	p.ReturnHeld(nd)
	if !p.NBLPool.IsNull() {
		p.SendNew(nd, p.Needs.DataBackfill, p.ContextBackfill(nd, p.Needs), 64) // goodbye
	}
	if p.Sends == 0 {
		p.State = fsm.Paused
		return binding.StatusSuccess
	}
	p.Pausing, p.PauseEvent = true, ev
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
	p.State = fsm.Closing
	p.ReturnHeld(nd)
	p.filter = p.RequestID()
	p.Request(nd, oid.Request{ID: p.filter, Type: oid.Set, OID: oid.OIDGenCurrentPacketFilter, Value: 0})
	nd.InitializeEvent(&p.closed)
	if nd.CloseAdapter() == binding.StatusPending {
		nd.WaitEvent(&p.closed, 0)
	}
	p.FreePools(nd)
	p.State = fsm.Unbound
	return binding.StatusSuccess
}

func (p *closeOidPendingLegal) CloseAdapterComplete(nd *binding.NDIS) { nd.SetEvent(&p.closed) }

func (p *closeOidPendingLegal) OidRequestComplete(nd *binding.NDIS, req oid.Request, _ oid.Result) {
	if req.ID == p.filter {
		p.filter = 0
	}
	p.OIDDone(nd)
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
		New:     newDriverPools,
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
