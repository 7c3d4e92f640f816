package design

import (
	"github.com/ndissim/ndissim/binding"
	"github.com/ndissim/ndissim/oid"
)

// needsQuery is the configurable protocol's OID_NDISSIM_BACKFILL_REQUIREMENTS
// query. It names each request itself, so that it recognises a completion
// that comes before NdisOidRequest has returned.
type needsQuery struct {
	seq      uint32 // numbers its requests across bindings
	id       uint32 // the request in flight or last answered
	pending  bool   // pended and not yet completed
	answered bool   // an answer is in and not yet used
	res      oid.Result
}

// ask sends the query and reports whether the answer is in (in res): at
// once, or by a completion that overtook the call's return.
func (q *needsQuery) ask(nd *binding.NDIS) bool {
	q.seq++
	q.id = binding.OwnRequestID + q.seq
	q.pending, q.answered = true, false
	_, res := nd.OidRequest(oid.Request{ID: q.id, Type: oid.Query, OID: oid.OIDBackfillRequirements})
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
