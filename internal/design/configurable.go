package design

import (
	"github.com/ndissim/ndissim/binding"
	"github.com/ndissim/ndissim/designkit"
	"github.com/ndissim/ndissim/fsm"
	"github.com/ndissim/ndissim/oid"
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
// a rule is not repaired, it draws the finding. The lifecycle settings
// (Config.Lifecycle, and the send and receive choices beside it) choose how
// it waits, where it completes what it pended, which OID requests it makes
// at bind and unbind, and whose its pools are; their defaults are the
// behaviour above.
//
// It is designkit's skeleton with the settings applied: the base keeps its
// bookkeeping and receives as the base does (Config.kit), and the
// callbacks whose steps a setting changes are overridden here.
func Configurable(cfg Config) func() binding.Protocol {
	kit := cfg.kit()
	// Every instance reads the one copy of cfg: it is never written, and
	// the bounded explorer's copies of the design stay small.
	return func() binding.Protocol { return &configurable{Base: designkit.New(kit), cfg: &cfg} }
}

// maxRebuildTries is how often a restart tries to rebuild its pools, once
// in the restart handler and then from work items, before it gives up and
// runs on the pools it has: a restart should always succeed.
const maxRebuildTries = 4

// configurable is the protocol a design file describes. The base's State
// is Running exactly while the binding runs (the base's receive path reads
// it); where the binding is otherwise, the settings' own flags say.
type configurable struct {
	designkit.Base
	cfg *Config
	inFlight
}

// inFlight is what the settings add to the base's bookkeeping: the
// requirements query, what the protocol pended and waits for, the bind's
// and the unbind's requests, and the lock of its send path.
type inFlight struct {
	query needsQuery

	// What it pended, finished by the work item.
	pended       binding.PnPEvent // the pause or restart pended
	restarting   bool             // a restart waiting for its query or its pools
	rebuildTries int
	bindWait     bool // a bind waiting for its query or its requests

	// The lifecycle settings' state.
	binding   bool             // a bind is in progress: from ProtocolBindAdapterEx to its end
	bindQuery bool             // the pended bind waits for the requirements query
	open      bool             // the bind has completed and no unbind has begun
	oids      []uint32         // the bind's and the unbind's requests in flight
	lock      binding.SpinLock // guards the send count (send.lock)
}

func (p *configurable) BindAdapter(nd *binding.NDIS, bp oid.BindParameters) binding.Status {
	p.BeginBind(bp) // driver pools (lifecycle.pools: driver) are kept
	p.inFlight = inFlight{binding: true, oids: p.oids[:0]}
	if p.cfg.Requirements == RequirementsFixed {
		p.Needs = p.cfg.Fixed
	}
	if p.cfg.Lifecycle.CreatePools == PoolsAtBind && p.NBLPool.IsNull() {
		pools, ok := p.newPools(nd)
		if !ok {
			p.binding = false
			return binding.StatusResources
		}
		p.Pools = pools
	}
	switch st := p.openAdapter(nd); st {
	case binding.StatusSuccess:
		return p.bound(p.opened(nd))
	case binding.StatusPending:
		return st
	}
	p.ReleasePools(nd)
	p.binding = false
	return binding.StatusFailure
}

// openAdapter opens the adapter; an open that pends is waited for
// (bind.wait: event), left pending (pend), or taken for opened (none: the
// NT_SUCCESS test, which STATUS_PENDING passes).
func (p *configurable) openAdapter(nd *binding.NDIS) binding.Status {
	st := nd.OpenAdapter()
	if st != binding.StatusPending {
		return st
	}
	switch p.cfg.Lifecycle.Bind.Wait {
	case WaitEvent:
		return p.WaitOpen(nd)
	case WaitNone:
		return binding.StatusSuccess
	}
	return st
}

// bound notes the end of a bind that succeeded.
func (p *configurable) bound(st binding.Status) binding.Status {
	if st == binding.StatusSuccess {
		p.binding, p.open = false, true
	}
	return st
}

func (p *configurable) OpenAdapterComplete(nd *binding.NDIS, st binding.Status) {
	if p.Waiting {
		p.OpenCompleted(nd, st) // the waiting bind goes on
		return
	}
	if st != binding.StatusSuccess {
		p.ReleasePools(nd)
		p.binding = false
		nd.CompleteBindAdapter(binding.StatusFailure)
		return
	}
	if r := p.opened(nd); r != binding.StatusPending {
		nd.CompleteBindAdapter(p.bound(r))
	}
}

// opened continues a bind once the adapter is open: it makes the bind's
// requests, and with requirements by OID the bind waits for the query's
// answer. A failed query leaves the bind parameters' needs, which are the
// stack's at bind.
func (p *configurable) opened(nd *binding.NDIS) binding.Status {
	p.request(nd, p.cfg.Lifecycle.Bind.Requests, true)
	if p.cfg.Requirements == RequirementsOID {
		if !p.query.ask(nd, p.requestID()) {
			p.bindWait, p.bindQuery = true, true
			return binding.StatusPending
		}
		p.takeAnswer(nil)
	}
	if len(p.oids) > 0 {
		switch p.cfg.Lifecycle.Bind.Wait {
		case WaitPend:
			p.bindWait = true
			return binding.StatusPending
		case WaitEvent:
			p.WaitFor(nd, func() bool { return len(p.oids) > 0 })
		}
	}
	return binding.StatusSuccess
}

func (p *configurable) OidRequestComplete(nd *binding.NDIS, req oid.Request, res oid.Result) {
	p.query.completed(req, res) // the work item acts on it
	if !p.requestDone(req.ID) || len(p.oids) > 0 {
		return
	}
	p.Wake(nd)
	// The last of the bind's or the unbind's requests has completed.
	if p.binding && !p.bindQuery && p.cfg.Lifecycle.Bind.CompleteFrom == CompleteFromOidComplete {
		p.bindWait = false
		nd.CompleteBindAdapter(p.bound(binding.StatusSuccess))
	}
	if p.CloseWait && p.cfg.Lifecycle.Unbind.CloseFrom == CompleteFromOidComplete {
		p.CloseWait = false
		if p.closeAdapter(nd) == binding.StatusSuccess {
			nd.CompleteUnbindAdapter()
		}
	}
}

// running reports whether the binding runs, as the base's receive path
// sees it.
func (p *configurable) running() bool { return p.State == fsm.Running }

// WorkItem is a read, which takes the receives kept (the base's Read),
// and finishes, at PASSIVE_LEVEL, whatever the protocol pended that has
// nothing left to wait for.
func (p *configurable) WorkItem(nd *binding.NDIS) {
	p.Read(nd)
	p.finishPause(nd)
	p.finishBind(nd)
	p.finishRestart(nd)
	p.finishUnbind(nd)
}

// finishBind completes a bind that waited for its query or its requests.
// The bind's requests alone are completed by OID-complete instead with
// bind.complete_from: oid-complete.
func (p *configurable) finishBind(nd *binding.NDIS) {
	if !p.bindWait || len(p.oids) > 0 || p.bindQuery && !p.query.answered {
		return
	}
	if !p.bindQuery && p.cfg.Lifecycle.Bind.CompleteFrom != CompleteFromWorkItem {
		return
	}
	p.bindWait = false
	if p.bindQuery {
		p.bindQuery = false
		p.takeAnswer(nil)
	}
	nd.CompleteBindAdapter(p.bound(binding.StatusSuccess))
}
