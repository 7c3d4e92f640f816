package pool_test

import (
	"errors"
	"math/rand/v2"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/ndissim/ndissim/internal/rule"
	"github.com/ndissim/ndissim/pool"
)

// naive is a deliberately simple model of pool accounting: maps and slices,
// no slabs, no free lists. The differential test drives it and the Tracker
// with the same random calls and demands the same answers.
type naive struct {
	nblPool   map[pool.NBL]int // NBL -> pool index
	nbPool    map[pool.NB]int
	links     map[pool.NB]pool.NBL
	freedNBL  map[pool.NBL]bool
	freedNB   map[pool.NB]bool
	live      []int
	total     []int
	poolFreed []bool
}

func newNaive() *naive {
	return &naive{
		nblPool: map[pool.NBL]int{}, nbPool: map[pool.NB]int{}, links: map[pool.NB]pool.NBL{},
		freedNBL: map[pool.NBL]bool{}, freedNB: map[pool.NB]bool{},
	}
}

func (m *naive) separateNBs(l pool.NBL) int {
	n := 0
	for _, owner := range m.links {
		if owner == l {
			n++
		}
	}
	return n
}

func TestDifferentialAgainstNaiveModel(t *testing.T) {
	for seed := uint64(1); seed <= 200; seed++ {
		rng := rand.New(rand.NewPCG(seed, 7))
		tr := pool.NewTracker(16)
		m := newNaive()
		var nblPools []pool.NBLPool
		var nbPools []pool.NBPool
		var nbls []pool.NBL
		var nbs []pool.NB
		poolOf := map[pool.NBPool]int{}
		for step := 0; step < 300; step++ {
			switch op := rng.IntN(9); {
			case op == 0 || len(nblPools) == 0:
				p, err := tr.AllocateNetBufferListPool(pool.OwnerProtocol, pool.NBLPoolParameters{ContextSize: 16, AllocateNetBuffer: rng.IntN(2) == 0})
				require.NoError(t, err)
				nblPools = append(nblPools, p)
				m.live, m.total, m.poolFreed = append(m.live, 0), append(m.total, 0), append(m.poolFreed, false)
				q, err := tr.AllocateNetBufferPool(pool.OwnerProtocol, pool.NBPoolParameters{})
				require.NoError(t, err)
				nbPools = append(nbPools, q)
				poolOf[q] = len(m.live)
				m.live, m.total, m.poolFreed = append(m.live, 0), append(m.total, 0), append(m.poolFreed, false)
			case op <= 2:
				i := rng.IntN(len(nblPools))
				l, err := tr.AllocateNetBufferList(nblPools[i], 16, 0)
				pi := 2 * i
				if m.poolFreed[pi] {
					requireRule(t, err, rule.PoolUseAfterFree)
					continue
				}
				require.NoError(t, err)
				m.nblPool[l] = pi
				m.live[pi]++
				m.total[pi]++
				nbls = append(nbls, l)
			case op <= 4:
				i := rng.IntN(len(nbPools))
				b, err := tr.AllocateNetBuffer(nbPools[i], 1, 0, 100)
				pi := poolOf[nbPools[i]]
				if m.poolFreed[pi] {
					requireRule(t, err, rule.PoolUseAfterFree)
					continue
				}
				require.NoError(t, err)
				m.nbPool[b] = pi
				m.live[pi]++
				m.total[pi]++
				nbs = append(nbs, b)
				if len(nbls) > 0 {
					l := nbls[rng.IntN(len(nbls))]
					err := tr.LinkNetBuffer(l, b)
					if m.freedNBL[l] {
						requireRule(t, err, rule.UseAfterFree)
					} else {
						require.NoError(t, err)
						m.links[b] = l
					}
				}
			case op == 5 && len(nbs) > 0:
				b := nbs[rng.IntN(len(nbs))]
				err := tr.FreeNetBuffer(b)
				if m.freedNB[b] {
					requireRule(t, err, rule.DoubleFree)
					continue
				}
				require.NoError(t, err)
				m.freedNB[b] = true
				delete(m.links, b)
				m.live[m.nbPool[b]]--
			case op == 6 && len(nbls) > 0:
				l := nbls[rng.IntN(len(nbls))]
				err := tr.FreeNetBufferList(l)
				switch {
				case m.freedNBL[l]:
					requireRule(t, err, rule.DoubleFree)
				case m.separateNBs(l) > 0:
					requireRule(t, err, rule.FreeOrderNbBeforeNbl)
				default:
					require.NoError(t, err)
					m.freedNBL[l] = true
					m.live[m.nblPool[l]]--
				}
			case op == 7:
				i := rng.IntN(len(nblPools))
				err := tr.FreeNetBufferListPool(nblPools[i])
				switch pi := 2 * i; {
				case m.poolFreed[pi]:
					requireRule(t, err, rule.PoolUseAfterFree)
				case m.live[pi] > 0:
					requireRule(t, err, rule.PoolFreedWithOutstanding)
				default:
					require.NoError(t, err)
					m.poolFreed[pi] = true
				}
			}
			// Conservation at every step: the tracker's counters equal the model's.
			liveNBL, liveNB := 0, 0
			for i, p := range nblPools {
				c := tr.NBLPoolCounters(p)
				require.EqualValues(t, m.live[2*i], c.Live, "seed %d step %d", seed, step)
				require.EqualValues(t, m.total[2*i], c.Total)
				require.Equal(t, c.Total-c.Live, c.Freed)
				liveNBL += m.live[2*i]
			}
			for _, p := range nbPools {
				c := tr.NBPoolCounters(p)
				require.EqualValues(t, m.live[poolOf[p]], c.Live, "seed %d step %d", seed, step)
				liveNB += m.live[poolOf[p]]
			}
			require.NoError(t, tr.Audit(), "seed %d step %d", seed, step)
			lc := tr.LiveCount(pool.OwnerProtocol)
			require.Equal(t, liveNBL, lc.NBLs)
			require.Equal(t, liveNB, lc.NBs)
		}
	}
}

