package pool_test

import (
	"errors"
	"fmt"

	"github.com/ndissim/ndissim/pool"
	"github.com/ndissim/ndissim/rule"
)

// A send path as a driver writes it: an NBL pool for the combined call, an
// NBL whose first 64 bytes are left for the stack's backfill, a retreat over
// the protocol's own 14-byte header, and the free.
func ExampleTracker() {
	tr := pool.NewTracker(16) // MEMORY_ALLOCATION_ALIGNMENT on 64-bit Windows
	tag, _ := pool.MakeTag("Prot")
	p, err := tr.AllocateNetBufferListPool(pool.OwnerProtocol, pool.NBLPoolParameters{
		ContextSize: 16, AllocateNetBuffer: true, PoolTag: tag,
	})
	if err != nil || p.IsNull() {
		fmt.Println("no pool:", err)
		return
	}
	nbl, _ := tr.AllocateNetBufferAndNetBufferList(p, 16, 0, 1, 64+14, 1000)
	r, _ := tr.RetreatDataStart(tr.FirstNB(nbl), 14, 0)
	info, _ := tr.NB(tr.FirstNB(nbl))
	fmt.Println(nbl, "retreat", r, "DataOffset", info.DataOffset, "DataLength", info.DataLength)

	if err := tr.FreeNetBufferList(nbl); err != nil {
		fmt.Println(err)
	}
	fmt.Printf("%+v\n", tr.NBLPoolCounters(p))
	// Output:
	// NBL 2 retreat in place DataOffset 64 DataLength 1014
	// {Live:0 Peak:1 Total:1 Freed:1 Failed:0 RetreatAllocations:0}
}

// Every misuse comes back as a finding that names its rule.
func ExampleTracker_FreeNetBufferList() {
	tr := pool.NewTracker(16)
	lp, _ := tr.AllocateNetBufferListPool(pool.OwnerProtocol, pool.NBLPoolParameters{ContextSize: 16})
	bp, _ := tr.AllocateNetBufferPool(pool.OwnerProtocol, pool.NBPoolParameters{})
	nbl, _ := tr.AllocateNetBufferList(lp, 16, 0)
	nb, _ := tr.AllocateNetBuffer(bp, 1, 64, 1000)
	_ = tr.LinkNetBuffer(nbl, nb)

	err := tr.FreeNetBufferList(nbl) // the NB should go first
	var f *rule.Finding
	if errors.As(err, &f) {
		fmt.Println(f.Rule)
		fmt.Println(f.Message)
	}
	// Output:
	// FreeOrderNbBeforeNbl
	// NBL 3 freed while NB 4, allocated separately, is still linked to it; NdisFreeNetBufferList leaves it live and unlinked: free it with NdisFreeNetBuffer, before the NBL as the pages advise, or reuse it
}
