package binding

import (
	"github.com/ndissim/ndissim/fsm"
	"github.com/ndissim/ndissim/internal/rule"
	"github.com/ndissim/ndissim/pool"
)

// The pool and structure calls of NDIS. They check the binding-level rules
// (state, ownership, in-flight sends) and leave the rest to the tracker.

// AllocateNetBufferListPool is NdisAllocateNetBufferListPool. It returns NULL
// when the allocation fails.
func (nd *NDIS) AllocateNetBufferListPool(p pool.NBLPoolParameters) pool.NBLPool {
	b := nd.b
	if !b.enter() || !b.poolChangeAllowed("NdisAllocateNetBufferListPool") {
		return pool.NBLPool{}
	}
	h, err := b.pools.AllocateNetBufferListPool(pool.OwnerProtocol, p)
	b.report(err)
	if b.tracer != nil {
		b.trace(ActorProtocol, "NdisAllocateNetBufferListPool ContextSize=%d fAllocateNetBuffer=%v DataSize=%d -> %s",
			p.ContextSize, p.AllocateNetBuffer, p.DataSize, h)
	}
	return h
}

// AllocateNetBufferPool is NdisAllocateNetBufferPool.
func (nd *NDIS) AllocateNetBufferPool(p pool.NBPoolParameters) pool.NBPool {
	b := nd.b
	if !b.enter() || !b.poolChangeAllowed("NdisAllocateNetBufferPool") {
		return pool.NBPool{}
	}
	h, err := b.pools.AllocateNetBufferPool(pool.OwnerProtocol, p)
	b.report(err)
	if b.tracer != nil {
		b.trace(ActorProtocol, "NdisAllocateNetBufferPool DataSize=%d -> %s", p.DataSize, h)
	}
	return h
}

// FreeNetBufferListPool is NdisFreeNetBufferListPool.
func (nd *NDIS) FreeNetBufferListPool(p pool.NBLPool) {
	b := nd.b
	if !b.enter() {
		return
	}
	if b.tracer != nil {
		b.trace(ActorProtocol, "NdisFreeNetBufferListPool %s", p)
	}
	if b.poolChangeAllowed("NdisFreeNetBufferListPool") {
		b.report(b.pools.FreeNetBufferListPool(p))
	}
}

// FreeNetBufferPool is NdisFreeNetBufferPool.
func (nd *NDIS) FreeNetBufferPool(p pool.NBPool) {
	b := nd.b
	if !b.enter() {
		return
	}
	if b.tracer != nil {
		b.trace(ActorProtocol, "NdisFreeNetBufferPool %s", p)
	}
	if b.poolChangeAllowed("NdisFreeNetBufferPool") {
		b.report(b.pools.FreeNetBufferPool(p))
	}
}

// poolChangeAllowed warns of a pool created or freed while the binding is
// Running or Pausing. No page forbids it (pools can be the driver's, made
// lazily), but the buffer-management page places the work in Opening and
// Restarting. It never refuses the call.
func (b *Binding) poolChangeAllowed(call string) bool {
	if s := b.life.State(); s == fsm.Running || s == fsm.Pausing {
		b.fail(rule.PoolChangedWhileActive, nil,
			"%s while the binding is %s; pools are best created and freed while Opening, Restarting or Closing", call, s)
	}
	return true
}

// AllocateNetBufferAndNetBufferList is the combined call: an NBL with one NB
// over mdls MDLs (0: a NULL chain) whose first dataOffset bytes are unused
// space (backfill).
func (nd *NDIS) AllocateNetBufferAndNetBufferList(p pool.NBLPool, ctxSize, ctxBackfill, mdls uint16, dataOffset, dataLength uint32) pool.NBL {
	b := nd.b
	if !b.enter() {
		return pool.NBL{}
	}
	l, err := b.pools.AllocateNetBufferAndNetBufferList(p, ctxSize, ctxBackfill, mdls, dataOffset, dataLength)
	b.report(err)
	if b.tracer != nil {
		b.trace(ActorProtocol, "NdisAllocateNetBufferAndNetBufferList %s ContextSize=%d ContextBackFill=%d DataOffset=%d DataLength=%d -> %s",
			p, ctxSize, ctxBackfill, dataOffset, dataLength, l)
	}
	return l
}

// AllocateNetBufferList is NdisAllocateNetBufferList.
func (nd *NDIS) AllocateNetBufferList(p pool.NBLPool, ctxSize, ctxBackfill uint16) pool.NBL {
	b := nd.b
	if !b.enter() {
		return pool.NBL{}
	}
	l, err := b.pools.AllocateNetBufferList(p, ctxSize, ctxBackfill)
	b.report(err)
	if b.tracer != nil {
		b.trace(ActorProtocol, "NdisAllocateNetBufferList %s ContextSize=%d ContextBackFill=%d -> %s", p, ctxSize, ctxBackfill, l)
	}
	return l
}

