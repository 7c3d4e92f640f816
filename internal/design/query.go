package design

import (
	"slices"

	"github.com/ndissim/ndissim/binding"
	"github.com/ndissim/ndissim/oid"
)

// needsQuery is the configurable protocol's OID_NDISSIM_BACKFILL_REQUIREMENTS
// query. It names each request itself, so that it recognises a completion
// that comes before NdisOidRequest has returned (unless the protocol
// leaves the numbering to NDIS: lifecycle.request_ids: ndis).
type needsQuery struct {
	id       uint32 // the request in flight or last answered
	pending  bool   // pended and not yet completed
	answered bool   // an answer is in and not yet used
	res      oid.Result
}

// ask sends the query under id and reports whether the answer is in (in
// res): at once, or by a completion that overtook the call's return. With
// id 0 NDIS numbers the request, and the ID is learnt when the call
// returns, too late to know a completion that overtook the return.
func (q *needsQuery) ask(nd *binding.NDIS, id uint32) bool {
	q.id = id
	q.pending, q.answered = true, false
	req, res := nd.OidRequest(oid.Request{ID: q.id, Type: oid.Query, OID: oid.OIDBackfillRequirements})
	q.id = req.ID
	if res.Status != binding.StatusPending {
		q.pending, q.res = false, res
		return true
	}
	if q.answered {
		q.answered = false // taken by the caller now
		return true
	}
	return false
}

// completed records the completion of the query in flight, if req is it.
func (q *needsQuery) completed(req oid.Request, res oid.Result) {
	if req.ID == q.id && q.pending {
		q.pending, q.answered, q.res = false, true, res
	}
}

// ownIDs reports whether the protocol numbers its OID requests itself.
func (p *configurable) ownIDs() bool { return p.cfg.Lifecycle.RequestIDs != RequestIDsNDIS }

// requestID is the ID the protocol gives a request: a new one of its own
// (the base's RequestID, numbered across bindings), or 0 for NDIS to
// number.
func (p *configurable) requestID() uint32 {
	if !p.ownIDs() {
		return 0
	}
	return p.RequestID()
}

// request makes the bind's or the unbind's requests, each counted in oids
// until it completes. With IDs of its own a request is counted before the
// call, so that a completion inside NdisOidRequest finds it; with NDIS's
// numbering it is counted when the call returns PENDING, and a completion
// that came first is not recognised.
func (p *configurable) request(nd *binding.NDIS, rs []Request, atBind bool) {
	for _, r := range rs {
		req := r.request(atBind)
		own := p.ownIDs()
		if own {
			req.ID = p.requestID()
			p.oids = append(p.oids, req.ID)
		}
		req, res := nd.OidRequest(req)
		switch {
		case res.Status != binding.StatusPending:
			p.requestDone(req.ID) // answered at once: no completion follows
		case !own:
			p.oids = append(p.oids, req.ID)
		}
	}
}

// requestDone drops a completed request from oids, reporting whether it
// was one of them.
func (p *configurable) requestDone(id uint32) bool {
	i := slices.Index(p.oids, id)
	if i < 0 {
		return false
	}
	p.oids = slices.Delete(p.oids, i, i+1)
	return true
}
