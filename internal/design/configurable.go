package design

import (
	"github.com/ndissim/ndissim/binding"
	"github.com/ndissim/ndissim/designkit"
	"github.com/ndissim/ndissim/oid"
	"github.com/ndissim/ndissim/pool"
)

// Configurable returns a factory of the configurable protocol with cfg,
// which must be valid (Config.Validate). In its correct settings the
// protocol follows the contract's policy: learn the needs at bind and at every
// restart, give every send the whole stack's backfill, rebuild pools only
// while Restarting with nothing outstanding, wait for sends before finishing a
// pause, and free everything at unbind. Whatever it pends it finishes from
// its work item, at PASSIVE_LEVEL: its send-complete and OID-complete
// handlers may run at DISPATCH_LEVEL, where NdisCompleteNetPnPEvent is not
// allowed. The settings map to NDIS calls one for one; a setting that breaks
// a rule is not repaired, it draws the finding.
func Configurable(cfg Config) func() binding.Protocol {
	tag, _ := pool.MakeTag(cfg.NBLPool.Tag)
	return func() binding.Protocol { return &configurable{cfg: cfg, tag: tag} }
}

// maxRebuildTries is how often a restart tries to rebuild its pools, once
// in the restart handler and then from work items, before it gives up and
// runs on the pools it has: a restart should always succeed.
const maxRebuildTries = 4

type configurable struct {
	cfg Config
	tag pool.Tag

	running   bool
	needs     oid.Needs
	poolNeeds oid.Needs // what the pools were sized for
	designkit.Pools
	sends int
	held  []pool.NBL
	query needsQuery

	// What it pended, finished by the work item.
	pended       binding.PnPEvent // the pause or restart pended
	pausing      bool             // a pause waiting for its sends
	restarting   bool             // a restart waiting for its query or its pools
	rebuildTries int
	bindWait     bool // a bind waiting for its query
}

func (p *configurable) BindAdapter(nd *binding.NDIS, bp oid.BindParameters) binding.Status {
	*p = configurable{cfg: p.cfg, tag: p.tag, held: p.held[:0], query: needsQuery{seq: p.query.seq}} // a new binding context
	switch p.cfg.Requirements {
	case RequirementsAttributes, RequirementsOID:
		p.needs = oid.Needs{DataBackfill: bp.DataBackFillSize, ContextBackfill: bp.ContextBackFillSize}
	case RequirementsFixed:
		p.needs = p.cfg.Fixed
	}
	pools, ok := p.newPools(nd)
	if !ok {
		return binding.StatusResources
	}
	p.Pools = pools
	switch nd.OpenAdapter() {
	case binding.StatusSuccess:
		return p.opened(nd)
	case binding.StatusPending:
		return binding.StatusPending
	}
	p.FreePools(nd)
	return binding.StatusFailure
}

func (p *configurable) OpenAdapterComplete(nd *binding.NDIS, st binding.Status) {
	if st != binding.StatusSuccess {
		p.FreePools(nd)
		nd.CompleteBindAdapter(binding.StatusFailure)
		return
	}
	if r := p.opened(nd); r != binding.StatusPending {
		nd.CompleteBindAdapter(r)
	}
}

// opened continues a bind once the adapter is open: with requirements by
// OID, the bind waits for the query's answer. A failed query leaves the
// bind parameters' needs, which are the stack's at bind.
func (p *configurable) opened(nd *binding.NDIS) binding.Status {
	if p.cfg.Requirements != RequirementsOID {
		return binding.StatusSuccess
	}
	if !p.query.ask(nd) {
		p.bindWait = true
		return binding.StatusPending
	}
	p.takeAnswer(nil)
	return binding.StatusSuccess
}

func (p *configurable) OidRequestComplete(_ *binding.NDIS, req oid.Request, res oid.Result) {
	p.query.completed(req, res) // the work item acts on it
}

func (p *configurable) NetPnPEvent(nd *binding.NDIS, ev binding.PnPEvent) binding.Status {
	if ev.Kind == binding.NetEventPause {
		return p.pause(nd, ev)
	}
	switch p.cfg.Requirements {
	case RequirementsAttributes:
		if n, ok := ev.Restart.Needs(); ok {
			p.needs = n
		}
	case RequirementsOID:
		if !p.query.ask(nd) {
			p.restarting, p.pended = true, ev
			return binding.StatusPending
		}
		p.takeAnswer(&ev)
	}
	p.rebuildTries = 0
	if !p.startRunning(nd) {
		p.restarting, p.pended = true, ev
		return binding.StatusPending
	}
	return binding.StatusSuccess
}

