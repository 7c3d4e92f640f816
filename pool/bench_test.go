package pool_test

import (
	"testing"

	"github.com/ndissim/ndissim/pool"
)

// The benchmarks put the Tracker beside a naive map-based pool doing the
// same bookkeeping, in one run, so that the ratio between them is the figure
// that counts (docs/performance.md).

func BenchmarkCombinedPair(b *testing.B) {
	tr := pool.NewTracker(16)
	p, _ := tr.AllocateNetBufferListPool(pool.OwnerProtocol, sendPool)
	b.ReportAllocs()
	for b.Loop() {
		l, _ := tr.AllocateNetBufferAndNetBufferList(p, 16, 32, 1, 64, 1500)
		_ = tr.FreeNetBufferList(l)
	}
}

func BenchmarkSeparateCycle(b *testing.B) {
	tr := pool.NewTracker(16)
	lp, _ := tr.AllocateNetBufferListPool(pool.OwnerProtocol, listPool)
	bp, _ := tr.AllocateNetBufferPool(pool.OwnerProtocol, pool.NBPoolParameters{})
	b.ReportAllocs()
	for b.Loop() {
		l, _ := tr.AllocateNetBufferList(lp, 16, 32)
		b1, _ := tr.AllocateNetBuffer(bp, 1, 64, 1500)
		b2, _ := tr.AllocateNetBuffer(bp, 1, 64, 1500)
		_ = tr.LinkNetBuffer(l, b1)
		_ = tr.LinkNetBuffer(l, b2)
		_ = tr.FreeNetBuffer(b1)
		_ = tr.FreeNetBuffer(b2)
		_ = tr.FreeNetBufferList(l)
	}
}

// mapPool is what one writes first: objects on the heap, a map of the live
// ones, the same checks (double free, NB before NBL, live counts).
type mapPool struct {
	next  int
	nbls  map[int]*mapNBL
	nbs   map[int]*mapNB
	live  int
	total int
}

type mapNBL struct {
	ctx, backfill uint16
	nbs           []*mapNB
	prealloc      *mapNB
}

type mapNB struct {
	id, nbl        int
	offset, length uint32
	prealloc       bool
}

func newMapPool() *mapPool { return &mapPool{nbls: map[int]*mapNBL{}, nbs: map[int]*mapNB{}} }

func (m *mapPool) allocNBL(ctx, backfill uint16, withNB bool) int {
	m.next++
	l := &mapNBL{ctx: ctx, backfill: backfill}
	if withNB {
		l.prealloc = &mapNB{nbl: m.next, prealloc: true}
	}
	m.nbls[m.next] = l
	m.live++
	m.total++
	return m.next
}

func (m *mapPool) allocNB(off, length uint32) int {
	m.next++
	m.nbs[m.next] = &mapNB{id: m.next, offset: off, length: length, nbl: -1}
	return m.next
}

func (m *mapPool) link(l, b int) bool {
	nbl, ok1 := m.nbls[l]
	nb, ok2 := m.nbs[b]
	if !ok1 || !ok2 || nb.nbl >= 0 {
		return false
	}
	nb.nbl = l
	nbl.nbs = append(nbl.nbs, nb)
	return true
}

func (m *mapPool) freeNB(b int) bool {
	nb, ok := m.nbs[b]
	if !ok {
		return false
	}
	if l, ok := m.nbls[nb.nbl]; ok {
		for i, x := range l.nbs {
			if x == nb {
				l.nbs = append(l.nbs[:i], l.nbs[i+1:]...)
				break
			}
		}
	}
	delete(m.nbs, b)
	return true
}

func (m *mapPool) freeNBL(l int) bool {
	nbl, ok := m.nbls[l]
	if !ok || len(nbl.nbs) > 0 {
		return false
	}
	delete(m.nbls, l)
	m.live--
	return true
}

func BenchmarkNaiveMapCombinedPair(b *testing.B) {
	m := newMapPool()
	b.ReportAllocs()
	for b.Loop() {
		l := m.allocNBL(16, 32, true)
		m.freeNBL(l)
	}
}

func BenchmarkNaiveMapSeparateCycle(b *testing.B) {
	m := newMapPool()
	b.ReportAllocs()
	for b.Loop() {
		l := m.allocNBL(16, 32, false)
		b1 := m.allocNB(64, 1500)
		b2 := m.allocNB(64, 1500)
		m.link(l, b1)
		m.link(l, b2)
		m.freeNB(b1)
		m.freeNB(b2)
		m.freeNBL(l)
	}
}

// BenchmarkRetreatAdvanceCycle is a send whose header retreat allocates and
// whose completion releases the memory before the free: the costliest legal
// data-start path.
func BenchmarkRetreatAdvanceCycle(b *testing.B) {
	tr := pool.NewTracker(16)
	p, _ := tr.AllocateNetBufferListPool(pool.OwnerProtocol, sendPool)
	b.ReportAllocs()
	for b.Loop() {
		l, _ := tr.AllocateNetBufferAndNetBufferList(p, 16, 32, 1, 0, 1500)
		nb := tr.FirstNB(l)
		_, _ = tr.RetreatDataStart(nb, 14, 0)
		_ = tr.AdvanceDataStart(nb, 14, true)
		_ = tr.FreeNetBufferList(l)
	}
}

// BenchmarkNBCacheCycle is an NB cache's send: an NBL from the pool, a
// cached NB linked in, and at completion the NB detached and the NBL freed.
func BenchmarkNBCacheCycle(b *testing.B) {
	tr := pool.NewTracker(16)
	lp, _ := tr.AllocateNetBufferListPool(pool.OwnerProtocol, listPool)
	bp, _ := tr.AllocateNetBufferPool(pool.OwnerProtocol, pool.NBPoolParameters{})
	nb, _ := tr.AllocateNetBuffer(bp, 1, 64, 1500)
	b.ReportAllocs()
	for b.Loop() {
		l, _ := tr.AllocateNetBufferList(lp, 16, 32)
		_ = tr.LinkNetBuffer(l, nb)
		_ = tr.UnlinkNetBuffer(l, nb)
		_ = tr.FreeNetBufferList(l)
	}
}
