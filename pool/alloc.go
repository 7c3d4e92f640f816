package pool

import "github.com/ndissim/ndissim/rule"

// AllocateNetBufferListPool models NdisAllocateNetBufferListPool. It returns
// a NULL pool and no error when the allocation is made to fail, and a finding
// when the parameters break a rule (no pool is created then).
func (t *Tracker) AllocateNetBufferListPool(owner Owner, p NBLPoolParameters) (NBLPool, error) {
	const call = "NdisAllocateNetBufferListPool"
	if !t.aligned(uint32(p.ContextSize)) {
		return NBLPool{}, finding(rule.PoolContextAlignment, nil,
			"%s: ContextSize %d is not a multiple of MEMORY_ALLOCATION_ALIGNMENT (%d)", call, p.ContextSize, t.maa)
	}
	if p.DataSize > 0 && !p.AllocateNetBuffer {
		return NBLPool{}, finding(rule.PoolDataSizeWithoutNetBuffer, nil,
			"%s: DataSize %d with fAllocateNetBuffer FALSE; a data pool must preallocate its NBs", call, p.DataSize)
	}
	if t.fails(owner, OpNBLPool) {
		return NBLPool{}, nil
	}
	t.touchPool(uint32(len(t.pools)))
	t.pools = append(t.pools, poolSlot{serial: t.next(), isNBL: true, owner: owner, nblp: p})
	t.live[owner].pools++
	i := len(t.pools) - 1
	return NBLPool{uint32(i), t.pools[i].serial}, nil
}

// AllocateNetBufferPool models NdisAllocateNetBufferPool.
func (t *Tracker) AllocateNetBufferPool(owner Owner, p NBPoolParameters) (NBPool, error) {
	if t.fails(owner, OpNBPool) {
		return NBPool{}, nil
	}
	t.touchPool(uint32(len(t.pools)))
	t.pools = append(t.pools, poolSlot{serial: t.next(), owner: owner, nbp: p})
	t.live[owner].pools++
	i := len(t.pools) - 1
	return NBPool{uint32(i), t.pools[i].serial}, nil
}

// AllocateNetBufferAndNetBufferList models the combined call: one NBL with
// exactly one preallocated NB describing mdls MDLs (0 = a NULL chain).
func (t *Tracker) AllocateNetBufferAndNetBufferList(p NBLPool, ctxSize, ctxBackfill, mdls uint16, dataOffset, dataLength uint32) (NBL, error) {
	const call = "NdisAllocateNetBufferAndNetBufferList"
	ps, err := t.nblPool(p, call)
	if err != nil {
		return NBL{}, err
	}
	if !ps.nblp.AllocateNetBuffer || ps.nblp.DataSize != 0 {
		return NBL{}, finding(rule.CombinedAllocNeedsNetBufferPool, []string{p.String()},
			"%s from %s, created with fAllocateNetBuffer %s and DataSize %d; it needs TRUE and 0",
			call, p, boolName(ps.nblp.AllocateNetBuffer), ps.nblp.DataSize)
	}
	if err := t.checkContext(call, ctxSize, ctxBackfill); err != nil {
		return NBL{}, err
	}
	if mdls == 0 && (dataOffset != 0 || dataLength != 0) {
		return NBL{}, finding(rule.NetBufferDataRange, nil,
			"%s: DataOffset %d and DataLength %d with a NULL MDL chain; both must be 0", call, dataOffset, dataLength)
	}
	if t.fails(ps.owner, OpCombined) {
		t.touchPool(p.slot)
		ps.counter.Failed++
		return NBL{}, nil
	}
	l := t.allocNBL(ps, p.slot, ctxSize, ctxBackfill)
	t.attachPrealloc(l, p.slot, mdls, dataOffset, dataLength)
	return t.nblHandle(l), nil
}

// AllocateNetBufferList models NdisAllocateNetBufferList. From a pool with
// fAllocateNetBuffer the NBL comes with one NB (and, on a data pool, an MDL
// and DataSize bytes of data, all of it in use: DataOffset 0).
func (t *Tracker) AllocateNetBufferList(p NBLPool, ctxSize, ctxBackfill uint16) (NBL, error) {
	const call = "NdisAllocateNetBufferList"
	ps, err := t.nblPool(p, call)
	if err != nil {
		return NBL{}, err
	}
	if err := t.checkContext(call, ctxSize, ctxBackfill); err != nil {
		return NBL{}, err
	}
	if t.fails(ps.owner, OpNBL) {
		t.touchPool(p.slot)
		ps.counter.Failed++
		return NBL{}, nil
	}
	l := t.allocNBL(ps, p.slot, ctxSize, ctxBackfill)
	if ps.nblp.AllocateNetBuffer {
		var mdls uint16
		if ps.nblp.DataSize > 0 {
			mdls = 1
		}
		t.attachPrealloc(l, p.slot, mdls, 0, ps.nblp.DataSize)
	}
	return t.nblHandle(l), nil
}

