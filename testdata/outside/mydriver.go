// Package mydriver is a driver author's own module: it checks its design
// with ndissim's public packages only, as every example in ndissim's
// README and docs says to. ndissim's own tests build and run it.
package mydriver

import (
	"github.com/ndissim/ndissim/binding"
	"github.com/ndissim/ndissim/designkit"
	"github.com/ndissim/ndissim/oid"
)

// statsDriver is designkit's skeleton plus one thing of its own: every
// work item asks the adapter for its statistics, one query at a time,
// under a request ID of its own.
type statsDriver struct {
	designkit.Base
	query uint32 // the statistics query in flight, 0 when none
}

// New is the design's factory: a fresh protocol for every run.
func New() binding.Protocol {
	cfg := designkit.DefaultConfig()
	cfg.NBLPool.PoolTag = 'S' | 't'<<8 | 'a'<<16 | 't'<<24
	return &statsDriver{Base: designkit.New(cfg)}
}

// WorkItem does the base's deferred work, then polls while Running.
func (p *statsDriver) WorkItem(nd *binding.NDIS) {
	p.Base.WorkItem(nd)
	if p.Running() && p.query == 0 {
		p.query = p.RequestID()
		req := oid.Request{ID: p.query, Type: oid.Query, OID: oid.OIDGenMaximumFrameSize}
		if _, res := p.Request(nd, req); res.Status != binding.StatusPending {
			p.query = 0 // answered at once
		}
	}
}

// OidRequestComplete recognises its query by ID (the completion may come
// before NdisOidRequest returns), then lets the base count it done: an
// unbind waits for it before closing the adapter.
func (p *statsDriver) OidRequestComplete(nd *binding.NDIS, req oid.Request, res oid.Result) {
	if req.ID == p.query {
		p.query = 0
	}
	p.Base.OidRequestComplete(nd, req, res)
}