// takeAnswer uses the requirements query's answer. When the query failed,
// the restart's attributes stand in (a NULL list, or none at bind, keeps
// the needs it knew).
func (p *configurable) takeAnswer(ev *binding.PnPEvent) {
	if res := p.query.res; res.Status == binding.StatusSuccess {
		p.needs = res.Needs
		return
	}
	if ev != nil {
		if n, ok := ev.Restart.Needs(); ok {
			p.needs = n
		}
	}
}

// startRunning rebuilds the pools if the policy asks for it (nothing is
// outstanding: the binding is restarting) and starts sending again. The
// new pools are made before the old ones go, so that a failed allocation
// leaves it the old ones; it reports false while it still means to retry.
func (p *configurable) startRunning(nd *binding.NDIS) bool {
	if p.needsRebuild() {
		p.rebuildTries++
		pools, ok := p.newPools(nd)
		if !ok && p.rebuildTries < maxRebuildTries {
			return false
		}
		if ok {
			p.FreePools(nd)
			p.Pools = pools
		}
	}
	p.running = true
	return true
}

func (p *configurable) needsRebuild() bool {
	switch p.cfg.Rebuild {
	case RebuildAlways:
		return true
	case RebuildWhenGrown:
		return !p.poolNeeds.Covers(p.needs)
	}
	return false
}

func (p *configurable) pause(nd *binding.NDIS, ev binding.PnPEvent) binding.Status {
	p.running = false
	p.returnHeld(nd)
	if p.sends == 0 {
		return binding.StatusSuccess
	}
	p.pausing, p.pended = true, ev
	return binding.StatusPending
}

func (p *configurable) UnbindAdapter(nd *binding.NDIS) binding.Status {
	p.returnHeld(nd)
	if nd.CloseAdapter() == binding.StatusPending {
		return binding.StatusPending
	}
	p.FreePools(nd)
	return binding.StatusSuccess
}

func (p *configurable) CloseAdapterComplete(nd *binding.NDIS) {
	p.FreePools(nd)
	nd.CompleteUnbindAdapter()
}

func (p *configurable) Write(nd *binding.NDIS, bytes uint32) {
	if !p.running {
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
	p.sends-- // the work item finishes a pended pause
}

func (p *configurable) ReceiveNetBufferLists(nd *binding.NDIS, nbls []pool.NBL, flags binding.ReceiveFlags) {
	if flags&binding.ReceiveResources != 0 {
		return // copied what it needed; the miniport takes them back
	}
	for _, nbl := range nbls {
		if p.cfg.Receive.Hold && p.running {
			p.held = append(p.held, nbl)
		} else {
			nd.ReturnNetBufferLists(nbl, designkit.ReturnFlagsOf(flags))
		}
	}
}

// WorkItem returns the held receives and finishes, at PASSIVE_LEVEL,
// whatever it pended that has nothing left to wait for.
func (p *configurable) WorkItem(nd *binding.NDIS) {
	p.returnHeld(nd)
	p.finishPause(nd)
	p.finishBind(nd)
	p.finishRestart(nd)
}

func (p *configurable) returnHeld(nd *binding.NDIS) {
	for _, nbl := range p.held {
		nd.ReturnNetBufferLists(nbl, 0)
	}
	p.held = p.held[:0]
}

func (p *configurable) finishPause(nd *binding.NDIS) {
	if p.pausing && p.sends == 0 && len(p.held) == 0 {
		p.pausing = false
		nd.CompleteNetPnPEvent(p.pended, binding.StatusSuccess)
	}
}

func (p *configurable) finishBind(nd *binding.NDIS) {
	if p.bindWait && p.query.answered {
		p.bindWait = false
		p.takeAnswer(nil)
		nd.CompleteBindAdapter(binding.StatusSuccess)
	}
}

// finishRestart goes on with a restart that waited for its query, or
// retries a rebuild that failed.
func (p *configurable) finishRestart(nd *binding.NDIS) {
	if !p.restarting || p.query.pending {
		return
	}
	if p.query.answered {
		p.query.answered = false
		p.takeAnswer(&p.pended)
		p.rebuildTries = 0
	}
	if p.startRunning(nd) {
		p.restarting = false
		nd.CompleteNetPnPEvent(p.pended, binding.StatusSuccess)
	}
}