func requireRule(t *testing.T, err error, want rule.Name) {
	t.Helper()
	var f *rule.Finding
	require.True(t, errors.As(err, &f), "want %s, got %v", want, err)
	require.Equal(t, want, f.Rule, f.Message)
}

func TestRetreatCountsAllocationsWhenBackfillIsShort(t *testing.T) {
	tr := pool.NewTracker(16)
	p, _ := tr.AllocateNetBufferListPool(pool.OwnerProtocol, sendPool)
	l, _ := tr.AllocateNetBufferAndNetBufferList(p, 16, 0, 1, 32, 100)
	b := tr.FirstNB(l)

	r, err := tr.RetreatDataStart(b, 32, 0) // exactly the unused space: in place
	require.NoError(t, err)
	require.Equal(t, pool.RetreatInPlace, r)
	info, _ := tr.NB(b)
	require.EqualValues(t, 0, info.DataOffset)
	require.EqualValues(t, 132, info.DataLength)

	r, err = tr.RetreatDataStart(b, 14, 64) // nothing left: NDIS allocates 14+64
	require.NoError(t, err)
	require.Equal(t, pool.RetreatAllocated, r)
	info, _ = tr.NB(b)
	require.EqualValues(t, 64, info.DataOffset)
	require.EqualValues(t, 146, info.DataLength)
	require.EqualValues(t, 2, info.MDLs)
	require.EqualValues(t, 1, tr.RetreatAllocations())
	require.EqualValues(t, 1, tr.NBLPoolCounters(p).RetreatAllocations)

	require.NoError(t, tr.AdvanceDataStart(b, 14))
	info, _ = tr.NB(b)
	require.EqualValues(t, 78, info.DataOffset)

	tr.SetFaults(failAll{})
	_, err = tr.RetreatDataStart(b, 100, 0)
	require.NoError(t, err)
	r, _ = tr.RetreatDataStart(b, 100, 0)
	require.Equal(t, pool.RetreatFailed, r)
}

func TestDataPoolNBLComesWithData(t *testing.T) {
	tr := pool.NewTracker(16)
	p, err := tr.AllocateNetBufferListPool(pool.OwnerProtocol, dataPool)
	require.NoError(t, err)
	l, err := tr.AllocateNetBufferList(p, 0, 0)
	require.NoError(t, err)
	info, ok := tr.NB(tr.FirstNB(l))
	require.True(t, ok)
	require.True(t, info.Preallocated)
	require.EqualValues(t, 256, info.DataLength)
	require.EqualValues(t, 1, info.MDLs)
}

func TestContextHeadroom(t *testing.T) {
	tr := pool.NewTracker(16)
	p, _ := tr.AllocateNetBufferListPool(pool.OwnerProtocol, pool.NBLPoolParameters{ContextSize: 48, AllocateNetBuffer: true})
	l, _ := tr.AllocateNetBufferAndNetBufferList(p, 16, 16, 0, 0, 0)
	require.EqualValues(t, 16+32, tr.ContextHeadroom(l))
}

func TestCountersPeakAndReset(t *testing.T) {
	tr := pool.NewTracker(16)
	p, _ := tr.AllocateNetBufferListPool(pool.OwnerProtocol, sendPool)
	a, _ := tr.AllocateNetBufferAndNetBufferList(p, 0, 0, 0, 0, 0)
	b, _ := tr.AllocateNetBufferAndNetBufferList(p, 0, 0, 0, 0, 0)
	require.NoError(t, tr.FreeNetBufferList(a))
	require.NoError(t, tr.FreeNetBufferList(b))
	c := tr.NBLPoolCounters(p)
	require.Equal(t, pool.Counters{Live: 0, Peak: 2, Total: 2, Freed: 2}, c)
	require.Equal(t, []string{"NBL pool 1"}, tr.LiveObjects(pool.OwnerProtocol, 10))
	tr.Reset()
	require.Equal(t, pool.Live{}, tr.LiveCount(pool.OwnerProtocol))
	require.False(t, tr.LiveNBL(a))
}

func TestTags(t *testing.T) {
	tag, err := pool.MakeTag("Prot")
	require.NoError(t, err)
	require.Equal(t, "Prot", tag.String())
	_, err = pool.MakeTag("Proto")
	require.Error(t, err)
}

func TestAuditHoldsAcrossTheDifferentialRun(t *testing.T) {
	tr := pool.NewTracker(16)
	l, b := separate(tr)
	require.NoError(t, tr.Audit())
	require.NoError(t, tr.FreeNetBuffer(b))
	require.NoError(t, tr.Audit())
	require.NoError(t, tr.FreeNetBufferList(l))
	require.NoError(t, tr.Audit())
	_ = combined(tr)
	require.NoError(t, tr.Audit())
}
