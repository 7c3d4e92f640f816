package designkit

import (
	"github.com/ndissim/ndissim/binding"
	"github.com/ndissim/ndissim/oid"
)

// Request issues an OID request under an ID of its own, counted before the
// call: its completion may come before NdisOidRequest returns. A caller
// that must recognise the completion chooses r.ID itself (RequestID);
// otherwise Request does.
func (p *Base) Request(nd *binding.NDIS, r oid.Request) (oid.Request, oid.Result) {
	if r.ID == 0 {
		r.ID = p.RequestID()
	}
	p.OIDs++
	r, res := nd.OidRequest(r)
	if res.Status != binding.StatusPending {
		p.OIDs-- // answered at once: no completion follows
	}
	return r, res
}

// RequestID is a new ID of its own for an OID request, above the ones NDIS
// numbers (binding.OwnRequestID).
func (p *Base) RequestID() uint32 {
	p.nextReq++
	return binding.OwnRequestID + p.nextReq
}

func (p *Base) OidRequestComplete(nd *binding.NDIS, _ oid.Request, _ oid.Result) {
	p.OIDDone(nd)
}

// OIDDone counts a completed request; the work item closes an unbind that
// pended for it, and a waiting unbind is woken.
func (p *Base) OIDDone(nd *binding.NDIS) {
	p.OIDs--
	if p.OIDs == 0 {
		p.Wake(nd)
	}
}
