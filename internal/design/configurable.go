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
// a rule is not repaired, it draws the finding. The lifecycle settings
// (Config.Lifecycle, and the send and receive choices beside it) choose how
// it waits, where it completes what it pended, which OID requests it makes
// at bind and unbind, and whose its pools are; their defaults are the
// behaviour above.
func Configurable(cfg Config) func() binding.Protocol {
	tag, _ := pool.MakeTag(cfg.NBLPool.Tag)
	// Every instance reads the one copy of cfg: it is never written, and
	// the bounded explorer's copies of the design stay small.
	return func() binding.Protocol { return &configurable{cfg: &cfg, tag: tag} }
}

// maxRebuildTries is how often a restart tries to rebuild its pools, once
// in the restart handler and then from work items, before it gives up and
// runs on the pools it has: a restart should always succeed.
const maxRebuildTries = 4

type configurable struct {
	cfg *Config
	tag pool.Tag

	running   bool
	needs     oid.Needs
	poolNeeds oid.Needs // what the pools were sized for
	designkit.Pools
	sends  int
	held   []pool.NBL
	copies []pool.NBL // copies of receives, in its receive pool (receive.keep: copy)
	query  needsQuery

	// What it pended, finished by the work item.
	pended       binding.PnPEvent // the pause or restart pended
	pausing      bool             // a pause waiting for its sends
	restarting   bool             // a restart waiting for its query or its pools
	rebuildTries int
	bindWait     bool // a bind waiting for its query or its requests

	// The lifecycle settings' state.
	binding   bool     // a bind is in progress: from ProtocolBindAdapterEx to its end
	bindQuery bool     // the pended bind waits for the requirements query
	open      bool     // the bind has completed and no unbind has begun
	oids      []uint32 // the bind's and the unbind's requests in flight
	closeWait bool     // the unbind waits for its requests before it closes
	closeDone bool     // the close an unbind waits on has completed
	waiter
	lock binding.SpinLock // guards the send count (send.lock)
}

// waiter is what a callback that waits (a wait setting of event) waits
// on: one NDIS_EVENT, set by the completion that ends the wait.
type waiter struct {
	event      binding.Event
	waiting    bool
	openDone   bool // the open the bind waits on has completed
	openStatus binding.Status
}

// wait blocks on the event while pending says so, testing before each
// wait, so that a completion that came first is not waited for.
func (p *configurable) wait(nd *binding.NDIS, pending func() bool) {
	nd.InitializeEvent(&p.event)
	p.waiting = true
	for pending() {
		nd.WaitEvent(&p.event, 0)
		nd.ResetEvent(&p.event)
	}
	p.waiting = false
}

// wake sets the event a waiting callback waits on (legal at DISPATCH_LEVEL).
func (p *configurable) wake(nd *binding.NDIS) {
	if p.waiting {
		nd.SetEvent(&p.event)
	}
}

func (p *configurable) BindAdapter(nd *binding.NDIS, bp oid.BindParameters) binding.Status {
	pools, poolNeeds := p.Pools, p.poolNeeds
	*p = configurable{cfg: p.cfg, tag: p.tag, held: p.held[:0], copies: p.copies[:0], query: needsQuery{seq: p.query.seq}} // a new binding context
	if p.cfg.Lifecycle.Pools == PoolsDriver {
		p.Pools, p.poolNeeds = pools, poolNeeds // the driver's, kept across bindings
	}
	p.binding = true
	switch p.cfg.Requirements {
	case RequirementsAttributes, RequirementsOID:
		p.needs = oid.Needs{DataBackfill: bp.DataBackFillSize, ContextBackfill: bp.ContextBackFillSize}
	case RequirementsFixed:
		p.needs = p.cfg.Fixed
	}
	if p.cfg.Lifecycle.CreatePools == PoolsAtBind && p.NBLPool.IsNull() {
		pools, ok := p.newPools(nd)
		if !ok {
			p.binding = false
			return binding.StatusResources
		}
		p.Pools = pools
	}
	st := nd.OpenAdapter()
	if st == binding.StatusPending {
		switch p.cfg.Lifecycle.Bind.Wait {
		case WaitEvent:
			p.openDone = false
			p.wait(nd, func() bool { return !p.openDone })
			st = p.openStatus
		case WaitNone:
			st = binding.StatusSuccess // NT_SUCCESS(STATUS_PENDING): taken for opened
		}
	}
	switch st {
	case binding.StatusSuccess:
		return p.bound(p.opened(nd))
	case binding.StatusPending:
		return binding.StatusPending
	}
	p.releasePools(nd)
	p.binding = false
	return binding.StatusFailure
}