// AllocateNetBuffer is NdisAllocateNetBuffer.
func (nd *NDIS) AllocateNetBuffer(p pool.NBPool, mdls uint16, dataOffset, dataLength uint32) pool.NB {
	b := nd.b
	if !b.enter() {
		return pool.NB{}
	}
	nb, err := b.pools.AllocateNetBuffer(p, mdls, dataOffset, dataLength)
	b.report(err)
	if b.tracer != nil {
		b.trace(ActorProtocol, "NdisAllocateNetBuffer %s DataOffset=%d DataLength=%d -> %s", p, dataOffset, dataLength, nb)
	}
	return nb
}

// AllocateNetBufferMdlAndData is NdisAllocateNetBufferMdlAndData.
func (nd *NDIS) AllocateNetBufferMdlAndData(p pool.NBPool) pool.NB {
	b := nd.b
	if !b.enter() {
		return pool.NB{}
	}
	nb, err := b.pools.AllocateNetBufferMdlAndData(p)
	b.report(err)
	if b.tracer != nil {
		b.trace(ActorProtocol, "NdisAllocateNetBufferMdlAndData %s -> %s", p, nb)
	}
	return nb
}

// LinkNetBuffer appends nb to nbl's chain (NET_BUFFER_LIST_FIRST_NB and
// NET_BUFFER_NEXT_NB).
func (nd *NDIS) LinkNetBuffer(nbl pool.NBL, nb pool.NB) {
	b := nd.b
	if !b.enter() {
		return
	}
	if b.tracer != nil {
		b.trace(ActorProtocol, "link %s into %s", nb, nbl)
	}
	if b.pools.LiveNBL(nbl) && !b.usable(nbl, "link NB into NBL") {
		return
	}
	b.report(b.pools.LinkNetBuffer(nbl, nb))
}

// FreeNetBuffer is NdisFreeNetBuffer.
func (nd *NDIS) FreeNetBuffer(nb pool.NB) {
	b := nd.b
	if !b.enter() {
		return
	}
	if b.tracer != nil {
		b.trace(ActorProtocol, "NdisFreeNetBuffer %s", nb)
	}
	if !b.nbUsable(nb, "NdisFreeNetBuffer") {
		return
	}
	b.report(b.pools.FreeNetBuffer(nb))
}

// FreeNetBufferList is NdisFreeNetBufferList.
func (nd *NDIS) FreeNetBufferList(nbl pool.NBL) {
	b := nd.b
	if !b.enter() {
		return
	}
	if b.tracer != nil {
		b.trace(ActorProtocol, "NdisFreeNetBufferList %s", nbl)
	}
	if b.pools.LiveNBL(nbl) && !b.usable(nbl, "NdisFreeNetBufferList") {
		return
	}
	b.report(b.pools.FreeNetBufferList(nbl))
}

// RetreatNetBufferDataStart is NdisRetreatNetBufferDataStart.
func (nd *NDIS) RetreatNetBufferDataStart(nb pool.NB, delta, dataBackfill uint32) pool.Retreat {
	b := nd.b
	if !b.enter() || !b.nbUsable(nb, "NdisRetreatNetBufferDataStart") {
		return pool.RetreatFailed
	}
	r, err := b.pools.RetreatDataStart(nb, delta, dataBackfill)
	b.report(err)
	if b.tracer != nil {
		b.trace(ActorProtocol, "NdisRetreatNetBufferDataStart %s by %d: %s", nb, delta, r)
	}
	return r
}

// AdvanceNetBufferDataStart is NdisAdvanceNetBufferDataStart.
func (nd *NDIS) AdvanceNetBufferDataStart(nb pool.NB, delta uint32) {
	b := nd.b
	if !b.enter() || !b.nbUsable(nb, "NdisAdvanceNetBufferDataStart") {
		return
	}
	if b.tracer != nil {
		b.trace(ActorProtocol, "NdisAdvanceNetBufferDataStart %s by %d", nb, delta)
	}
	b.report(b.pools.AdvanceDataStart(nb, delta))
}

// FirstNB is NET_BUFFER_LIST_FIRST_NB.
func (nd *NDIS) FirstNB(nbl pool.NBL) pool.NB {
	nd.b.enter() // counted, so that a loop over a chain that never shrinks is cut off
	return nd.b.pools.FirstNB(nbl)
}

// NextNB is NET_BUFFER_NEXT_NB.
func (nd *NDIS) NextNB(nb pool.NB) pool.NB {
	nd.b.enter()
	return nd.b.pools.NextNB(nb)
}

// nbUsable checks that the NBL an NB is linked into, if any, is the
// design's to touch.
func (b *Binding) nbUsable(nb pool.NB, call string) bool {
	info, ok := b.pools.NB(nb)
	if !ok || info.NBL.IsNull() {
		return true // the tracker reports a stale or NULL NB itself
	}
	return b.usable(info.NBL, call)
}
