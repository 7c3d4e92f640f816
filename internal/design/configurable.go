package design

import (
	"github.com/ndissim/ndissim/binding"
	"github.com/ndissim/ndissim/oid"
	"github.com/ndissim/ndissim/pool"
)

// Configurable returns a factory of the configurable protocol with cfg,
// which must be valid (Config.Validate). In its correct settings the
// protocol follows the contract's policy: learn the needs at bind and at every
// restart, give every send the whole stack's backfill, rebuild pools only
// while Restarting with nothing outstanding, wait for sends before finishing a
// pause, and free everything at unbind.
func Configurable(cfg Config) func() binding.Protocol {
	tag, _ := pool.MakeTag(cfg.NBLPool.Tag)
	return func() binding.Protocol { return &configurable{cfg: cfg, tag: tag} }
}

// waiter is what the protocol finishes when its requirements query completes.
type waiter uint8

const (
	waitNothing waiter = iota
	waitBind
	waitRestart
)

type configurable struct {
	cfg Config
	tag pool.Tag

	running   bool
	pausing   bool // a pause it pended, finished when sends drain
	needs     oid.Needs
	poolNeeds oid.Needs // what the pools were sized for
	sendPools
	sends     int
	held      []pool.NBL
	query     uint32 // the requirements query in flight, 0 if none
	failed    bool   // the last requirements query failed
	waiting   waiter
	bindNeeds oid.Needs // fallback when the query fails at bind
}

func (p *configurable) BindAdapter(nd *binding.NDIS, bp oid.BindParameters) binding.Status {
	*p = configurable{cfg: p.cfg, tag: p.tag, held: p.held[:0]} // a new binding context
	p.bindNeeds = oid.Needs{DataBackfill: bp.DataBackFillSize, ContextBackfill: bp.ContextBackFillSize}
	switch p.cfg.Requirements {
	case RequirementsAttributes, RequirementsOID:
		p.needs = p.bindNeeds
	case RequirementsFixed:
		p.needs = p.cfg.Fixed
	}
	if !p.createPools(nd) {
		return binding.StatusResources
	}
	switch nd.OpenAdapter() {
	case binding.StatusSuccess:
		return p.opened(nd)
	case binding.StatusPending:
		return binding.StatusPending
	}
	p.freePools(nd)
	return binding.StatusFailure
}

func (p *configurable) OpenAdapterComplete(nd *binding.NDIS, st binding.Status) {
	if st != binding.StatusSuccess {
		p.freePools(nd)
		nd.CompleteBindAdapter(binding.StatusFailure)
		return
	}
	if r := p.opened(nd); r != binding.StatusPending {
		nd.CompleteBindAdapter(r)
	}
}

// opened continues a bind once the adapter is open: with requirements by
// OID, the bind waits for the query's answer.
func (p *configurable) opened(nd *binding.NDIS) binding.Status {
	if p.cfg.Requirements != RequirementsOID || p.askNeeds(nd) {
		p.failed = false // the bind parameters stand in for a failed answer
		return binding.StatusSuccess
	}
	p.waiting = waitBind
	return binding.StatusPending
}

// askNeeds queries the stack's needs. It reports whether the answer is in;
// failed is set when the query failed and the needs are as they were.
func (p *configurable) askNeeds(nd *binding.NDIS) (done bool) {
	req, res := nd.OidRequest(oid.Request{Type: oid.Query, OID: oid.OIDBackfillRequirements})
	switch res.Status {
	case binding.StatusPending:
		p.query = req.ID
		return false
	case binding.StatusSuccess:
		p.needs, p.failed = res.Needs, false
	default:
		p.failed = true
	}
	return true
}

func (p *configurable) OidRequestComplete(nd *binding.NDIS, req oid.Request, res oid.Result) {
	if req.ID != p.query {
		return
	}
	p.query = 0
	p.failed = res.Status != binding.StatusSuccess
	if !p.failed {
		p.needs = res.Needs
	}
	w := p.waiting
	p.waiting = waitNothing
	switch w {
	case waitBind:
		p.failed = false // the bind parameters stand in for the answer
		nd.CompleteBindAdapter(binding.StatusSuccess)
	case waitRestart:
		nd.CompleteNetPnPEvent(p.restart(nd))
	}
}

