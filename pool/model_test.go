package pool_test

import (
	"errors"
	"math/rand/v2"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/ndissim/ndissim/pool"
	"github.com/ndissim/ndissim/rule"
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
	data      map[pool.NB]*naiveData
	live      []int
	total     []int
	poolFreed []bool
}

// naiveData is an NB's data start as the pages describe it: the unused
// space in front, and the memory allocating retreats put there.
type naiveData struct{ offset, length, retreat uint32 }

func newNaive() *naive {
	return &naive{
		nblPool: map[pool.NBL]int{}, nbPool: map[pool.NB]int{}, links: map[pool.NB]pool.NBL{},
		freedNBL: map[pool.NBL]bool{}, freedNB: map[pool.NB]bool{}, data: map[pool.NB]*naiveData{},
	}
}

// unlinkAll detaches the NBs linked into l and says how many there were.
func (m *naive) unlinkAll(l pool.NBL) int {
	n := 0
	for b, owner := range m.links {
		if owner == l {
			delete(m.links, b)
			n++
		}
	}
	return n
}

func (m *naive) retreat(d *naiveData, delta, backfill uint32) {
	d.length += delta
	if delta <= d.offset {
		d.offset -= delta
		return
	}
	if d.retreat > d.offset {
		d.retreat -= d.offset
	} else {
		d.retreat = 0
	}
	d.retreat += delta + backfill
	d.offset = backfill
}

func (m *naive) advance(d *naiveData, delta uint32, freeMdl bool) {
	d.offset += delta
	d.length -= delta
	if freeMdl && d.retreat > 0 && d.offset >= d.retreat {
		d.offset -= d.retreat
		d.retreat = 0
	}
}

// differential is one seeded run of the differential test.
type differential struct {
	t        *testing.T
	rng      *rand.Rand
	tr       *pool.Tracker
	m        *naive
	nblPools []pool.NBLPool
	nbPools  []pool.NBPool
	nbls     []pool.NBL
	nbs      []pool.NB
	poolOf   map[pool.NBPool]int
}

func TestDifferentialAgainstNaiveModel(t *testing.T) {
	for seed := uint64(1); seed <= 200; seed++ {
		d := &differential{
			t: t, rng: rand.New(rand.NewPCG(seed, 7)), tr: pool.NewTracker(16), m: newNaive(),
			poolOf: map[pool.NBPool]int{},
		}
		for step := 0; step < 300; step++ {
			d.step()
			d.conserved(seed, step)
		}
	}
}

func (d *differential) step() {
	switch op := d.rng.IntN(13); {
	case op == 0 || len(d.nblPools) == 0:
		d.newPools()
	case op <= 2:
		d.allocNBL()
	case op <= 4:
		d.allocNB()
	case op == 5 && len(d.nbs) > 0:
		d.freeNB()
	case op == 6 && len(d.nbls) > 0:
		d.freeNBL()
	case op == 7:
		d.freeNBLPool()
	case op == 8:
		d.freeNBPool()
	case op == 9 && len(d.nbs) > 0 && len(d.nbls) > 0:
		d.unlink()
	case op == 10 && len(d.nbs) > 0:
		d.retreat()
	case op == 11 && len(d.nbs) > 0:
		d.advance()
	case op == 12 && len(d.nbs) > 0 && len(d.nbls) > 0:
		d.link(d.nbls[d.rng.IntN(len(d.nbls))], d.nbs[d.rng.IntN(len(d.nbs))])
	}
}

func (d *differential) newPools() {
	m := d.m
	p, err := d.tr.AllocateNetBufferListPool(pool.OwnerProtocol, pool.NBLPoolParameters{ContextSize: 16, AllocateNetBuffer: d.rng.IntN(2) == 0})
	require.NoError(d.t, err)
	d.nblPools = append(d.nblPools, p)
	m.live, m.total, m.poolFreed = append(m.live, 0), append(m.total, 0), append(m.poolFreed, false)
	q, err := d.tr.AllocateNetBufferPool(pool.OwnerProtocol, pool.NBPoolParameters{})
	require.NoError(d.t, err)
	d.nbPools = append(d.nbPools, q)
	d.poolOf[q] = len(m.live)
	m.live, m.total, m.poolFreed = append(m.live, 0), append(m.total, 0), append(m.poolFreed, false)
}

