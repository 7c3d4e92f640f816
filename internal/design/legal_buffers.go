package design

import (
	"github.com/ndissim/ndissim/binding"
	"github.com/ndissim/ndissim/oid"
	"github.com/ndissim/ndissim/pool"
	"github.com/ndissim/ndissim/sim"
)

// The legal designs of the buffer rules: ways of handling separately
// allocated NBs that the pages allow, which a checker must not call errors.
// Both start from brokenBase with an NBL pool without NBs and an NB pool
// without data, and change only what they do with the NBs.

// freeNBLThenNB tears a completed send down in allocation order: the NBL,
// then the NB it allocated for it. NdisFreeNetBufferList frees only an NB
// that came with the NBL, so the NB is still live and its NdisFreeNetBuffer
// is legal. The pages advise the other order (a "should"), which is the one
// warning it draws: FreeOrderNbBeforeNbl, once per run.
type freeNBLThenNB struct{ brokenBase }

func (p *freeNBLThenNB) SendNetBufferListsComplete(nd *binding.NDIS, nbl pool.NBL, _ binding.Status, _ binding.SendCompleteFlags) {
	nb := nd.FirstNB(nbl) // read while the NBL is live
	nd.FreeNetBufferList(nbl)
	nd.FreeNetBuffer(nb)
	p.SendDone(nd)
}

// cacheFrame is the data a cached NB describes: a whole frame buffer, kept
// with the NB. (The model does not track the bytes of each write; a real
// driver points the NB's MDL at the write's data.)
const cacheFrame = oid.MaxFrameSize

// nbCache keeps the NBs of its sends for reuse instead of freeing them: each
// send takes an NB from the cache (or allocates one), links it into a fresh
// NBL, and on completion detaches it, frees the NBL and puts the NB back. The
// NdisFreeNetBufferList page allows exactly that ("you can reuse" an NB that
// was not preallocated). The cache is freed at unbind, before the pools.
// The lists are guarded by a spin lock, as send-complete may run at
// DISPATCH_LEVEL on another processor than a write.
type nbCache struct {
	brokenBase
	lock binding.SpinLock
	idle []cachedNB // NBs not in a send
	busy []cachedNB // NBs linked into a send in flight
}

// cachedNB is a cached NB and the data backfill it was allocated with.
type cachedNB struct {
	nb   pool.NB
	room uint32
}

func newNBCache() binding.Protocol { return &nbCache{brokenBase: newBrokenBase(separateBaseConfig())} }

func (p *nbCache) BindAdapter(nd *binding.NDIS, bp oid.BindParameters) binding.Status {
	nd.AllocateSpinLock(&p.lock)
	p.idle, p.busy = p.idle[:0], p.busy[:0]
	return p.brokenBase.BindAdapter(nd, bp)
}

func (p *nbCache) Write(nd *binding.NDIS, _ uint32) {
	if !p.Running() {
		return // the write fails: the binding is not running
	}
	nbl := nd.AllocateNetBufferList(p.NBLPool, brokenCtx, p.ContextBackfill(nd, p.Needs))
	if nbl.IsNull() {
		return
	}
	c, ok := p.take(nd)
	if !ok {
		nd.FreeNetBufferList(nbl)
		return
	}
	nd.LinkNetBuffer(nbl, c.nb)
	nd.RetreatNetBufferDataStart(c.nb, brokenHdr, 0) // in place: the NB has the room
	p.push(nd, &p.busy, c)
	p.Send(nd, nbl)
}

// take is a cached NB with room for the stack's backfill as it is now, or a
// new one. A cached NB made for a smaller stack is freed, not sent: the
// stack below would have to allocate for each of its sends.
func (p *nbCache) take(nd *binding.NDIS) (cachedNB, bool) {
	need := p.Needs.DataBackfill
	for {
		c, ok := p.pop(nd)
		if !ok {
			break
		}
		if c.room >= need {
			return c, true
		}
		nd.FreeNetBuffer(c.nb)
	}
	nb := nd.AllocateNetBuffer(p.NBPool, 1, need+brokenHdr, cacheFrame)
	return cachedNB{nb: nb, room: need}, !nb.IsNull()
}

func (p *nbCache) SendNetBufferListsComplete(nd *binding.NDIS, nbl pool.NBL, _ binding.Status, _ binding.SendCompleteFlags) {
	nb := nd.FirstNB(nbl)
	nd.AdvanceNetBufferDataStart(nb, brokenHdr, false) // back over the header: the NB returns as it came
	nd.UnlinkNetBuffer(nbl, nb)
	nd.FreeNetBufferList(nbl)
	p.recycle(nd, nb)
	p.SendDone(nd)
}

// recycle moves nb from the busy list back to the cache.
func (p *nbCache) recycle(nd *binding.NDIS, nb pool.NB) {
	nd.AcquireSpinLock(&p.lock)
	for i, c := range p.busy {
		if c.nb == nb {
			p.busy = append(p.busy[:i], p.busy[i+1:]...)
			p.idle = append(p.idle, c)
			break
		}
	}
	nd.ReleaseSpinLock(&p.lock)
}

func (p *nbCache) pop(nd *binding.NDIS) (cachedNB, bool) {
	nd.AcquireSpinLock(&p.lock)
	defer nd.ReleaseSpinLock(&p.lock)
	n := len(p.idle)
	if n == 0 {
		return cachedNB{}, false
	}
	c := p.idle[n-1]
	p.idle = p.idle[:n-1]
	return c, true
}

func (p *nbCache) push(nd *binding.NDIS, list *[]cachedNB, c cachedNB) {
	nd.AcquireSpinLock(&p.lock)
	*list = append(*list, c)
	nd.ReleaseSpinLock(&p.lock)
}

// UnbindAdapter frees the cache, then unbinds as the base does. NDIS
// paused the binding first, so every send has completed and every NB is
// back in the cache.
func (p *nbCache) UnbindAdapter(nd *binding.NDIS) binding.Status {
	p.drain(nd)
	return p.brokenBase.UnbindAdapter(nd)
}

// drain frees the cached NBs.
func (p *nbCache) drain(nd *binding.NDIS) {
	for {
		c, ok := p.pop(nd)
		if !ok {
			return
		}
		nd.FreeNetBuffer(c.nb)
	}
}

func init() {
	for _, g := range []sim.GoDesign{
		{
			Name:    "legal-free-nbl-then-nb",
			Summary: "sends built from NdisAllocateNetBufferList and NdisAllocateNetBuffer; send-complete frees the NBL, then the NB (a should, not a must)",
			New:     func() binding.Protocol { return &freeNBLThenNB{newBrokenBase(separateBaseConfig())} },
		},
		{
			Name:    "legal-nb-cache",
			Summary: "a cache of NBs from NdisAllocateNetBuffer: each send links one into a new NBL; send-complete unlinks it, frees the NBL and keeps the NB",
			New:     newNBCache,
		},
	} {
		g.Stack, g.Changes = demoStack, demoChanges()
		sim.MustRegister(g)
	}
}