// AllocateNetBuffer models NdisAllocateNetBuffer: an NB over the caller's
// MDL chain, from a pool without data.
func (t *Tracker) AllocateNetBuffer(p NBPool, mdls uint16, dataOffset, dataLength uint32) (NB, error) {
	const call = "NdisAllocateNetBuffer"
	ps, err := t.nbPool(p, call)
	if err != nil {
		return NB{}, err
	}
	if ps.nbp.DataSize != 0 {
		return NB{}, finding(rule.AllocNetBufferOnDataPool, []string{p.String()},
			"%s from %s, whose DataSize is %d; a data pool serves only NdisAllocateNetBufferMdlAndData",
			call, p, ps.nbp.DataSize)
	}
	if mdls == 0 && (dataOffset != 0 || dataLength != 0) {
		return NB{}, finding(rule.NetBufferDataRange, nil,
			"%s: DataOffset %d and DataLength %d with a NULL MDL chain; both must be 0", call, dataOffset, dataLength)
	}
	if t.fails(ps.owner, OpNB) {
		t.touchPool(p.slot)
		ps.counter.Failed++
		return NB{}, nil
	}
	return t.nbHandle(t.allocNB(ps, p.slot, mdls, dataOffset, dataLength)), nil
}

// AllocateNetBufferMdlAndData models NdisAllocateNetBufferMdlAndData: an NB
// with its own MDL and DataSize bytes from a data pool. The pool's DataSize
// is the size of that data, so a pool without one cannot serve the call.
func (t *Tracker) AllocateNetBufferMdlAndData(p NBPool) (NB, error) {
	const call = "NdisAllocateNetBufferMdlAndData"
	ps, err := t.nbPool(p, call)
	if err != nil {
		return NB{}, err
	}
	if ps.nbp.DataSize == 0 {
		return NB{}, finding(rule.MdlAndDataNeedsDataPool, []string{p.String()},
			"%s from %s, whose DataSize is 0; the pool must be created with the size of the data it preallocates",
			call, p)
	}
	if t.fails(ps.owner, OpNB) {
		t.touchPool(p.slot)
		ps.counter.Failed++
		return NB{}, nil
	}
	return t.nbHandle(t.allocNB(ps, p.slot, 1, 0, ps.nbp.DataSize)), nil
}

func (t *Tracker) checkContext(call string, size, backfill uint16) error {
	if t.aligned(uint32(size)) && t.aligned(uint32(backfill)) {
		return nil
	}
	return finding(rule.NblContextAlignment, nil,
		"%s: ContextSize %d and ContextBackFill %d must both be multiples of MEMORY_ALLOCATION_ALIGNMENT (%d)",
		call, size, backfill, t.maa)
}

func (t *Tracker) allocNBL(ps *poolSlot, pool uint32, ctxSize, ctxBackfill uint16) int32 {
	i := t.newNBL()
	t.touchNBL(i)
	t.nbls[i] = nblSlot{
		serial: t.next(), pool: pool, ctxSize: ctxSize, ctxBackfill: ctxBackfill,
		holder: HeldByProtocol, firstNB: none, lastNB: none, pre: none, nextFree: none,
	}
	if ps.owner == OwnerMiniport {
		t.nbls[i].holder = HeldByMiniport
	}
	t.touchPool(pool)
	ps.counter.allocated()
	t.live[ps.owner].nbls++
	return i
}

func (t *Tracker) allocNB(ps *poolSlot, pool uint32, mdls uint16, off, length uint32) int32 {
	i := t.newNB()
	t.touchNB(i)
	t.nbs[i] = nbSlot{
		serial: t.next(), pool: pool, nbl: none, next: none, nextFree: none,
		mdls: mdls, dataOffset: off, dataLength: length,
	}
	t.touchPool(pool)
	ps.counter.allocated()
	t.live[ps.owner].nbs++
	return i
}

// attachPrealloc gives NBL l the NB that comes with it. The NB is counted
// with the NBL, not as a separate allocation of the pool.
func (t *Tracker) attachPrealloc(l int32, pool uint32, mdls uint16, off, length uint32) {
	i := t.newNB()
	t.touchNB(i)
	t.nbs[i] = nbSlot{
		serial: t.next(), pool: pool, prealloc: true, nbl: l, next: none, nextFree: none,
		mdls: mdls, dataOffset: off, dataLength: length,
	}
	t.touchNBL(l) // allocNBL touched it; this keeps attachPrealloc right on its own
	n := &t.nbls[l]
	n.firstNB, n.lastNB, n.pre, n.nbCount = i, i, i, 1
}

func (c *Counters) allocated() {
	c.Live++
	c.Total++
	if c.Live > c.Peak {
		c.Peak = c.Live
	}
}

func boolName(b bool) string {
	if b {
		return "TRUE"
	}
	return "FALSE"
}
