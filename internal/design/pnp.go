package design

import (
	"github.com/ndissim/ndissim/binding"
	"github.com/ndissim/ndissim/designkit"
	"github.com/ndissim/ndissim/fsm"
)

// The configurable protocol's pause and restart: the base's steps, with
// the requirements query, the rebuild policy and the pause's wait and
// goodbye send the settings choose.

func (p *configurable) NetPnPEvent(nd *binding.NDIS, ev binding.PnPEvent) binding.Status {
	if ev.Kind == binding.NetEventPause {
		return p.pause(nd, ev)
	}
	switch p.cfg.Requirements {
	case RequirementsAttributes:
		if n, ok := ev.Restart.Needs(); ok {
			p.Needs = n
		}
	case RequirementsOID:
		if !p.query.ask(nd, p.requestID()) {
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
		p.Needs = res.Needs
		return
	}
	if ev != nil {
		if n, ok := ev.Restart.Needs(); ok {
			p.Needs = n
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
	p.State = fsm.Running
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
		return !p.PoolNeeds.Covers(p.Needs)
	}
	return false
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

// goodbyeBytes is the size of the frame a pause sends with pause.goodbye_send.
const goodbyeBytes = 64

func (p *configurable) pause(nd *binding.NDIS, ev binding.PnPEvent) binding.Status {
	p.State = fsm.Pausing
	p.ReturnHeld(nd)
	pc := p.cfg.Lifecycle.Pause
	if pc.GoodbyeSend && !p.NBLPool.IsNull() {
		p.send(nd, goodbyeBytes)
	}
	switch pc.Wait {
	case WaitSleep:
		for p.Sends > 0 {
			nd.Sleep(designkit.PausePoll) // completions arrive meanwhile
		}
	case WaitEvent:
		p.WaitFor(nd, func() bool { return p.Sends > 0 })
	case WaitNone:
		return binding.StatusSuccess // whatever is still in flight
	}
	if p.Sends == 0 {
		return binding.StatusSuccess
	}
	p.Pausing, p.pended = true, ev
	return binding.StatusPending
}

func (p *configurable) finishPause(nd *binding.NDIS) {
	if p.cfg.Lifecycle.Pause.CompleteFrom != CompleteFromWorkItem {
		return
	}
	p.completePause(nd)
}

// completePause completes a pended pause that has nothing left in flight.
func (p *configurable) completePause(nd *binding.NDIS) {
	if p.Pausing && p.Sends == 0 && len(p.Held) == 0 {
		p.Pausing = false
		nd.CompleteNetPnPEvent(p.pended, binding.StatusSuccess)
	}
}
