package design

import (
	"github.com/ndissim/ndissim/binding"
	"github.com/ndissim/ndissim/pool"
)

// sendPools are a protocol's pools for its sends: an NBL pool, and an NB
// pool when it allocates NBs separately. Designs embed it.
type sendPools struct {
	nblPool pool.NBLPool
	nbPool  pool.NBPool
}

// freePools frees whichever pools exist, the NB pool first, and forgets
// them, so that it is safe on every teardown path.
func (s *sendPools) freePools(nd *binding.NDIS) {
	if !s.nbPool.IsNull() {
		nd.FreeNetBufferPool(s.nbPool)
		s.nbPool = pool.NBPool{}
	}
	if !s.nblPool.IsNull() {
		nd.FreeNetBufferListPool(s.nblPool)
		s.nblPool = pool.NBLPool{}
	}
}
