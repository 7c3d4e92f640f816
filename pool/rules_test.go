package pool_test

import (
	"errors"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/ndissim/ndissim/internal/ruletest"
	"github.com/ndissim/ndissim/pool"
	"github.com/ndissim/ndissim/rule"
)

var (
	sendPool = pool.NBLPoolParameters{ContextSize: 16, AllocateNetBuffer: true, PoolTag: 'P'}
	listPool = pool.NBLPoolParameters{ContextSize: 16}
	dataPool = pool.NBLPoolParameters{AllocateNetBuffer: true, DataSize: 256}
)

// run plays a sequence of calls on a fresh tracker; the sequence returns the
// first error, so that a test sees exactly the finding it deserves.
func run(maa uint32, steps func(tr *pool.Tracker) error) error {
	return steps(pool.NewTracker(maa))
}

// each rule: a sequence that breaks it and a nearby legal one. Sources: the
// nblapi pages (learn.microsoft.com/windows-hardware/drivers/ddi/nblapi/) for
// NdisAllocateNetBufferListPool, NdisAllocateNetBufferAndNetBufferList,
// NdisAllocateNetBuffer and the four frees.
var ruleCases = []struct {
	rule          rule.Name
	name          string
	broken, legal func(tr *pool.Tracker) error
}{
	{rule.PoolContextAlignment, "ContextSize 12 on 64-bit",
		func(tr *pool.Tracker) error {
			_, err := tr.AllocateNetBufferListPool(pool.OwnerProtocol, pool.NBLPoolParameters{ContextSize: 12})
			return err
		},
		func(tr *pool.Tracker) error {
			_, err := tr.AllocateNetBufferListPool(pool.OwnerProtocol, pool.NBLPoolParameters{ContextSize: 32})
			return err
		}},
	{rule.PoolContextAlignment, "ContextSize 8 is aligned only on 32-bit",
		func(tr *pool.Tracker) error {
			_, err := tr.AllocateNetBufferListPool(pool.OwnerProtocol, pool.NBLPoolParameters{ContextSize: 8})
			return err
		},
		func(tr *pool.Tracker) error {
			tr.ResetMAA(8)
			_, err := tr.AllocateNetBufferListPool(pool.OwnerProtocol, pool.NBLPoolParameters{ContextSize: 8})
			return err
		}},
	{rule.PoolDataSizeWithoutNetBuffer, "DataSize without fAllocateNetBuffer",
		func(tr *pool.Tracker) error {
			_, err := tr.AllocateNetBufferListPool(pool.OwnerProtocol, pool.NBLPoolParameters{DataSize: 128})
			return err
		},
		func(tr *pool.Tracker) error {
			_, err := tr.AllocateNetBufferListPool(pool.OwnerProtocol, pool.NBLPoolParameters{AllocateNetBuffer: true, DataSize: 128})
			return err
		}},
	{rule.CombinedAllocNeedsNetBufferPool, "combined call on a pool without fAllocateNetBuffer",
		func(tr *pool.Tracker) error {
			p, _ := tr.AllocateNetBufferListPool(pool.OwnerProtocol, listPool)
			_, err := tr.AllocateNetBufferAndNetBufferList(p, 16, 0, 1, 0, 64)
			return err
		},
		func(tr *pool.Tracker) error {
			p, _ := tr.AllocateNetBufferListPool(pool.OwnerProtocol, sendPool)
			_, err := tr.AllocateNetBufferAndNetBufferList(p, 16, 0, 1, 0, 64)
			return err
		}},
	{rule.CombinedAllocNeedsNetBufferPool, "combined call on a data pool",
		func(tr *pool.Tracker) error {
			p, _ := tr.AllocateNetBufferListPool(pool.OwnerProtocol, dataPool)
			_, err := tr.AllocateNetBufferAndNetBufferList(p, 0, 0, 1, 0, 64)
			return err
		},
		func(tr *pool.Tracker) error {
			p, _ := tr.AllocateNetBufferListPool(pool.OwnerProtocol, dataPool)
			_, err := tr.AllocateNetBufferList(p, 0, 0)
			return err
		}},
	{rule.AllocNetBufferOnDataPool, "NdisAllocateNetBuffer on a data pool",
		func(tr *pool.Tracker) error {
			p, _ := tr.AllocateNetBufferPool(pool.OwnerProtocol, pool.NBPoolParameters{DataSize: 512})
			_, err := tr.AllocateNetBuffer(p, 1, 0, 64)
			return err
		},
		func(tr *pool.Tracker) error {
			p, _ := tr.AllocateNetBufferPool(pool.OwnerProtocol, pool.NBPoolParameters{DataSize: 512})
			_, err := tr.AllocateNetBufferMdlAndData(p)
			return err
		}},
	{rule.NblContextAlignment, "ContextBackFill 24",
		func(tr *pool.Tracker) error {
			p, _ := tr.AllocateNetBufferListPool(pool.OwnerProtocol, sendPool)
			_, err := tr.AllocateNetBufferList(p, 16, 24)
			return err
		},
		func(tr *pool.Tracker) error {
			p, _ := tr.AllocateNetBufferListPool(pool.OwnerProtocol, sendPool)
			_, err := tr.AllocateNetBufferList(p, 16, 32)
			return err
		}},
	{rule.PoolFreedWithOutstanding, "NBL pool freed with an NBL live",
		func(tr *pool.Tracker) error {
			p, _ := tr.AllocateNetBufferListPool(pool.OwnerProtocol, sendPool)
			if _, err := tr.AllocateNetBufferAndNetBufferList(p, 0, 0, 0, 0, 0); err != nil {
				return err
			}
			return tr.FreeNetBufferListPool(p)
		},
		func(tr *pool.Tracker) error {
			p, _ := tr.AllocateNetBufferListPool(pool.OwnerProtocol, sendPool)
			l, _ := tr.AllocateNetBufferAndNetBufferList(p, 0, 0, 0, 0, 0)
			if err := tr.FreeNetBufferList(l); err != nil {
				return err
			}
			return tr.FreeNetBufferListPool(p)
		}},
	{rule.NbPoolFreedWithOutstanding, "NB pool freed with an NB live",
		func(tr *pool.Tracker) error {
			p, _ := tr.AllocateNetBufferPool(pool.OwnerProtocol, pool.NBPoolParameters{})
			_, _ = tr.AllocateNetBuffer(p, 1, 0, 10)
			return tr.FreeNetBufferPool(p)
		},
		func(tr *pool.Tracker) error {
			p, _ := tr.AllocateNetBufferPool(pool.OwnerProtocol, pool.NBPoolParameters{})
			b, _ := tr.AllocateNetBuffer(p, 1, 0, 10)
			_ = tr.FreeNetBuffer(b)
			return tr.FreeNetBufferPool(p)
		}},
	{rule.PoolUseAfterFree, "allocation from a freed pool",
		func(tr *pool.Tracker) error {
			p, _ := tr.AllocateNetBufferListPool(pool.OwnerProtocol, sendPool)
			_ = tr.FreeNetBufferListPool(p)
			_, err := tr.AllocateNetBufferList(p, 0, 0)
			return err
		},
		func(tr *pool.Tracker) error {
			p, _ := tr.AllocateNetBufferListPool(pool.OwnerProtocol, sendPool)
			_ = tr.FreeNetBufferListPool(p)
			p, _ = tr.AllocateNetBufferListPool(pool.OwnerProtocol, sendPool)
			_, err := tr.AllocateNetBufferList(p, 0, 0)
			return err
		}},
	{rule.PoolUseAfterFree, "pool freed twice",
		func(tr *pool.Tracker) error {
			p, _ := tr.AllocateNetBufferPool(pool.OwnerProtocol, pool.NBPoolParameters{})
			_ = tr.FreeNetBufferPool(p)
			return tr.FreeNetBufferPool(p)
		},
		func(tr *pool.Tracker) error {
			p, _ := tr.AllocateNetBufferPool(pool.OwnerProtocol, pool.NBPoolParameters{})
			return tr.FreeNetBufferPool(p)
		}},
	{rule.AllocationFailureIgnored, "failed NBL used",
		func(tr *pool.Tracker) error {
			p, _ := tr.AllocateNetBufferListPool(pool.OwnerProtocol, sendPool)
			tr.SetFaults(failAll{})
			l, _ := tr.AllocateNetBufferAndNetBufferList(p, 0, 0, 0, 0, 0)
			return tr.FreeNetBufferList(l)
		},
		func(tr *pool.Tracker) error {
			p, _ := tr.AllocateNetBufferListPool(pool.OwnerProtocol, sendPool)
			tr.SetFaults(failAll{})
			if l, _ := tr.AllocateNetBufferAndNetBufferList(p, 0, 0, 0, 0, 0); !l.IsNull() {
				return tr.FreeNetBufferList(l)
			}
			return nil
		}},
	{rule.AllocationFailureIgnored, "failed pool used",
		func(tr *pool.Tracker) error {
			tr.SetFaults(failAll{})
			p, _ := tr.AllocateNetBufferListPool(pool.OwnerProtocol, sendPool)
			_, err := tr.AllocateNetBufferList(p, 0, 0)
			return err
		},
		func(tr *pool.Tracker) error {
			tr.SetFaults(failAll{})
			if p, _ := tr.AllocateNetBufferListPool(pool.OwnerProtocol, sendPool); !p.IsNull() {
				_, err := tr.AllocateNetBufferList(p, 0, 0)
				return err
			}
			return nil
		}},
	{rule.FreeOrderNbBeforeNbl, "NBL freed before its separate NB",
		func(tr *pool.Tracker) error {
			l, b := separate(tr)
			_ = b
			return tr.FreeNetBufferList(l)
		},
		func(tr *pool.Tracker) error {
			l, b := separate(tr)
			if err := tr.FreeNetBuffer(b); err != nil {
				return err
			}
			return tr.FreeNetBufferList(l)
		}},
	{rule.FreePreallocatedNb, "NdisFreeNetBuffer on the combined call's NB",
		func(tr *pool.Tracker) error {
			p, _ := tr.AllocateNetBufferListPool(pool.OwnerProtocol, sendPool)
			l, _ := tr.AllocateNetBufferAndNetBufferList(p, 0, 0, 1, 0, 64)
			return tr.FreeNetBuffer(tr.FirstNB(l))
		},
		func(tr *pool.Tracker) error {
			p, _ := tr.AllocateNetBufferListPool(pool.OwnerProtocol, sendPool)
			l, _ := tr.AllocateNetBufferAndNetBufferList(p, 0, 0, 1, 0, 64)
			return tr.FreeNetBufferList(l)
		}},
	{rule.DoubleFree, "NBL freed twice",
		func(tr *pool.Tracker) error {
			l := combined(tr)
			_ = tr.FreeNetBufferList(l)
			return tr.FreeNetBufferList(l)
		},
		func(tr *pool.Tracker) error { return tr.FreeNetBufferList(combined(tr)) }},
	{rule.DoubleFree, "stale NBL handle freed after its slot was reused",
		func(tr *pool.Tracker) error {
			l := combined(tr)
			_ = tr.FreeNetBufferList(l)
			l2 := combined(tr) // reuses the slot
			_ = l2
			return tr.FreeNetBufferList(l)
		},
		func(tr *pool.Tracker) error {
			l := combined(tr)
			_ = tr.FreeNetBufferList(l)
			return tr.FreeNetBufferList(combined(tr))
		}},
	{rule.DoubleFree, "NB freed twice",
		func(tr *pool.Tracker) error {
			l, b := separate(tr)
			_ = tr.FreeNetBuffer(b)
			_ = l
			return tr.FreeNetBuffer(b)
		},
		func(tr *pool.Tracker) error {
			_, b := separate(tr)
			return tr.FreeNetBuffer(b)
		}},
	{rule.UseAfterFree, "freed NB linked again",
		func(tr *pool.Tracker) error {
			l, b := separate(tr)
			_ = tr.FreeNetBuffer(b)
			return tr.LinkNetBuffer(l, b)
		},
		func(tr *pool.Tracker) error {
			l, b := separate(tr)
			_ = tr.FreeNetBuffer(b)
			p, _ := tr.AllocateNetBufferPool(pool.OwnerProtocol, pool.NBPoolParameters{})
			b, _ = tr.AllocateNetBuffer(p, 1, 0, 10)
			return tr.LinkNetBuffer(l, b)
		}},
	{rule.UseAfterFree, "retreat on a freed NB",
		func(tr *pool.Tracker) error {
			l := combined(tr)
			b := tr.FirstNB(l)
			_ = tr.FreeNetBufferList(l)
			_, err := tr.RetreatDataStart(b, 14, 0)
			return err
		},
		func(tr *pool.Tracker) error {
			l := combined(tr)
			_, err := tr.RetreatDataStart(tr.FirstNB(l), 14, 0)
			return err
		}},
	{rule.NetBufferLinkedTwice, "NB linked into a second NBL",
		func(tr *pool.Tracker) error {
			_, b := separate(tr)
			return tr.LinkNetBuffer(combined(tr), b)
		},
		func(tr *pool.Tracker) error {
			l, b := separate(tr)
			_ = tr.FreeNetBuffer(b)
			_ = l
			p, _ := tr.AllocateNetBufferPool(pool.OwnerProtocol, pool.NBPoolParameters{})
			b, _ = tr.AllocateNetBuffer(p, 1, 0, 10)
			return tr.LinkNetBuffer(combined(tr), b)
		}},
	{rule.NetBufferDataRange, "data with a NULL MDL chain",
		func(tr *pool.Tracker) error {
			p, _ := tr.AllocateNetBufferListPool(pool.OwnerProtocol, sendPool)
			_, err := tr.AllocateNetBufferAndNetBufferList(p, 0, 0, 0, 0, 64)
			return err
		},
		func(tr *pool.Tracker) error {
			p, _ := tr.AllocateNetBufferListPool(pool.OwnerProtocol, sendPool)
			_, err := tr.AllocateNetBufferAndNetBufferList(p, 0, 0, 1, 0, 64)
			return err
		}},
	{rule.NetBufferDataRange, "advance past the data",
		func(tr *pool.Tracker) error {
			return tr.AdvanceDataStart(tr.FirstNB(combined(tr)), 65, false)
		},
		func(tr *pool.Tracker) error {
			return tr.AdvanceDataStart(tr.FirstNB(combined(tr)), 64, false)
		}},
}

