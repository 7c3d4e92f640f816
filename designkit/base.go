package designkit

import (
	"github.com/ndissim/ndissim/binding"
	"github.com/ndissim/ndissim/fsm"
	"github.com/ndissim/ndissim/oid"
	"github.com/ndissim/ndissim/pool"
)

// Base is the correct protocol a design starts from (see the package
// documentation). Its fields are the driver's own bookkeeping, open to the
// design that embeds it: an override reads and updates them as the base's
// callbacks do.
type Base struct {
	Config Config

	State      fsm.State        // the driver's own copy of the binding state
	Pausing    bool             // a pause it pended, finished by the work item
	PauseEvent binding.PnPEvent // the pause it pended, named in its completion
	Needs      oid.Needs        // the stack's needs as last learnt
	BindNeeds  oid.Needs        // the needs the bind parameters gave
	PoolNeeds  oid.Needs        // the needs the pools were sized for
	Pools
	Sends       int        // sends not yet completed
	Held        []pool.NBL // received NBLs kept for reads
	Copies      []pool.NBL // copies of receives, in its receive pool, for reads
	ReadPending bool       // with Config.HoldForRead: a read waits for the next receive
	OIDs        int        // OID requests not yet completed
	CloseWait   bool       // the unbind waits for the OID requests to close

	nextReq uint32 // the ID of its last OID request
	Waiter         // what a waiting design (Config.Wait) waits on
}

// New returns a Base with cfg, ready to bind.
func New(cfg Config) Base { return Base{Config: cfg} }

// Reset starts a new binding context, keeping the configuration, the
// request IDs (a completion of the last binding must not match a new
// request) and driver-wide pools.
func (p *Base) Reset() {
	q := Base{Config: p.Config, Held: p.Held[:0], Copies: p.Copies[:0], nextReq: p.nextReq}
	if p.Config.DriverPools {
		q.Pools, q.PoolNeeds = p.Pools, p.PoolNeeds
	}
	*p = q
}

// BindAdapter starts a binding context from the bind parameters' needs,
// makes the pools (driver-wide ones only at the first bind) and opens the
// adapter.
func (p *Base) BindAdapter(nd *binding.NDIS, bp oid.BindParameters) binding.Status {
	p.BeginBind(bp)
	if p.NBLPool.IsNull() && !p.CreatePools(nd) {
		return binding.StatusResources
	}
	return p.Open(nd)
}

// BeginBind starts a new binding context (Reset) in Opening, with the
// needs the bind parameters give.
func (p *Base) BeginBind(bp oid.BindParameters) {
	p.Reset()
	p.State = fsm.Opening
	p.Needs = oid.Needs{DataBackfill: bp.DataBackFillSize, ContextBackfill: bp.ContextBackFillSize}
	p.BindNeeds = p.Needs
}

// Open opens the adapter, the last step of a bind. An open that pends is
// waited for (Config.Wait) or pended until OpenAdapterComplete; a failed
// one releases the pools and fails the bind.
func (p *Base) Open(nd *binding.NDIS) binding.Status {
	st := nd.OpenAdapter()
	if st == binding.StatusPending && p.Config.Wait {
		st = p.WaitOpen(nd)
	}
	switch st {
	case binding.StatusSuccess:
		p.Opened(nd)
		return binding.StatusSuccess
	case binding.StatusPending:
		return binding.StatusPending
	}
	p.ReleasePools(nd)
	p.State = fsm.Unbound
	return binding.StatusFailure
}

func (p *Base) OpenAdapterComplete(nd *binding.NDIS, st binding.Status) {
	if p.Config.Wait {
		p.OpenCompleted(nd, st)
		return
	}
	if st != binding.StatusSuccess {
		p.ReleasePools(nd)
		p.State = fsm.Unbound
		nd.CompleteBindAdapter(binding.StatusFailure)
		return
	}
	p.Opened(nd)
	nd.CompleteBindAdapter(binding.StatusSuccess)
}

// Opened is the end of a successful bind: the binding is Paused.
func (p *Base) Opened(nd *binding.NDIS) {
	p.State = fsm.Paused
	if p.Config.AfterOpen != nil {
		p.Config.AfterOpen(nd)
	}
}

func (p *Base) NetPnPEvent(nd *binding.NDIS, ev binding.PnPEvent) binding.Status {
	if ev.Kind == binding.NetEventPause {
		return p.Pause(nd, ev)
	}
	return p.Restart(nd, ev)
}

