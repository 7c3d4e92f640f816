package design

import (
	"github.com/ndissim/ndissim/binding"
	"github.com/ndissim/ndissim/fsm"
	"github.com/ndissim/ndissim/oid"
	"github.com/ndissim/ndissim/pool"
	"github.com/ndissim/ndissim/rule"
	"github.com/ndissim/ndissim/sim"
)

// The broken designs of the Send and receive rules.

// sendWhilePausing guards its write path with a "paused" flag instead of
// "running". The flag is set when a pause completes, not when it starts, so
// writes keep going out while the pause waits for its sends. NDIS accepts
// them (the pause then waits for them too), so this is a warning.
type sendWhilePausing struct {
	brokenBase
	paused bool
}

func (p *sendWhilePausing) BindAdapter(nd *binding.NDIS, bp oid.BindParameters) binding.Status {
	p.paused = true // a new binding starts Paused
	return p.brokenBase.BindAdapter(nd, bp)
}

func (p *sendWhilePausing) NetPnPEvent(nd *binding.NDIS, ev binding.PnPEvent) binding.Status {
	st := p.brokenBase.NetPnPEvent(nd, ev)
	if st == binding.StatusSuccess {
		p.paused = ev.Kind == binding.NetEventPause
	}
	return st
}

func (p *sendWhilePausing) WorkItem(nd *binding.NDIS) {
	p.brokenBase.WorkItem(nd)
	if p.State == fsm.Paused {
		p.paused = true // the work item finished the pended pause
	}
}

func (p *sendWhilePausing) Write(nd *binding.NDIS, bytes uint32) {
	if p.paused || p.NBLPool.IsNull() { // should be: unless Running
		return
	}
	p.SendNew(nd, p.Needs.DataBackfill, p.ContextBackfill(nd, p.Needs), bytes)
}

// sendAfterPause refuses writes only while a pause or an unbind is in
// progress, as if a binding that has finished pausing could send again.
type sendAfterPause struct{ brokenBase }

func (p *sendAfterPause) Write(nd *binding.NDIS, bytes uint32) {
	switch p.State {
	case fsm.Pausing, fsm.Closing, fsm.Unbound: // should be: unless Running
		return
	}
	if p.NBLPool.IsNull() {
		return
	}
	p.SendNew(nd, p.Needs.DataBackfill, p.ContextBackfill(nd, p.Needs), bytes)
}

// heartbeat sends one preallocated heartbeat frame from its periodic timer
// (the work item) and re-sends the same NBL on every tick, without checking
// that the previous send has completed.
type heartbeat struct {
	brokenBase
	beat pool.NBL
}

func (p *heartbeat) BindAdapter(nd *binding.NDIS, bp oid.BindParameters) binding.Status {
	p.beat = pool.NBL{}
	return p.brokenBase.BindAdapter(nd, bp)
}

// NetPnPEvent frees the heartbeat at restart (nothing is in flight then), so
// that the next tick builds it for the stack's current needs.
func (p *heartbeat) NetPnPEvent(nd *binding.NDIS, ev binding.PnPEvent) binding.Status {
	if ev.Kind == binding.NetEventRestart && !p.beat.IsNull() {
		p.FreeSend(nd, p.beat)
		p.beat = pool.NBL{}
	}
	return p.brokenBase.NetPnPEvent(nd, ev)
}

func (p *heartbeat) WorkItem(nd *binding.NDIS) {
	p.brokenBase.WorkItem(nd)
	if !p.Running() {
		return
	}
	if p.beat.IsNull() {
		if p.beat = p.Build(nd, p.Needs.DataBackfill, p.ContextBackfill(nd, p.Needs), 64); p.beat.IsNull() {
			return
		}
	}
	p.Send(nd, p.beat) // the last beat may still be in flight
}

func (p *heartbeat) SendNetBufferListsComplete(nd *binding.NDIS, nbl pool.NBL, st binding.Status, _ binding.SendCompleteFlags) {
	if nbl == p.beat {
		p.SendDone(nd) // kept for the next tick
		return
	}
	p.brokenBase.SendNetBufferListsComplete(nd, nbl, st, 0)
}

func (p *heartbeat) UnbindAdapter(nd *binding.NDIS) binding.Status {
	if !p.beat.IsNull() {
		p.FreeSend(nd, p.beat)
		p.beat = pool.NBL{}
	}
	return p.brokenBase.UnbindAdapter(nd)
}

