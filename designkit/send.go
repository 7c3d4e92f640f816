package designkit

import (
	"github.com/ndissim/ndissim/binding"
	"github.com/ndissim/ndissim/fsm"
	"github.com/ndissim/ndissim/oid"
	"github.com/ndissim/ndissim/pool"
)

// Write is an application's write: one send of bytes of payload with the
// whole stack's backfill, refused unless the binding runs.
func (p *Base) Write(nd *binding.NDIS, bytes uint32) {
	if !p.Running() {
		return // the write fails: the binding is not running
	}
	p.SendNew(nd, p.Needs.DataBackfill, p.ContextBackfill(nd, p.Needs), bytes)
}

// Running reports whether the driver may start a send.
func (p *Base) Running() bool { return p.State == fsm.Running && !p.NBLPool.IsNull() }

// SendNew builds and sends bytes of payload with data bytes of data
// backfill and ctxBackfill of context backfill; a failed allocation fails
// the write.
func (p *Base) SendNew(nd *binding.NDIS, data uint32, ctxBackfill uint16, bytes uint32) {
	if nbl := p.Build(nd, data, ctxBackfill, bytes); !nbl.IsNull() {
		p.Send(nd, nbl)
	}
}

// Send sets the NBL's SourceHandle and sends it. It counts the send before
// making it: its completion may come inside NdisSendNetBufferLists.
func (p *Base) Send(nd *binding.NDIS, nbl pool.NBL) {
	p.Sends++
	nd.SetSourceHandle(nbl)
	nd.SendNetBufferLists(nbl, 0)
}

func (p *Base) SendNetBufferListsComplete(nd *binding.NDIS, nbl pool.NBL, _ binding.Status, _ binding.SendCompleteFlags) {
	p.FreeSend(nd, nbl)
	p.SendDone(nd)
}

// SendDone counts a completed send; the work item finishes a pended pause,
// and a waiting pause sees the count at its next poll.
func (p *Base) SendDone(_ *binding.NDIS) { p.Sends-- }

// ContextBackfill is the ContextBackFill a send asks for: the stack's need
// rounded up to MEMORY_ALLOCATION_ALIGNMENT, or none when the pool's
// ContextSize already holds it (Config.BakeContext).
func (p *Base) ContextBackfill(nd *binding.NDIS, n oid.Needs) uint16 {
	if p.Config.BakeContext {
		return 0
	}
	return AlignContext(n.ContextBackfill, nd.MAA())
}

// Build allocates an NBL for bytes of payload with data bytes of backfill
// in front of the protocol's header, then retreats over the header as the
// protocol does when it writes it. NULL when an allocation failed.
func (p *Base) Build(nd *binding.NDIS, data uint32, ctxBackfill uint16, bytes uint32) pool.NBL {
	ctx, hdr := p.Config.ContextSize, p.Config.Header
	if !p.Config.Separate {
		nbl := nd.AllocateNetBufferAndNetBufferList(p.NBLPool, ctx, ctxBackfill, 1, data+hdr, bytes)
		if !nbl.IsNull() && hdr > 0 {
			nd.RetreatNetBufferDataStart(nd.FirstNB(nbl), hdr, 0)
		}
		return nbl
	}
	nbl := nd.AllocateNetBufferList(p.NBLPool, ctx, ctxBackfill)
	if nbl.IsNull() {
		return nbl
	}
	nb := nd.AllocateNetBuffer(p.NBPool, 1, data+hdr, bytes)
	if nb.IsNull() {
		nd.FreeNetBufferList(nbl)
		return pool.NBL{}
	}
	nd.LinkNetBuffer(nbl, nb)
	if hdr > 0 {
		nd.RetreatNetBufferDataStart(nb, hdr, 0)
	}
	return nbl
}

// FreeSend frees a completed send: the NBs it allocated separately first
// (NDIS frees only an NB that came with the NBL), then the NBL.
func (p *Base) FreeSend(nd *binding.NDIS, nbl pool.NBL) {
	if p.Config.Separate {
		for nb := nd.FirstNB(nbl); !nb.IsNull(); {
			next := nd.NextNB(nb)
			nd.FreeNetBuffer(nb)
			nb = next
		}
	}
	nd.FreeNetBufferList(nbl)
}
