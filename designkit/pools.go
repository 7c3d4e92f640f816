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
// context sized for the stack's needs when it bakes them in. It reports
// whether both were made; on a failure it leaves none.
func (p *Base) CreatePools(nd *binding.NDIS) bool {
	params := p.Config.NBLPool
	if p.Config.BakeContext {
		params.ContextSize = AlignContext(uint32(params.ContextSize)+uint32(AlignContext(p.Needs.ContextBackfill, nd.MAA())), nd.MAA())
	}
	p.NBLPool = nd.AllocateNetBufferListPool(params)
	if p.NBLPool.IsNull() {
		return false
	}
	if p.Config.Separate {
		p.NBPool = nd.AllocateNetBufferPool(p.Config.NBPool)
		if p.NBPool.IsNull() {
			p.FreePools(nd)
			return false
		}
	}
	if rp := p.Config.ReceivePool; rp != nil {
		p.ReceivePool = nd.AllocateNetBufferListPool(*rp)
		if p.ReceivePool.IsNull() {
			p.FreePools(nd)
			return false
		}
	}
	p.PoolNeeds = p.Needs
	return true
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