type failAll struct{}

func (failAll) FailAllocation(pool.Op) bool { return true }

func combined(tr *pool.Tracker) pool.NBL {
	p, err := tr.AllocateNetBufferListPool(pool.OwnerProtocol, sendPool)
	if err != nil {
		panic(err)
	}
	l, err := tr.AllocateNetBufferAndNetBufferList(p, 16, 0, 1, 0, 64)
	if err != nil {
		panic(err)
	}
	return l
}

func separate(tr *pool.Tracker) (pool.NBL, pool.NB) {
	lp, _ := tr.AllocateNetBufferListPool(pool.OwnerProtocol, listPool)
	bp, _ := tr.AllocateNetBufferPool(pool.OwnerProtocol, pool.NBPoolParameters{})
	l, _ := tr.AllocateNetBufferList(lp, 16, 0)
	b, _ := tr.AllocateNetBuffer(bp, 1, 32, 64)
	if err := tr.LinkNetBuffer(l, b); err != nil {
		panic(err)
	}
	return l, b
}

func TestEveryPoolRuleBreaksAndHolds(t *testing.T) {
	for _, c := range ruleCases {
		t.Run(string(c.rule)+"/"+c.name, func(t *testing.T) {
			err := run(16, c.broken)
			var f *rule.Finding
			require.True(t, errors.As(err, &f), "want finding %s, got %v", c.rule, err)
			require.Equal(t, c.rule, f.Rule, f.Message)
			require.NotEmpty(t, f.Message)
			require.NoError(t, run(16, c.legal), "legal neighbour of %s", c.rule)
		})
	}
}