// bound notes the end of a bind that succeeded.
func (p *configurable) bound(st binding.Status) binding.Status {
	if st == binding.StatusSuccess {
		p.binding, p.open = false, true
	}
	return st
}

func (p *configurable) OpenAdapterComplete(nd *binding.NDIS, st binding.Status) {
	if p.waiting {
		p.openDone, p.openStatus = true, st // the waiting bind goes on
		p.wake(nd)
		return
	}
	if st != binding.StatusSuccess {
		p.releasePools(nd)
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
		if !p.query.ask(nd, p.ownIDs()) {
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
			p.wait(nd, func() bool { return len(p.oids) > 0 })
		}
	}
	return binding.StatusSuccess
}

func (p *configurable) OidRequestComplete(nd *binding.NDIS, req oid.Request, res oid.Result) {
	p.query.completed(req, res) // the work item acts on it
	if !p.requestDone(req.ID) || len(p.oids) > 0 {
		return
	}
	p.wake(nd)
	// The last of the bind's or the unbind's requests has completed.
	if p.binding && !p.bindQuery && p.cfg.Lifecycle.Bind.CompleteFrom == CompleteFromOidComplete {
		p.bindWait = false
		nd.CompleteBindAdapter(p.bound(binding.StatusSuccess))
	}
	if p.closeWait && p.cfg.Lifecycle.Unbind.CloseFrom == CompleteFromOidComplete {
		p.closeWait = false
		if p.closeAdapter(nd) == binding.StatusSuccess {
			nd.CompleteUnbindAdapter()
		}
	}
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
		if !p.query.ask(nd, p.ownIDs()) {
			p.restarting, p.pended = true, ev
			return binding.StatusPending
		}
		p.takeAnswer(&ev)
	}
	p.rebuildTries = 0
	switch p.startRunning(nd) {
	case startRetry:
		p.restarting, p.pended = true, ev
		return binding.StatusPending
	case startFailed:
		return binding.StatusResources
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

// startResult is how far a restart got.
type startResult uint8

const (
	startDone   startResult = iota // running
	startRetry                     // the rebuild failed; the work item tries again
	startFailed                    // the rebuild failed and the restart fails
)

// startRunning rebuilds the pools if the policy asks for it (nothing is
// outstanding: the binding is restarting) and starts sending again. The
// new pools are made before the old ones go, so that a failed allocation
// leaves it the old ones.
func (p *configurable) startRunning(nd *binding.NDIS) startResult {
	if p.needsRebuild() {
		p.rebuildTries++
		pools, ok := p.newPools(nd)
		if !ok {
			if p.cfg.Lifecycle.Restart.RebuildFailure == RebuildFail {
				return startFailed
			}
			if p.rebuildTries < maxRebuildTries {
				return startRetry
			}
		}
		if ok {
			p.FreePools(nd)
			p.Pools = pools
		}
	}
	p.running = true
	return startDone
}

func (p *configurable) needsRebuild() bool {
	if p.NBLPool.IsNull() {
		return false // pools made at the first write: none yet
	}
	switch p.cfg.Rebuild {
	case RebuildAlways:
		return true
	case RebuildWhenGrown:
		return !p.poolNeeds.Covers(p.needs)
	}
	return false
}

// pausePoll is the sample driver's poll interval in its pause: NdisMSleep(100000).
const pausePoll = 100_000

// goodbyeBytes is the size of the frame a pause sends with pause.goodbye_send.
const goodbyeBytes = 64

func (p *configurable) pause(nd *binding.NDIS, ev binding.PnPEvent) binding.Status {
	p.running = false
	p.returnHeld(nd)
	pc := p.cfg.Lifecycle.Pause
	if pc.GoodbyeSend && !p.NBLPool.IsNull() {
		p.send(nd, goodbyeBytes)
	}
	switch pc.Wait {
	case WaitSleep:
		for p.sends > 0 {
			nd.Sleep(pausePoll) // completions arrive meanwhile
		}
	case WaitEvent:
		p.wait(nd, func() bool { return p.sends > 0 })
	case WaitNone:
		return binding.StatusSuccess // whatever is still in flight
	}
	if p.sends == 0 {
		return binding.StatusSuccess
	}
	p.pausing, p.pended = true, ev
	return binding.StatusPending
}

func (p *configurable) UnbindAdapter(nd *binding.NDIS) binding.Status {
	p.open, p.running = false, false
	p.returnHeld(nd)
	u := p.cfg.Lifecycle.Unbind
	if u.OIDsOrder == OIDsBeforeClose {
		p.request(nd, u.Requests, false)
		if len(p.oids) > 0 {
			switch u.OIDsWait {
			case WaitPend:
				p.closeWait = true // closed once the requests have completed
				return binding.StatusPending
			case WaitEvent:
				p.wait(nd, func() bool { return len(p.oids) > 0 })
			}
		}
	}
	return p.closeAdapter(nd)
}

// closeAdapter closes the adapter and, once the close has completed,
// frees the pools; a close that pends is finished by CloseAdapterComplete
// (close_wait: pend), waited for (event), or not looked at (none).
func (p *configurable) closeAdapter(nd *binding.NDIS) binding.Status {
	u := p.cfg.Lifecycle.Unbind
	p.closeDone = false
	st := nd.CloseAdapter()
	if u.OIDsOrder == OIDsAfterClose {
		p.request(nd, u.Requests, false)
	}
	if st == binding.StatusPending {
		switch u.CloseWait {
		case WaitPend:
			return binding.StatusPending
		case WaitEvent:
			p.wait(nd, func() bool { return !p.closeDone })
		}
	}
	if u.FreePools == FreeAfterClose {
		p.releasePools(nd)
	}
	return binding.StatusSuccess
}

func (p *configurable) CloseAdapterComplete(nd *binding.NDIS) {
	u := p.cfg.Lifecycle.Unbind
	p.closeDone = true
	if u.CloseWait == WaitPend || u.FreePools == FreeInCloseComplete {
		p.releasePools(nd)
	}
	switch u.CloseWait {
	case WaitPend:
		nd.CompleteUnbindAdapter()
	case WaitEvent:
		p.wake(nd)
	}
}

// releasePools frees the pools at the end of a binding, unless they are
// the driver's.
func (p *configurable) releasePools(nd *binding.NDIS) {
	if p.cfg.Lifecycle.Pools != PoolsDriver {
		p.FreePools(nd)
	}
}

// WorkItem returns the held receives and finishes, at PASSIVE_LEVEL,
// whatever it pended that has nothing left to wait for.
func (p *configurable) WorkItem(nd *binding.NDIS) {
	p.returnHeld(nd)
	p.finishPause(nd)
	p.finishBind(nd)
	p.finishRestart(nd)
	p.finishUnbind(nd)
}

func (p *configurable) finishPause(nd *binding.NDIS) {
	if p.cfg.Lifecycle.Pause.CompleteFrom != CompleteFromWorkItem {
		return
	}
	p.completePause(nd)
}

// completePause completes a pended pause that has nothing left in flight.
func (p *configurable) completePause(nd *binding.NDIS) {
	if p.pausing && p.sends == 0 && len(p.held) == 0 {
		p.pausing = false
		nd.CompleteNetPnPEvent(p.pended, binding.StatusSuccess)
	}
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
	switch p.startRunning(nd) {
	case startDone:
		p.restarting = false
		nd.CompleteNetPnPEvent(p.pended, binding.StatusSuccess)
	case startFailed:
		p.restarting = false
		nd.CompleteNetPnPEvent(p.pended, binding.StatusResources)
	}
}

// finishUnbind closes the adapter for an unbind that waited for its
// requests (NdisCloseAdapterEx is PASSIVE_LEVEL only).
func (p *configurable) finishUnbind(nd *binding.NDIS) {
	if !p.closeWait || len(p.oids) > 0 || p.cfg.Lifecycle.Unbind.CloseFrom != CompleteFromWorkItem {
		return
	}
	p.closeWait = false
	if p.closeAdapter(nd) == binding.StatusSuccess {
		nd.CompleteUnbindAdapter()
	}
}
