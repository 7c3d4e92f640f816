package pool_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/ndissim/ndissim/pool"
	"github.com/ndissim/ndissim/rule"
)

// The rules of the second round, each broken and kept beside each other as
// in ruleCases. Sources: the nblapi pages for NdisAllocateNetBufferPool,
// NdisAllocateNetBufferMdlAndData, NdisFreeNetBufferPool,
// NdisRetreatNetBufferDataStart and NdisAdvanceNetBufferDataStart.
var fidelityCases = []struct {
	rule          rule.Name
	name          string
	broken, legal func(tr *pool.Tracker) error
}{
	{rule.MdlAndDataNeedsDataPool, "NdisAllocateNetBufferMdlAndData on a pool without DataSize",
		func(tr *pool.Tracker) error {
			p, _ := tr.AllocateNetBufferPool(pool.OwnerProtocol, pool.NBPoolParameters{})
			_, err := tr.AllocateNetBufferMdlAndData(p)
			return err
		},
		func(tr *pool.Tracker) error {
			p, _ := tr.AllocateNetBufferPool(pool.OwnerProtocol, pool.NBPoolParameters{DataSize: 1514})
			_, err := tr.AllocateNetBufferMdlAndData(p)
			return err
		}},
	{rule.RetreatMemoryNotReleased, "NB freed with its retreat memory",
		func(tr *pool.Tracker) error {
			_, b := separateRetreated(tr)
			_ = tr.AdvanceDataStart(b, 14, false) // NDIS keeps the MDL for the next retreat
			return tr.FreeNetBuffer(b)
		},
		func(tr *pool.Tracker) error {
			_, b := separateRetreated(tr)
			_ = tr.AdvanceDataStart(b, 14, true)
			return tr.FreeNetBuffer(b)
		}},
	{rule.RetreatMemoryNotReleased, "NBL freed with retreat memory on its own NB",
		func(tr *pool.Tracker) error {
			l := combined(tr) // DataOffset 0
			_, _ = tr.RetreatDataStart(tr.FirstNB(l), 14, 0)
			return tr.FreeNetBufferList(l)
		},
		func(tr *pool.Tracker) error {
			l := combined(tr)
			_, _ = tr.RetreatDataStart(tr.FirstNB(l), 14, 0)
			_ = tr.AdvanceDataStart(tr.FirstNB(l), 14, true)
			return tr.FreeNetBufferList(l)
		}},
	{rule.NbPoolFreedWithOutstanding, "NB pool freed with an NB the NBL free left live",
		func(tr *pool.Tracker) error {
			l, _, bp := separateFrom(tr)
			_ = tr.FreeNetBufferList(l) // FreeOrderNbBeforeNbl; the NB stays
			return tr.FreeNetBufferPool(bp)
		},
		func(tr *pool.Tracker) error {
			l, b, bp := separateFrom(tr)
			_ = tr.FreeNetBufferList(l)
			_ = tr.FreeNetBuffer(b)
			return tr.FreeNetBufferPool(bp)
		}},
	{rule.UseAfterFree, "NET_BUFFER_LIST_FIRST_NB of a freed NBL",
		func(tr *pool.Tracker) error {
			l := combined(tr)
			_ = tr.FreeNetBufferList(l)
			_, err := tr.FirstNetBuffer(l)
			return err
		},
		func(tr *pool.Tracker) error {
			l := combined(tr)
			_, err := tr.FirstNetBuffer(l)
			return err
		}},
	{rule.UseAfterFree, "NET_BUFFER_NEXT_NB of a freed NB",
		func(tr *pool.Tracker) error {
			_, b := separate(tr)
			_ = tr.FreeNetBuffer(b)
			_, err := tr.NextNetBuffer(b)
			return err
		},
		func(tr *pool.Tracker) error {
			_, b := separate(tr)
			_, err := tr.NextNetBuffer(b)
			return err
		}},
	{rule.AllocationFailureIgnored, "NET_BUFFER_LIST_FIRST_NB of a NULL NBL",
		func(tr *pool.Tracker) error {
			_, err := tr.FirstNetBuffer(pool.NBL{})
			return err
		},
		func(tr *pool.Tracker) error {
			_, err := tr.FirstNetBuffer(combined(tr))
			return err
		}},
	{rule.NetBufferLinkedTwice, "NB unlinked from an NBL it is not in",
		func(tr *pool.Tracker) error {
			_, b := separate(tr)
			return tr.UnlinkNetBuffer(combined(tr), b)
		},
		func(tr *pool.Tracker) error {
			l, b := separate(tr)
			return tr.UnlinkNetBuffer(l, b)
		}},
	{rule.NetBufferLinkedTwice, "NB unlinked twice",
		func(tr *pool.Tracker) error {
			l, b := separate(tr)
			_ = tr.UnlinkNetBuffer(l, b)
			return tr.UnlinkNetBuffer(l, b)
		},
		func(tr *pool.Tracker) error {
			l, b := separate(tr)
			_ = tr.UnlinkNetBuffer(l, b)
			return tr.LinkNetBuffer(l, b)
		}},
	{rule.UseAfterFree, "NB unlinked from a freed NBL",
		func(tr *pool.Tracker) error {
			l, b := separate(tr)
			_ = tr.FreeNetBufferList(l)
			return tr.UnlinkNetBuffer(l, b)
		},
		func(tr *pool.Tracker) error {
			l, b := separate(tr)
			if err := tr.UnlinkNetBuffer(l, b); err != nil {
				return err
			}
			return tr.FreeNetBufferList(l)
		}},
}