func TestFreeOrderMessageNamesBothObjects(t *testing.T) {
	tr := pool.NewTracker(16)
	l, b := separate(tr)
	err := tr.FreeNetBufferList(l)
	var f *rule.Finding
	require.ErrorAs(t, err, &f)
	require.Equal(t, []string{l.String(), b.String()}, f.Objects)
	require.Contains(t, f.Message, l.String()+" freed while "+b.String()+", allocated separately, is still linked to it")
}

// An error finding changes nothing: the driver's next call sees the state
// the failed call found.
func TestErrorFindingLeavesStateUntouched(t *testing.T) {
	tr := pool.NewTracker(16)
	l := combined(tr)
	b := tr.FirstNB(l)
	requireRule(t, tr.FreeNetBuffer(b), rule.FreePreallocatedNb)
	require.True(t, tr.LiveNBL(l))
	require.True(t, tr.LiveNB(b))
	require.NoError(t, tr.FreeNetBufferList(l))
}

// A warning finding is a "should" the driver broke; NDIS does what it was
// asked, and so does the tracker.
func TestWarningFindingTakesEffect(t *testing.T) {
	tr := pool.NewTracker(16)
	l, b := separate(tr)
	requireRule(t, tr.FreeNetBufferList(l), rule.FreeOrderNbBeforeNbl)
	require.False(t, tr.LiveNBL(l))
	require.True(t, tr.LiveNB(b))
	require.NoError(t, tr.FreeNetBuffer(b))
	require.NoError(t, tr.Audit())
}

// The pool's tables break exactly the rules internal/ruletest lists for
// them.
func TestPoolRuleTablesMatchTheList(t *testing.T) {
	broken := map[rule.Name]bool{}
	for _, c := range ruleCases {
		broken[c.rule] = true
	}
	for _, c := range fidelityCases {
		broken[c.rule] = true
	}
	missing, unlisted := ruletest.Diff(ruletest.Pool, broken)
	require.Empty(t, missing, "listed for the pool's tables but broken by no case")
	require.Empty(t, unlisted, "broken by a case but not listed in internal/ruletest")
}
