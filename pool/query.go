package pool

// The queries below read the tracker's state for the binding's rule checks,
// for the simulator's traces and for tests. They never change anything.

// NBLInfo is what a driver could read from a live NBL.
type NBLInfo struct {
	Pool            NBLPool
	Owner           Owner
	Holder          Holder
	ContextSize     uint16
	ContextBackFill uint16
	NetBuffers      int
}

// NBInfo is what a driver could read from a live NB.
type NBInfo struct {
	NBL          NBL // the NBL it is linked into, or NULL
	Preallocated bool
	MDLs         uint16
	DataOffset   uint32
	DataLength   uint32
	// RetreatBytes is memory allocating retreats attached and no advance
	// has released yet; the NB must not be freed while it is not 0.
	RetreatBytes uint32
}

// LiveNBL reports whether l names a live NBL.
func (t *Tracker) LiveNBL(l NBL) bool {
	return l.serial != 0 && int(l.slot) < len(t.nbls) && t.nbls[l.slot].serial == l.serial
}

// LiveNB reports whether b names a live NB.
func (t *Tracker) LiveNB(b NB) bool {
	return b.serial != 0 && int(b.slot) < len(t.nbs) && t.nbs[b.slot].serial == b.serial
}

// NBL describes a live NBL; ok is false for a NULL or stale handle.
func (t *Tracker) NBL(l NBL) (info NBLInfo, ok bool) {
	if !t.LiveNBL(l) {
		return NBLInfo{}, false
	}
	n := &t.nbls[l.slot]
	p := &t.pools[n.pool]
	return NBLInfo{
		Pool: NBLPool{n.pool, p.serial}, Owner: p.owner, Holder: n.holder,
		ContextSize: n.ctxSize, ContextBackFill: n.ctxBackfill, NetBuffers: int(n.nbCount),
	}, true
}

// NB describes a live NB; ok is false for a NULL or stale handle.
func (t *Tracker) NB(b NB) (info NBInfo, ok bool) {
	if !t.LiveNB(b) {
		return NBInfo{}, false
	}
	s := &t.nbs[b.slot]
	info = NBInfo{
		Preallocated: s.prealloc, MDLs: s.mdls, DataOffset: s.dataOffset, DataLength: s.dataLength,
		RetreatBytes: s.retreatBytes,
	}
	if s.nbl != none {
		info.NBL = t.nblHandle(s.nbl)
	}
	return info, true
}

// Holder says who holds a live NBL (HeldByProtocol for a stale handle; check
// LiveNBL first).
func (t *Tracker) Holder(l NBL) Holder {
	if !t.LiveNBL(l) {
		return HeldByProtocol
	}
	return t.nbls[l.slot].holder
}

// SetHolder records who holds a live NBL now. It does nothing for a stale handle.
func (t *Tracker) SetHolder(l NBL, h Holder) {
	if t.LiveNBL(l) {
		t.touchNBL(int32(l.slot))
		t.nbls[l.slot].holder = h
	}
}

// SetSourceHandle records that the driver set a live NBL's SourceHandle
// to its binding handle. A new NBL has none.
func (t *Tracker) SetSourceHandle(l NBL) {
	if t.LiveNBL(l) {
		t.touchNBL(int32(l.slot))
		t.nbls[l.slot].source = true
	}
}

// SourceHandle reports whether a live NBL's SourceHandle was set.
func (t *Tracker) SourceHandle(l NBL) bool {
	return t.LiveNBL(l) && t.nbls[l.slot].source
}

// Owner is the owner of the pool a live NBL came from (0 for a stale handle).
func (t *Tracker) Owner(l NBL) Owner {
	if !t.LiveNBL(l) {
		return 0
	}
	return t.pools[t.nbls[l.slot].pool].owner
}

// FirstNB is the first NB of a live NBL, or NULL; NULL too for a stale
// handle. It is the simulator's own read; a driver's is FirstNetBuffer.
func (t *Tracker) FirstNB(l NBL) NB {
	if !t.LiveNBL(l) || t.nbls[l.slot].firstNB == none {
		return NB{}
	}
	return t.nbHandle(t.nbls[l.slot].firstNB)
}

// NextNB is the NB after b in its NBL, or NULL; NULL too for a stale
// handle. It is the simulator's own read; a driver's is NextNetBuffer.
func (t *Tracker) NextNB(b NB) NB {
	if !t.LiveNB(b) || t.nbs[b.slot].next == none {
		return NB{}
	}
	return t.nbHandle(t.nbs[b.slot].next)
}