// backfillFromBind builds its sends in frame buffers whose headroom is fixed
// at bind from DataBackFillSize. It learns the new needs at every restart,
// but the buffers keep the bind-time headroom, so a filter inserted later
// must allocate on every send.
type backfillFromBind struct{ brokenBase }

func (p *backfillFromBind) Write(nd *binding.NDIS, bytes uint32) {
	if !p.Running() {
		return
	}
	p.SendNew(nd, p.BindNeeds.DataBackfill, p.ContextBackfill(nd, p.Needs), bytes)
}

// noContextBackfill passes ContextBackFill 0, as the NDIS sample driver
// does: the filters below must allocate context for every send.
type noContextBackfill struct{ brokenBase }

func (p *noContextBackfill) Write(nd *binding.NDIS, bytes uint32) {
	if !p.Running() {
		return
	}
	p.SendNew(nd, p.Needs.DataBackfill, 0, bytes)
}

// keepResources queues every received NBL for a pending read, without
// looking at NDIS_RECEIVE_FLAGS_RESOURCES; the miniport takes those back
// when the callback returns, and the read returns them later.
type keepResources struct{ brokenBase }

func (p *keepResources) ReceiveNetBufferLists(nd *binding.NDIS, nbls []pool.NBL, _ binding.ReceiveFlags) {
	for _, nbl := range nbls {
		if p.State == fsm.Running && len(p.Held) < brokenMaxHeld {
			p.Held = append(p.Held, nbl)
		} else {
			nd.ReturnNetBufferLists(nbl, 0)
		}
	}
}

// doubleReturn returns its queued receives from the read path but forgets
// to reset the queue, so the next read (or the pause) returns them again.
type doubleReturn struct{ brokenBase }

func (p *doubleReturn) WorkItem(nd *binding.NDIS) {
	for _, nbl := range p.Held {
		nd.ReturnNetBufferLists(nbl, 0)
	}
	// p.held = p.held[:0] is missing
	p.FinishPending(nd)
}

func init() {
	for _, g := range []sim.GoDesign{
		{
			Name:    "broken-send-while-pausing",
			Summary: "Write refuses only when we are Paused, so it keeps sending while a pause waits for completions",
			Breaks:  rule.SendWhilePausing,
			New:     func() binding.Protocol { return &sendWhilePausing{brokenBase: newBrokenBase(defaultBaseConfig())} },
		},
		{
			Name:    "broken-send-after-pause",
			Summary: "Write refuses only while a pause or unbind is in progress, so it sends again once the binding is Paused",
			Breaks:  rule.SendWhileNotRunning,
			New:     func() binding.Protocol { return &sendAfterPause{newBrokenBase(defaultBaseConfig())} },
		},
		{
			Name:    "broken-heartbeat-resend",
			Summary: "our heartbeat timer re-sends its one preallocated NBL without waiting for the last send to complete",
			Breaks:  rule.SendInFlightTouched,
			New:     func() binding.Protocol { return &heartbeat{brokenBase: newBrokenBase(defaultBaseConfig())} },
		},
		{
			Name:    "broken-backfill-from-bind",
			Summary: "our frame buffers get the DataBackFillSize of the bind; a filter inserted later is short of backfill",
			Breaks:  rule.SendBackfillShortfall,
			New:     func() binding.Protocol { return &backfillFromBind{newBrokenBase(defaultBaseConfig())} },
		},
		{
			Name:    "broken-no-context-backfill",
			Summary: "like the sample driver we pass ContextBackFill 0, so the filters below allocate context on every send",
			Breaks:  rule.SendContextShortfall,
			New:     func() binding.Protocol { return &noContextBackfill{newBrokenBase(defaultBaseConfig())} },
		},
		{
			Name:    "broken-keep-resources",
			Summary: "we queue every received NBL for a read, even those indicated with NDIS_RECEIVE_FLAGS_RESOURCES",
			Breaks:  rule.ReceiveResourcesHeld,
			New:     func() binding.Protocol { return &keepResources{newBrokenBase(defaultBaseConfig())} },
		},
		{
			Name:    "broken-double-return",
			Summary: "the read path returns our queued receives but does not empty the queue; the next read returns them again",
			Breaks:  rule.ReturnNotOwned,
			New:     func() binding.Protocol { return &doubleReturn{newBrokenBase(defaultBaseConfig())} },
		},
	} {
		g.Stack, g.Changes = demoStack, demoChanges()
		sim.MustRegister(g)
	}
}