// Restart takes the needs from the attributes (a NULL list keeps them),
// rebuilds baked pools that no longer fit (nothing is outstanding: the
// binding is restarting) and starts sending again.
func (p *Base) Restart(nd *binding.NDIS, ev binding.PnPEvent) binding.Status {
	if n, ok := ev.Restart.Needs(); ok {
		p.Needs = n
	}
	if p.NBLPool.IsNull() || (p.Config.BakeContext && !p.PoolNeeds.Covers(p.Needs)) {
		p.Rebuild(nd)
	}
	p.State = fsm.Running
	return binding.StatusSuccess
}

// Pause stops new sends and returns the receives it keeps. With sends in
// flight it waits for them (Config.Wait) or pends; the work item completes
// a pended pause once they are done.
func (p *Base) Pause(nd *binding.NDIS, ev binding.PnPEvent) binding.Status {
	p.State = fsm.Pausing
	p.ReturnHeld(nd)
	if p.Sends > 0 && p.Config.Wait {
		for p.Sends > 0 {
			nd.Sleep(PausePoll) // completions arrive meanwhile
		}
	}
	if p.Sends == 0 {
		p.State = fsm.Paused
		return binding.StatusSuccess
	}
	p.Pausing, p.PauseEvent = true, ev
	return binding.StatusPending
}

// PausePoll is the sample driver's poll interval in its pause, in
// microseconds: NdisMSleep(100000).
const PausePoll = 100_000

// FinishPause completes a pended pause whose sends are all done. Only the
// work item calls it: NdisCompleteNetPnPEvent is PASSIVE_LEVEL only.
func (p *Base) FinishPause(nd *binding.NDIS) {
	if p.Pausing && p.Sends == 0 {
		p.Pausing = false
		p.State = fsm.Paused
		nd.CompleteNetPnPEvent(p.PauseEvent, binding.StatusSuccess)
	}
}

// UnbindAdapter returns what it holds and closes the adapter once its OID
// requests are done: it waits for them (Config.Wait) or pends, and the work
// item closes.
func (p *Base) UnbindAdapter(nd *binding.NDIS) binding.Status {
	p.State = fsm.Closing
	p.ReturnHeld(nd)
	if p.OIDs > 0 && p.Config.Wait {
		p.WaitFor(nd, func() bool { return p.OIDs > 0 })
	}
	if p.OIDs > 0 {
		p.CloseWait = true // the work item closes once the requests are done
		return binding.StatusPending
	}
	return p.CloseAdapter(nd)
}

// FinishUnbind closes an adapter whose unbind waited for OID requests, from
// the work item (NdisCloseAdapterEx is PASSIVE_LEVEL only).
func (p *Base) FinishUnbind(nd *binding.NDIS) {
	if p.CloseWait && p.OIDs == 0 {
		p.CloseWait = false
		if p.CloseAdapter(nd) == binding.StatusSuccess {
			nd.CompleteUnbindAdapter()
		}
	}
}

// CloseAdapter closes the adapter and, once that has completed, frees the
// pools. A close that pends is waited for (Config.Wait) or finished by
// CloseAdapterComplete.
func (p *Base) CloseAdapter(nd *binding.NDIS) binding.Status {
	p.Closed = false
	if nd.CloseAdapter() == binding.StatusPending {
		if !p.Config.Wait {
			return binding.StatusPending
		}
		p.WaitFor(nd, func() bool { return !p.Closed })
	}
	p.ReleasePools(nd)
	p.State = fsm.Unbound
	return binding.StatusSuccess
}

func (p *Base) CloseAdapterComplete(nd *binding.NDIS) {
	if p.Config.Wait {
		p.Closed = true // the waiting unbind frees the pools
		p.Wake(nd)
		return
	}
	p.ReleasePools(nd)
	p.State = fsm.Unbound
	nd.CompleteUnbindAdapter()
}

// WorkItem is a read from the application (Read), which consumes the
// kept receives, and the driver's deferred work: finishing what it pended.
func (p *Base) WorkItem(nd *binding.NDIS) {
	p.Read(nd)
	p.FinishPending(nd)
}

// FinishPending completes a pended pause or unbind that has nothing left to
// wait for.
func (p *Base) FinishPending(nd *binding.NDIS) {
	p.FinishPause(nd)
	p.FinishUnbind(nd)
}