func (d *differential) allocNBL() {
	m := d.m
	i := d.rng.IntN(len(d.nblPools))
	l, err := d.tr.AllocateNetBufferList(d.nblPools[i], 16, 0)
	pi := 2 * i
	if m.poolFreed[pi] {
		requireRule(d.t, err, rule.PoolUseAfterFree)
		return
	}
	require.NoError(d.t, err)
	m.nblPool[l] = pi
	m.live[pi]++
	m.total[pi]++
	d.nbls = append(d.nbls, l)
}

func (d *differential) allocNB() {
	m := d.m
	i := d.rng.IntN(len(d.nbPools))
	off := uint32(d.rng.IntN(3)) * 16
	b, err := d.tr.AllocateNetBuffer(d.nbPools[i], 1, off, 100)
	pi := d.poolOf[d.nbPools[i]]
	if m.poolFreed[pi] {
		requireRule(d.t, err, rule.PoolUseAfterFree)
		return
	}
	require.NoError(d.t, err)
	m.nbPool[b] = pi
	m.data[b] = &naiveData{offset: off, length: 100}
	m.live[pi]++
	m.total[pi]++
	d.nbs = append(d.nbs, b)
	if len(d.nbls) > 0 {
		d.link(d.nbls[d.rng.IntN(len(d.nbls))], b)
	}
}

func (d *differential) link(l pool.NBL, b pool.NB) {
	m := d.m
	err := d.tr.LinkNetBuffer(l, b)
	_, linked := m.links[b]
	switch {
	case m.freedNBL[l], m.freedNB[b]:
		requireRule(d.t, err, rule.UseAfterFree)
	case linked:
		requireRule(d.t, err, rule.NetBufferLinkedTwice)
	default:
		require.NoError(d.t, err)
		m.links[b] = l
	}
}

func (d *differential) unlink() {
	m := d.m
	l, b := d.nbls[d.rng.IntN(len(d.nbls))], d.nbs[d.rng.IntN(len(d.nbs))]
	if owner, ok := m.links[b]; ok && d.rng.IntN(2) == 0 && !m.freedNBL[owner] {
		l = owner // mostly the right NBL, or the test only sees findings
	}
	err := d.tr.UnlinkNetBuffer(l, b)
	switch {
	case m.freedNBL[l], m.freedNB[b]:
		requireRule(d.t, err, rule.UseAfterFree)
	case m.links[b] != l:
		requireRule(d.t, err, rule.NetBufferLinkedTwice)
	default:
		require.NoError(d.t, err)
		delete(m.links, b)
	}
}

func (d *differential) freeNB() {
	m := d.m
	b := d.nbs[d.rng.IntN(len(d.nbs))]
	err := d.tr.FreeNetBuffer(b)
	switch {
	case m.freedNB[b]:
		requireRule(d.t, err, rule.DoubleFree)
	case m.data[b].retreat > 0:
		requireRule(d.t, err, rule.RetreatMemoryNotReleased)
	default:
		require.NoError(d.t, err)
		m.freedNB[b] = true
		delete(m.links, b)
		m.live[m.nbPool[b]]--
	}
}

func (d *differential) freeNBL() {
	m := d.m
	l := d.nbls[d.rng.IntN(len(d.nbls))]
	err := d.tr.FreeNetBufferList(l)
	if m.freedNBL[l] {
		requireRule(d.t, err, rule.DoubleFree)
		return
	}
	m.freedNBL[l] = true
	m.live[m.nblPool[l]]--
	if m.unlinkAll(l) > 0 { // a should: the NBL goes, its NBs stay
		requireRule(d.t, err, rule.FreeOrderNbBeforeNbl)
		return
	}
	require.NoError(d.t, err)
}