func TestEverySecondRoundRuleBreaksAndHolds(t *testing.T) {
	for _, c := range fidelityCases {
		t.Run(string(c.rule)+"/"+c.name, func(t *testing.T) {
			tr := pool.NewTracker(16)
			requireRule(t, c.broken(tr), c.rule)
			require.NoError(t, tr.Audit())
			tr = pool.NewTracker(16)
			require.NoError(t, c.legal(tr), "legal neighbour of %s", c.rule)
			require.NoError(t, tr.Audit())
		})
	}
}

// separateRetreated is separate with an NB whose 32 bytes of unused space
// are too few for a 14-byte header on top of a retreat of 32: the second
// retreat allocates 14 bytes.
func separateRetreated(tr *pool.Tracker) (pool.NBL, pool.NB) {
	l, b := separate(tr)
	if r, err := tr.RetreatDataStart(b, 32, 0); r != pool.RetreatInPlace || err != nil {
		panic("the first retreat fits")
	}
	if r, err := tr.RetreatDataStart(b, 14, 0); r != pool.RetreatAllocated || err != nil {
		panic("the second retreat allocates")
	}
	if err := tr.UnlinkNetBuffer(l, b); err != nil {
		panic(err)
	}
	return l, b
}

// separateFrom is separate that also returns the NB pool.
func separateFrom(tr *pool.Tracker) (pool.NBL, pool.NB, pool.NBPool) {
	lp, _ := tr.AllocateNetBufferListPool(pool.OwnerProtocol, listPool)
	bp, _ := tr.AllocateNetBufferPool(pool.OwnerProtocol, pool.NBPoolParameters{})
	l, _ := tr.AllocateNetBufferList(lp, 16, 0)
	b, _ := tr.AllocateNetBuffer(bp, 1, 32, 64)
	if err := tr.LinkNetBuffer(l, b); err != nil {
		panic(err)
	}
	return l, b, bp
}

// NdisFreeNetBufferList frees only the NB that came with the NBL. An NB
// from NdisAllocateNetBuffer left linked stays live, unlinked, reusable; and
// one never freed is a leak the unbind check sees.
func TestFreeNBLFirstLeavesItsNBLiveAndReusable(t *testing.T) {
	tr := pool.NewTracker(16)
	l, b, _ := separateFrom(tr)
	requireRule(t, tr.FreeNetBufferList(l), rule.FreeOrderNbBeforeNbl)
	info, ok := tr.NB(b)
	require.True(t, ok, "the NB outlives its NBL")
	require.True(t, info.NBL.IsNull(), "and is in no chain")
	require.Equal(t, pool.Live{Pools: 2, NBs: 1}, tr.LiveCount(pool.OwnerProtocol))
	require.Contains(t, tr.LiveObjects(pool.OwnerProtocol, 10), b.String(), "a leak if never freed")

	again := combined(tr)
	require.NoError(t, tr.LinkNetBuffer(again, b), "reused in another NBL")
	require.Equal(t, again, mustNB(t, tr, b).NBL)
	require.NoError(t, tr.FreeNetBuffer(b))
	require.NoError(t, tr.FreeNetBufferList(again))
	require.Zero(t, tr.LiveCount(pool.OwnerProtocol).NBs)
	require.NoError(t, tr.Audit())
}