func (p *configurable) NetPnPEvent(nd *binding.NDIS, ev binding.PnPEvent) binding.Status {
	if ev.Kind == binding.NetEventPause {
		return p.pause(nd)
	}
	switch p.cfg.Requirements {
	case RequirementsAttributes:
		if n, ok := ev.Restart.Needs(); ok {
			p.needs = n
		}
	case RequirementsOID:
		if !p.askNeeds(nd) {
			p.waiting = waitRestart
			return binding.StatusPending
		}
	}
	return p.restart(nd)
}

// restart rebuilds the pools if the policy asks for it (nothing is
// outstanding: the binding is paused) and starts sending again. When the
// requirements query failed it fails the restart rather than send short of
// backfill; NDIS restarts again later.
func (p *configurable) restart(nd *binding.NDIS) binding.Status {
	if p.failed {
		p.failed = false
		return binding.StatusFailure
	}
	rebuild := p.nblPool.IsNull()
	switch p.cfg.Rebuild {
	case RebuildAlways:
		rebuild = true
	case RebuildWhenGrown:
		rebuild = rebuild || !p.poolNeeds.Covers(p.needs)
	}
	if rebuild {
		p.freePools(nd)
		if !p.createPools(nd) {
			return binding.StatusResources
		}
	}
	p.running = true
	return binding.StatusSuccess
}

func (p *configurable) pause(nd *binding.NDIS) binding.Status {
	p.running = false
	p.returnHeld(nd)
	if p.sends == 0 {
		return binding.StatusSuccess
	}
	p.pausing = true
	return binding.StatusPending
}

func (p *configurable) UnbindAdapter(nd *binding.NDIS) binding.Status {
	p.returnHeld(nd)
	if nd.CloseAdapter() == binding.StatusPending {
		return binding.StatusPending
	}
	p.freePools(nd)
	return binding.StatusSuccess
}

func (p *configurable) CloseAdapterComplete(nd *binding.NDIS) {
	p.freePools(nd)
	nd.CompleteUnbindAdapter()
}

func (p *configurable) Write(nd *binding.NDIS, bytes uint32) {
	if !p.running || p.nblPool.IsNull() {
		return // a real protocol fails the write: the binding is not running
	}
	nbl := p.buildSend(nd, bytes)
	if nbl.IsNull() {
		return // low resources: the write fails
	}
	p.sends++ // before the send: its completion may come inside the call
	nd.SetSourceHandle(nbl)
	nd.SendNetBufferLists(nbl, 0)
}

func (p *configurable) SendNetBufferListsComplete(nd *binding.NDIS, nbl pool.NBL, _ binding.Status, _ binding.SendCompleteFlags) {
	p.freeSend(nd, nbl)
	p.sends--
	p.maybeFinishPause(nd)
}

func (p *configurable) ReceiveNetBufferLists(nd *binding.NDIS, nbls []pool.NBL, flags binding.ReceiveFlags) {
	if flags&binding.ReceiveResources != 0 {
		return // copied what it needed; the miniport takes them back
	}
	for _, nbl := range nbls {
		if p.cfg.Receive.Hold && p.running {
			p.held = append(p.held, nbl)
		} else {
			nd.ReturnNetBufferLists(nbl, 0)
		}
	}
}

func (p *configurable) WorkItem(nd *binding.NDIS) {
	p.returnHeld(nd)
	p.maybeFinishPause(nd)
}

func (p *configurable) returnHeld(nd *binding.NDIS) {
	for _, nbl := range p.held {
		nd.ReturnNetBufferLists(nbl, 0)
	}
	p.held = p.held[:0]
}

func (p *configurable) maybeFinishPause(nd *binding.NDIS) {
	if p.pausing && p.sends == 0 && len(p.held) == 0 {
		p.pausing = false
		nd.CompleteNetPnPEvent(binding.StatusSuccess)
	}
}