func (d *differential) freeNBLPool() {
	m := d.m
	i := d.rng.IntN(len(d.nblPools))
	err := d.tr.FreeNetBufferListPool(d.nblPools[i])
	switch pi := 2 * i; {
	case m.poolFreed[pi]:
		requireRule(d.t, err, rule.PoolUseAfterFree)
	case m.live[pi] > 0:
		requireRule(d.t, err, rule.PoolFreedWithOutstanding)
	default:
		require.NoError(d.t, err)
		m.poolFreed[pi] = true
	}
}

func (d *differential) freeNBPool() {
	m := d.m
	q := d.nbPools[d.rng.IntN(len(d.nbPools))]
	err := d.tr.FreeNetBufferPool(q)
	switch pi := d.poolOf[q]; {
	case m.poolFreed[pi]:
		requireRule(d.t, err, rule.PoolUseAfterFree)
	case m.live[pi] > 0: // a should: the pool goes, its NBs stay
		requireRule(d.t, err, rule.NbPoolFreedWithOutstanding)
		m.poolFreed[pi] = true
	default:
		require.NoError(d.t, err)
		m.poolFreed[pi] = true
	}
}

func (d *differential) retreat() {
	m := d.m
	b := d.nbs[d.rng.IntN(len(d.nbs))]
	delta, backfill := uint32(d.rng.IntN(4))*8, uint32(d.rng.IntN(3))*16
	r, err := d.tr.RetreatDataStart(b, delta, backfill)
	if m.freedNB[b] {
		requireRule(d.t, err, rule.UseAfterFree)
		return
	}
	require.NoError(d.t, err)
	nd := m.data[b]
	require.Equal(d.t, delta > nd.offset, r == pool.RetreatAllocated)
	m.retreat(nd, delta, backfill)
	d.sameData(b)
}

func (d *differential) advance() {
	m := d.m
	b := d.nbs[d.rng.IntN(len(d.nbs))]
	delta, freeMdl := uint32(d.rng.IntN(4))*8, d.rng.IntN(2) == 0
	err := d.tr.AdvanceDataStart(b, delta, freeMdl)
	switch {
	case m.freedNB[b]:
		requireRule(d.t, err, rule.UseAfterFree)
	case delta > m.data[b].length:
		requireRule(d.t, err, rule.NetBufferDataRange)
	default:
		require.NoError(d.t, err)
		m.advance(m.data[b], delta, freeMdl)
		d.sameData(b)
	}
}

func (d *differential) sameData(b pool.NB) {
	info, ok := d.tr.NB(b)
	require.True(d.t, ok)
	want := *d.m.data[b]
	require.Equal(d.t, want, naiveData{info.DataOffset, info.DataLength, info.RetreatBytes})
}

// conserved checks, at every step, that the tracker's counters equal the
// model's, that its audit passes, and that the chains agree.
func (d *differential) conserved(seed uint64, step int) {
	t, tr, m := d.t, d.tr, d.m
	liveNBL, liveNB := 0, 0
	for i, p := range d.nblPools {
		c := tr.NBLPoolCounters(p)
		require.EqualValues(t, m.live[2*i], c.Live, "seed %d step %d", seed, step)
		require.EqualValues(t, m.total[2*i], c.Total)
		require.Equal(t, c.Total-c.Live, c.Freed)
		liveNBL += m.live[2*i]
	}
	for _, p := range d.nbPools {
		c := tr.NBPoolCounters(p)
		require.EqualValues(t, m.live[d.poolOf[p]], c.Live, "seed %d step %d", seed, step)
		liveNB += m.live[d.poolOf[p]]
	}
	require.NoError(t, tr.Audit(), "seed %d step %d", seed, step)
	lc := tr.LiveCount(pool.OwnerProtocol)
	require.Equal(t, liveNBL, lc.NBLs)
	require.Equal(t, liveNB, lc.NBs)
	for _, b := range d.nbs {
		if info, ok := tr.NB(b); ok {
			require.Equal(t, m.links[b], info.NBL, "seed %d step %d: %s's NBL", seed, step, b)
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

	require.NoError(t, tr.AdvanceDataStart(b, 14, false)) // NDIS keeps the MDL
	info, _ = tr.NB(b)
	require.EqualValues(t, 78, info.DataOffset)
	require.EqualValues(t, 78, info.RetreatBytes)

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