// Every separately allocated NB of the chain is left, and the warning
// counts them.
func TestFreeNBLFirstLeavesEveryNB(t *testing.T) {
	tr := pool.NewTracker(16)
	l, b1, bp := separateFrom(tr)
	b2, _ := tr.AllocateNetBuffer(bp, 1, 0, 10)
	require.NoError(t, tr.LinkNetBuffer(l, b2))
	err := tr.FreeNetBufferList(l)
	requireRule(t, err, rule.FreeOrderNbBeforeNbl)
	require.Contains(t, err.Error(), "(and 1 more)")
	require.True(t, tr.LiveNB(b1))
	require.True(t, tr.LiveNB(b2))
	require.NoError(t, tr.FreeNetBuffer(b1))
	require.NoError(t, tr.FreeNetBuffer(b2))
	require.NoError(t, tr.Audit())
}

// An NB pool freed early is freed (its page says "should"); its live NBs
// stay valid and are freed later without PoolUseAfterFree, while the pool
// itself serves nothing more.
func TestNBPoolFreedEarlyKeepsItsNBs(t *testing.T) {
	tr := pool.NewTracker(16)
	bp, _ := tr.AllocateNetBufferPool(pool.OwnerProtocol, pool.NBPoolParameters{})
	b, _ := tr.AllocateNetBuffer(bp, 1, 0, 10)
	err := tr.FreeNetBufferPool(bp)
	requireRule(t, err, rule.NbPoolFreedWithOutstanding)
	require.Contains(t, err.Error(), b.String())
	require.Equal(t, pool.Live{NBs: 1}, tr.LiveCount(pool.OwnerProtocol))

	l := combined(tr)
	require.NoError(t, tr.LinkNetBuffer(l, b), "the NB is still usable")
	require.NoError(t, tr.UnlinkNetBuffer(l, b))
	require.NoError(t, tr.FreeNetBuffer(b), "and freed without PoolUseAfterFree")
	require.Equal(t, pool.Counters{Peak: 1, Total: 1, Freed: 1}, tr.NBPoolCounters(bp))

	_, err = tr.AllocateNetBuffer(bp, 1, 0, 10)
	requireRule(t, err, rule.PoolUseAfterFree)
	requireRule(t, tr.FreeNetBufferPool(bp), rule.PoolUseAfterFree)
	require.NoError(t, tr.Audit())
}

// The NBL pool keeps its "must": freeing it with an NBL live changes nothing.
func TestNBLPoolFreedEarlyStays(t *testing.T) {
	tr := pool.NewTracker(16)
	p, _ := tr.AllocateNetBufferListPool(pool.OwnerProtocol, sendPool)
	l, _ := tr.AllocateNetBufferList(p, 0, 0)
	requireRule(t, tr.FreeNetBufferListPool(p), rule.PoolFreedWithOutstanding)
	_, err := tr.AllocateNetBufferList(p, 0, 0)
	require.NoError(t, err, "the pool is still there")
	require.True(t, tr.LiveNBL(l))
}

// An allocating retreat attaches memory; only an advance with FreeMdl TRUE
// that leaves it behind releases it. FreeMdl FALSE keeps the MDL, and the
// next retreat fits in it without allocating.
func TestRetreatMemoryLifecycle(t *testing.T) {
	tr := pool.NewTracker(16)
	l := combined(tr) // one NB, DataOffset 0, DataLength 64
	b := tr.FirstNB(l)

	r, err := tr.RetreatDataStart(b, 14, 16)
	require.NoError(t, err)
	require.Equal(t, pool.RetreatAllocated, r)
	require.Equal(t, pool.NBInfo{NBL: l, Preallocated: true, MDLs: 2, DataOffset: 16, DataLength: 78, RetreatBytes: 30}, mustNB(t, tr, b))

	require.NoError(t, tr.AdvanceDataStart(b, 14, false))
	require.EqualValues(t, 30, mustNB(t, tr, b).RetreatBytes, "FreeMdl FALSE keeps the MDL")
	requireRule(t, tr.FreeNetBufferList(l), rule.RetreatMemoryNotReleased)
	require.True(t, tr.LiveNBL(l), "an error changes nothing")

	r, _ = tr.RetreatDataStart(b, 14, 0)
	require.Equal(t, pool.RetreatInPlace, r, "the kept MDL has room")
	require.EqualValues(t, 1, tr.RetreatAllocations())

	require.NoError(t, tr.AdvanceDataStart(b, 10, true))
	require.EqualValues(t, 30, mustNB(t, tr, b).RetreatBytes, "the data start is still inside the MDL")
	require.NoError(t, tr.AdvanceDataStart(b, 4, true))
	require.Equal(t, pool.NBInfo{NBL: l, Preallocated: true, MDLs: 1, DataOffset: 0, DataLength: 64}, mustNB(t, tr, b))
	require.NoError(t, tr.FreeNetBufferList(l))
	require.NoError(t, tr.Audit())
}

