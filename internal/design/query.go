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
	seq      uint32 // numbers its requests, and the protocol's others, across bindings
	id       uint32 // the request in flight or last answered
	pending  bool   // pended and not yet completed
	answered bool   // an answer is in and not yet used
	res      oid.Result
}

// nextID is a new request ID of the protocol's own.
func (q *needsQuery) nextID() uint32 {
	q.seq++
	return binding.OwnRequestID + q.seq
}

// ask sends the query and reports whether the answer is in (in res): at
// once, or by a completion that overtook the call's return. With own IDs
// false it leaves RequestId 0 and learns the ID NDIS gave when the call
// returns, too late to know a completion that overtook the return.
func (q *needsQuery) ask(nd *binding.NDIS, own bool) bool {
	q.id = q.nextID()
	if !own {
		q.id = 0
	}
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
			req.ID = p.query.nextID()
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
