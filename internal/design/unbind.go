package design

import (
	"github.com/ndissim/ndissim/binding"
	"github.com/ndissim/ndissim/fsm"
)

// The configurable protocol's unbind: the base's steps (return what it
// holds, wait for its requests, close, free the pools), with the requests,
// waits and order the settings choose.

func (p *configurable) UnbindAdapter(nd *binding.NDIS) binding.Status {
	p.open, p.State = false, fsm.Closing
	p.ReturnHeld(nd)
	u := p.cfg.Lifecycle.Unbind
	if u.OIDsOrder == OIDsBeforeClose {
		p.request(nd, u.Requests, false)
		if len(p.oids) > 0 {
			switch u.OIDsWait {
			case WaitPend:
				p.CloseWait = true // closed once the requests have completed
				return binding.StatusPending
			case WaitEvent:
				p.WaitFor(nd, func() bool { return len(p.oids) > 0 })
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
	p.Closed = false
	st := nd.CloseAdapter()
	if u.OIDsOrder == OIDsAfterClose {
		p.request(nd, u.Requests, false)
	}
	if st == binding.StatusPending {
		switch u.CloseWait {
		case WaitPend:
			return binding.StatusPending
		case WaitEvent:
			p.WaitFor(nd, func() bool { return !p.Closed })
		}
	}
	if u.FreePools == FreeAfterClose {
		p.ReleasePools(nd)
	}
	return binding.StatusSuccess
}

func (p *configurable) CloseAdapterComplete(nd *binding.NDIS) {
	u := p.cfg.Lifecycle.Unbind
	p.Closed = true
	if u.CloseWait == WaitPend || u.FreePools == FreeInCloseComplete {
		p.ReleasePools(nd)
	}
	switch u.CloseWait {
	case WaitPend:
		nd.CompleteUnbindAdapter()
	case WaitEvent:
		p.Wake(nd)
	}
}

// finishUnbind closes the adapter for an unbind that waited for its
// requests (NdisCloseAdapterEx is PASSIVE_LEVEL only).
func (p *configurable) finishUnbind(nd *binding.NDIS) {
	if !p.CloseWait || len(p.oids) > 0 || p.cfg.Lifecycle.Unbind.CloseFrom != CompleteFromWorkItem {
		return
	}
	p.CloseWait = false
	if p.closeAdapter(nd) == binding.StatusSuccess {
		nd.CompleteUnbindAdapter()
	}
}