// Retreat memory that holds no data falls out of the chain when a later
// retreat allocates again: only the new MDL is the NB's to release.
func TestStackedRetreats(t *testing.T) {
	tr := pool.NewTracker(16)
	_, b := separate(tr)                 // DataOffset 32
	_, _ = tr.RetreatDataStart(b, 40, 8) // allocates 48, DataOffset 8
	require.EqualValues(t, 48, mustNB(t, tr, b).RetreatBytes)
	_, _ = tr.RetreatDataStart(b, 20, 0) // allocates 20 more; 40 bytes of the first stay in the chain
	info := mustNB(t, tr, b)
	require.EqualValues(t, 60, info.RetreatBytes)
	require.EqualValues(t, 3, info.MDLs)
	require.NoError(t, tr.AdvanceDataStart(b, 60, true))
	info = mustNB(t, tr, b)
	require.Zero(t, info.RetreatBytes)
	require.EqualValues(t, 1, info.MDLs)
	require.EqualValues(t, 64, info.DataLength)
	require.NoError(t, tr.Audit())

	_, _ = tr.RetreatDataStart(b, 40, 0) // allocates 40
	require.NoError(t, tr.AdvanceDataStart(b, 40, false))
	_, _ = tr.RetreatDataStart(b, 50, 0) // past the kept 40: they fall out, 50 are new
	info = mustNB(t, tr, b)
	require.EqualValues(t, 50, info.RetreatBytes)
	require.EqualValues(t, 2, info.MDLs)
	require.NoError(t, tr.Audit())
}

// Detach, free the NBL, keep the NB: what an NB cache does. No warning, as
// nothing separately allocated is left in the chain.
func TestUnlinkThenFreeNBLKeepsTheNB(t *testing.T) {
	tr := pool.NewTracker(16)
	l, b, _ := separateFrom(tr)
	require.NoError(t, tr.UnlinkNetBuffer(l, b))
	require.NoError(t, tr.FreeNetBufferList(l))
	require.True(t, tr.LiveNB(b))
	again := combined(tr)
	require.NoError(t, tr.LinkNetBuffer(again, b))
	require.Equal(t, 2, mustNBL(t, tr, again).NetBuffers)
	first := tr.FirstNB(again)
	require.Equal(t, b, tr.NextNB(first))
	require.NoError(t, tr.UnlinkNetBuffer(again, first), "the head of the chain")
	require.Equal(t, b, tr.FirstNB(again))
	require.NoError(t, tr.Audit())
}

// The NB that came with an NBL is part of it: detached, it still goes when
// its NBL is freed, out of whatever chain it was moved to.
func TestPreallocatedNBGoesWithItsNBLWherever(t *testing.T) {
	tr := pool.NewTracker(16)
	home, other := combined(tr), combined(tr)
	pre := tr.FirstNB(home)
	require.NoError(t, tr.UnlinkNetBuffer(home, pre))
	require.NoError(t, tr.LinkNetBuffer(other, pre))
	requireRule(t, tr.FreeNetBuffer(pre), rule.FreePreallocatedNb)
	require.NoError(t, tr.FreeNetBufferList(other), "another NBL's NB is only detached")
	require.True(t, tr.LiveNB(pre))
	require.NoError(t, tr.LinkNetBuffer(combined(tr), pre))
	require.NoError(t, tr.FreeNetBufferList(home))
	require.False(t, tr.LiveNB(pre))
	require.NoError(t, tr.Audit())
}

func mustNB(t *testing.T, tr *pool.Tracker, b pool.NB) pool.NBInfo {
	t.Helper()
	info, ok := tr.NB(b)
	require.True(t, ok, "%s is not live", b)
	return info
}

func mustNBL(t *testing.T, tr *pool.Tracker, l pool.NBL) pool.NBLInfo {
	t.Helper()
	info, ok := tr.NBL(l)
	require.True(t, ok, "%s is not live", l)
	return info
}