// FirstNetBuffer is a driver reading NET_BUFFER_LIST_FIRST_NB: on a NULL
// or freed NBL that read is itself the bug (AllocationFailureIgnored,
// UseAfterFree), not a NULL that ends a loop quietly.
func (t *Tracker) FirstNetBuffer(l NBL) (NB, error) {
	if _, err := t.nbl(l, "NET_BUFFER_LIST_FIRST_NB", false); err != nil {
		return NB{}, err
	}
	return t.FirstNB(l), nil
}

// NextNetBuffer is a driver reading NET_BUFFER_NEXT_NB, checked as
// FirstNetBuffer is.
func (t *Tracker) NextNetBuffer(b NB) (NB, error) {
	if _, err := t.nb(b, "NET_BUFFER_NEXT_NB", false); err != nil {
		return NB{}, err
	}
	return t.NextNB(b), nil
}

// ContextHeadroom is the context space in front of the NBL's own context
// that lower layers can use without NDIS allocating: the ContextBackFill the
// protocol asked for, plus whatever the pool's ContextSize preallocated beyond
// the ContextSize the protocol uses.
func (t *Tracker) ContextHeadroom(l NBL) uint32 {
	if !t.LiveNBL(l) {
		return 0
	}
	n := &t.nbls[l.slot]
	room := uint32(n.ctxBackfill)
	if pc := t.pools[n.pool].nblp.ContextSize; pc > n.ctxSize {
		room += uint32(pc - n.ctxSize)
	}
	return room
}

// NBLPoolParameters returns the parameters a live or freed NBL pool was
// created with.
func (t *Tracker) NBLPoolParameters(p NBLPool) (NBLPoolParameters, bool) {
	if p.serial == 0 || int(p.slot) >= len(t.pools) || t.pools[p.slot].serial != p.serial {
		return NBLPoolParameters{}, false
	}
	return t.pools[p.slot].nblp, true
}

// NBLPoolCounters returns an NBL pool's counters (freed pools keep theirs).
func (t *Tracker) NBLPoolCounters(p NBLPool) Counters {
	if p.serial == 0 || int(p.slot) >= len(t.pools) || t.pools[p.slot].serial != p.serial {
		return Counters{}
	}
	return t.pools[p.slot].counter
}

// NBPoolCounters returns an NB pool's counters.
func (t *Tracker) NBPoolCounters(p NBPool) Counters {
	if p.serial == 0 || int(p.slot) >= len(t.pools) || t.pools[p.slot].serial != p.serial {
		return Counters{}
	}
	return t.pools[p.slot].counter
}

// Totals sums the counters of every pool of an owner, freed pools included.
func (t *Tracker) Totals(o Owner) Counters {
	var c Counters
	for i := range t.pools {
		if p := &t.pools[i]; p.owner == o {
			c.Live += p.counter.Live
			c.Total += p.counter.Total
			c.Freed += p.counter.Freed
			c.Failed += p.counter.Failed
			c.RetreatAllocations += p.counter.RetreatAllocations
			c.Peak = max(c.Peak, p.counter.Peak)
		}
	}
	return c
}

// Live is how many pools, NBLs and separately allocated NBs an owner holds.
// NBs that came with their NBL count with the NBL.
type Live struct{ Pools, NBLs, NBs int }

// LiveCount reports what an owner holds right now, in constant time.
func (t *Tracker) LiveCount(o Owner) Live {
	c := t.live[o]
	return Live{Pools: c.pools, NBLs: c.nbls, NBs: c.nbs}
}

// LiveObjects names up to max pools and structures an owner still holds, for
// a leak report.
func (t *Tracker) LiveObjects(o Owner, max int) []string {
	var out []string
	for i := range t.pools {
		if p := &t.pools[i]; p.owner == o && !p.freed && len(out) < max {
			if p.isNBL {
				out = append(out, NBLPool{uint32(i), p.serial}.String())
			} else {
				out = append(out, NBPool{uint32(i), p.serial}.String())
			}
		}
	}
	for i := range t.nbls {
		if n := &t.nbls[i]; n.serial != 0 && t.pools[n.pool].owner == o && len(out) < max {
			out = append(out, t.nblHandle(int32(i)).String())
		}
	}
	for i := range t.nbs {
		if b := &t.nbs[i]; b.serial != 0 && !b.prealloc && t.pools[b.pool].owner == o && len(out) < max {
			out = append(out, t.nbHandle(int32(i)).String())
		}
	}
	return out
}

// RetreatAllocations counts every retreat that had to allocate.
func (t *Tracker) RetreatAllocations() uint64 { return t.retreatAllocations }
