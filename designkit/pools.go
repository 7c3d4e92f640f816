package designkit

import (
	"github.com/ndissim/ndissim/binding"
	"github.com/ndissim/ndissim/pool"
)

// Pools are a protocol's pools: an NBL pool for its sends, an NB pool when
// it allocates NBs separately, and an NBL pool for the copies of receives
// it cannot keep (Config.ReceivePool).
type Pools struct {
	NBLPool     pool.NBLPool
	NBPool      pool.NBPool
	ReceivePool pool.NBLPool
}

// FreePools frees whichever pools exist, the NB pool first, and forgets
// them, so that it is safe on every teardown path.
func (s *Pools) FreePools(nd *binding.NDIS) {
	if !s.ReceivePool.IsNull() {
		nd.FreeNetBufferListPool(s.ReceivePool)
		s.ReceivePool = pool.NBLPool{}
	}
	if !s.NBPool.IsNull() {
		nd.FreeNetBufferPool(s.NBPool)
		s.NBPool = pool.NBPool{}
	}
	if !s.NBLPool.IsNull() {
		nd.FreeNetBufferListPool(s.NBLPool)
		s.NBLPool = pool.NBLPool{}
	}
}

// ReleasePools frees the pools at the end of a binding, unless they are
// the driver's (Config.DriverPools).
func (p *Base) ReleasePools(nd *binding.NDIS) {
	if !p.Config.DriverPools {
		p.FreePools(nd)
	}
}

// CreatePools makes the pools the configuration names, the NBL pool's
// context sized for the stack's needs when it bakes them in, for a base
// that has none (at bind, or after FreePools). It reports whether all
// were made; on a failure it leaves none.
func (p *Base) CreatePools(nd *binding.NDIS) bool {
	params := p.Config.NBLPool
	if p.Config.BakeContext {
		params.ContextSize = AlignContext(uint32(params.ContextSize)+uint32(AlignContext(p.Needs.ContextBackfill, nd.MAA())), nd.MAA())
	}
	var nb *pool.NBPoolParameters
	if p.Config.Separate {
		nb = &p.Config.NBPool
	}
	s, ok := NewPools(nd, params, nb, p.Config.ReceivePool)
	if ok {
		p.Pools, p.PoolNeeds = s, p.Needs
	}
	return ok
}

// NewPools makes an NBL pool with nbl, an NB pool with nb and a receive
// pool with recv (nil: none) and returns them, or false and none when an
// allocation fails. It installs nothing, so that a design that rebuilds
// can make the new pools before it frees the old ones and keep those when
// it cannot.
func NewPools(nd *binding.NDIS, nbl pool.NBLPoolParameters, nb *pool.NBPoolParameters, recv *pool.NBLPoolParameters) (Pools, bool) {
	var s Pools
	if s.NBLPool = nd.AllocateNetBufferListPool(nbl); s.NBLPool.IsNull() {
		return s, false
	}
	if nb != nil {
		if s.NBPool = nd.AllocateNetBufferPool(*nb); s.NBPool.IsNull() {
			s.FreePools(nd)
			return s, false
		}
	}
	if recv != nil {
		if s.ReceivePool = nd.AllocateNetBufferListPool(*recv); s.ReceivePool.IsNull() {
			s.FreePools(nd)
			return s, false
		}
	}
	return s, true
}

// Rebuild frees the pools and makes new ones. A restart should always
// succeed: when an allocation fails the driver goes on without pools,
// failing its writes, and tries again at the next restart.
func (p *Base) Rebuild(nd *binding.NDIS) {
	p.FreePools(nd)
	p.CreatePools(nd)
}

// AlignContext rounds a context size up to MEMORY_ALLOCATION_ALIGNMENT, as
// the USHORT context parameters need; a need beyond what a USHORT holds is
// capped (a design can do no better).
func AlignContext(v uint32, maa uint32) uint16 {
	r := (v + maa - 1) / maa * maa
	if r > 0xFFFF-0xF {
		r = 0xFFFF &^ (maa - 1)
	}
	return uint16(r)
}
