package binding

import (
	"github.com/ndissim/ndissim/fsm"
	"github.com/ndissim/ndissim/pool"
	"github.com/ndissim/ndissim/rule"
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

// FreeNetBufferPool is NdisFreeNetBufferPool. Live NBs make it a warning
// (NbPoolFreedWithOutstanding), not an error: the pool goes, they stay.
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

// FreeNetBuffer is NdisFreeNetBuffer. The NB's pool may have been freed
// already (NbPoolFreedWithOutstanding): the NB is still the design's to free.
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

// FreeNetBufferList is NdisFreeNetBufferList. NBs the design allocated with
// NdisAllocateNetBuffer and left linked stay live (FreeOrderNbBeforeNbl):
// the design still frees or reuses them, or they leak.
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

// UnlinkNetBuffer takes nb out of nbl's chain, as a driver does by
// rewriting NET_BUFFER_LIST_FIRST_NB or the previous NB's
// NET_BUFFER_NEXT_NB (NDIS has no call for it): the way to detach an NB
// from an NBL it is about to free and keep the NB, in a cache for example.
// The NBL must be the design's to touch, as for LinkNetBuffer.
func (nd *NDIS) UnlinkNetBuffer(nbl pool.NBL, nb pool.NB) {
	b := nd.b
	if !b.enter() {
		return
	}
	if b.tracer != nil {
		b.trace(ActorProtocol, "unlink %s from %s", nb, nbl)
	}
	if b.pools.LiveNBL(nbl) && !b.usable(nbl, "unlink NB from NBL") {
		return
	}
	b.report(b.pools.UnlinkNetBuffer(nbl, nb))
}

// RetreatNetBufferDataStart is NdisRetreatNetBufferDataStart. A retreat
// that does not fit the NB's unused data space makes NDIS allocate an MDL
// and memory, which stay on the NB until an advance with FreeMdl releases
// them (AdvanceNetBufferDataStart).
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

// AdvanceNetBufferDataStart is NdisAdvanceNetBufferDataStart. freeMdl is
// its FreeMdl: TRUE releases the memory an allocating retreat attached once
// the data start has left it; FALSE keeps it for the next retreat (and the
// NB may not be freed while it is there). Within the NB's own data either
// does the same.
//
// The release is where RetreatAllocates is reported: it closes one
// allocate-and-free cycle the protocol's own retreat cost NDIS. Reported
// there rather than at the retreat, the warning stays apart from the error
// of a design that frees the NB without the release (RetreatMemoryNotReleased,
// which it then draws alone), and spares a design that allocates once and
// keeps reusing the memory in place.
func (nd *NDIS) AdvanceNetBufferDataStart(nb pool.NB, delta uint32, freeMdl bool) {
	b := nd.b
	if !b.enter() || !b.nbUsable(nb, "NdisAdvanceNetBufferDataStart") {
		return
	}
	if b.tracer != nil {
		b.trace(ActorProtocol, "NdisAdvanceNetBufferDataStart %s by %d FreeMdl=%s", nb, delta, pick(freeMdl, "TRUE", "FALSE"))
	}
	before, _ := b.pools.NB(nb)
	if err := b.pools.AdvanceDataStart(nb, delta, freeMdl); err != nil {
		b.report(err)
		return
	}
	if after, _ := b.pools.NB(nb); before.RetreatBytes > 0 && after.RetreatBytes == 0 && !b.warned[rule.RetreatAllocates] {
		b.fail(rule.RetreatAllocates, []string{nb.String()},
			"NdisAdvanceNetBufferDataStart on %s releases the %d bytes NDIS allocated because the protocol's own retreat on it "+
				"overran its unused data space; allocate the NB with room for the header and the stack's backfill, and each send saves an allocation",
			nb, before.RetreatBytes)
	}
}

// FirstNB is NET_BUFFER_LIST_FIRST_NB. Reading it from a freed NBL is
// UseAfterFree and from NULL AllocationFailureIgnored, as every other touch
// is; it never quietly ends a chain walk with NULL.
func (nd *NDIS) FirstNB(nbl pool.NBL) pool.NB {
	b := nd.b
	if !b.enter() { // counted, so that a loop over a chain that never shrinks is cut off
		return pool.NB{}
	}
	if !b.pools.LiveNBL(nbl) {
		b.usable(nbl, "NET_BUFFER_LIST_FIRST_NB") // reports why: NULL, freed, or a RESOURCES indication kept
		return pool.NB{}
	}
	return b.pools.FirstNB(nbl)
}

// NextNB is NET_BUFFER_NEXT_NB, checked as FirstNB is.
func (nd *NDIS) NextNB(nb pool.NB) pool.NB {
	b := nd.b
	if !b.enter() {
		return pool.NB{}
	}
	next, err := b.pools.NextNetBuffer(nb)
	b.report(err)
	return next
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
