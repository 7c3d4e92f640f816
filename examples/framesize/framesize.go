// Package framesize is an example of a design written in Go on designkit:
// a raw Ethernet protocol that asks the adapter for its maximum frame size
// once the open has completed and refuses writes that would not fit.
//
// Everything else (pools, pause, restart, unbind, sends with the stack's
// backfill, receives) is designkit's skeleton; the design states only what
// it adds. Its test, framesize_test.go, is the whole CI check a driver
// author writes:
//
//	check:   go test ./examples/framesize/
//	verdict: pass
package framesize

import (
	"github.com/ndissim/ndissim/binding"
	"github.com/ndissim/ndissim/designkit"
	"github.com/ndissim/ndissim/oid"
)

// Protocol is the design: designkit's Base plus the frame-size query.
type Protocol struct {
	designkit.Base
	query     uint32 // the ID of the frame-size query in flight, 0 when none
	frameSize uint32 // the adapter's answer; 0 until it came
}

// New is the design's factory, for a sim.Design's New.
func New() binding.Protocol {
	p := &Protocol{Base: designkit.New(designkit.DefaultConfig())}
	p.Config.AfterOpen = p.askFrameSize
	return p
}

// askFrameSize queries OID_GEN_MAXIMUM_FRAME_SIZE under an ID of its own,
// so that its completion is recognised even when it overtakes the return
// of NdisOidRequest. A failed query leaves the frame size unknown: writes
// then go by the Ethernet maximum.
func (p *Protocol) askFrameSize(nd *binding.NDIS) {
	p.query, p.frameSize = p.RequestID(), 0
	req := oid.Request{ID: p.query, Type: oid.Query, OID: oid.OIDGenMaximumFrameSize}
	if _, res := p.Request(nd, req); res.Status != binding.StatusPending {
		p.answered(res)
	}
}

// OidRequestComplete takes the frame-size answer, then counts the request
// done as the base does (its unbind waits for it before the close).
func (p *Protocol) OidRequestComplete(nd *binding.NDIS, req oid.Request, res oid.Result) {
	if req.ID == p.query {
		p.answered(res)
	}
	p.Base.OidRequestComplete(nd, req, res)
}

func (p *Protocol) answered(res oid.Result) {
	p.query = 0
	if res.Status == binding.StatusSuccess && res.Value > 0 {
		p.frameSize = res.Value
	}
}

// Write refuses a frame that does not fit the adapter, as the sample's
// NdisprotWrite does (STATUS_INVALID_BUFFER_SIZE).
func (p *Protocol) Write(nd *binding.NDIS, bytes uint32) {
	limit := p.frameSize
	if limit == 0 {
		limit = oid.MaxFrameSize
	}
	if bytes > limit {
		return
	}
	p.Base.Write(nd, bytes)
}
