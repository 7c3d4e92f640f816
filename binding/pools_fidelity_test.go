package binding_test

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/ndissim/ndissim/binding"
	"github.com/ndissim/ndissim/fsm"
	"github.com/ndissim/ndissim/oid"
	"github.com/ndissim/ndissim/pool"
	"github.com/ndissim/ndissim/rule"
)

// The buffer-fidelity rules at the binding: what a design sees when it
// frees an NBL before its NBs, frees an NB pool early, asks a pool without
// data for data, walks a freed chain, leaves retreat memory on an NB, or
// detaches an NB to keep it. Each test plays the broken call and, beside it,
// the legal one. The harness is its own (fid*), small and synchronous: a
// design that keeps an NBL pool without NBs and an NB pool, and does its
// work in work items, at PASSIVE_LEVEL.

// fidProto is the design: pools at bind, the pools freed at unbind, the
// sends left to the test. Every hook a test sets replaces the default.
type fidProto struct {
	nblPool pool.NBLPool
	nbPool  pool.NBPool
	nbData  uint32 // the NB pool's DataSize

	onWork     func(nd *binding.NDIS)
	onComplete func(nd *binding.NDIS, nbl pool.NBL)
	onUnbind   func(nd *binding.NDIS)
}

func (p *fidProto) BindAdapter(nd *binding.NDIS, _ oid.BindParameters) binding.Status {
	p.nblPool = nd.AllocateNetBufferListPool(pool.NBLPoolParameters{ContextSize: 16})
	p.nbPool = nd.AllocateNetBufferPool(pool.NBPoolParameters{DataSize: p.nbData})
	if st := nd.OpenAdapter(); st != binding.StatusSuccess {
		return st
	}
	return binding.StatusSuccess
}

func (p *fidProto) OpenAdapterComplete(*binding.NDIS, binding.Status) {}

func (p *fidProto) NetPnPEvent(*binding.NDIS, binding.PnPEvent) binding.Status {
	return binding.StatusSuccess
}

func (p *fidProto) UnbindAdapter(nd *binding.NDIS) binding.Status {
	nd.CloseAdapter()
	if p.onUnbind != nil {
		p.onUnbind(nd)
	}
	if !p.nbPool.IsNull() {
		nd.FreeNetBufferPool(p.nbPool)
	}
	nd.FreeNetBufferListPool(p.nblPool)
	return binding.StatusSuccess
}

func (p *fidProto) CloseAdapterComplete(*binding.NDIS) {}

func (p *fidProto) SendNetBufferListsComplete(nd *binding.NDIS, nbl pool.NBL, _ binding.Status, _ binding.SendCompleteFlags) {
	if p.onComplete != nil {
		p.onComplete(nd, nbl)
	}
}

func (p *fidProto) ReceiveNetBufferLists(nd *binding.NDIS, nbls []pool.NBL, flags binding.ReceiveFlags) {
	if flags&binding.ReceiveResources != 0 {
		return
	}
	for _, nbl := range nbls {
		nd.ReturnNetBufferLists(nbl, 0)
	}
}

func (p *fidProto) OidRequestComplete(*binding.NDIS, oid.Request, oid.Result) {}
func (p *fidProto) Write(*binding.NDIS, uint32)                               {}

func (p *fidProto) WorkItem(nd *binding.NDIS) {
	if p.onWork != nil {
		p.onWork(nd)
	}
}

// build allocates an NBL and one NB of 64 bytes behind offset bytes of
// unused data space, linked.
func (p *fidProto) build(nd *binding.NDIS, offset uint32) (pool.NBL, pool.NB) {
	nbl := nd.AllocateNetBufferList(p.nblPool, 16, 0)
	nb := nd.AllocateNetBuffer(p.nbPool, 1, offset, 64)
	nd.LinkNetBuffer(nbl, nb)
	return nbl, nb
}

// send sets the SourceHandle and sends.
func (p *fidProto) send(nd *binding.NDIS, nbl pool.NBL) {
	nd.SetSourceHandle(nbl)
	nd.SendNetBufferLists(nbl, 0)
}

// fidDecider takes no decision: opens, sends and OID requests succeed and
// complete later, every callback runs at PASSIVE_LEVEL.
type fidDecider struct{}

func (fidDecider) Decide(binding.Decision) bool { return false }

type fidHarness struct {
	t *testing.T
	b *binding.Binding
	p *fidProto
}

func newFidHarness(t *testing.T, nbData uint32) *fidHarness {
	t.Helper()
	stack, err := oid.NewStack(oid.MAA64, oid.Layer{Name: "nic"})
	require.NoError(t, err)
	h := &fidHarness{t: t, p: &fidProto{nbData: nbData}}
	h.b = binding.New(stack, fidDecider{})
	h.b.Reset(h.p, stack, fidDecider{})
	require.NoError(t, h.b.Bind())
	require.NoError(t, h.b.Restart(true))
	require.Equal(t, fsm.Running, h.b.State(), "findings: %s", fidText(h.b.Findings()))
	return h
}

// work runs fn as the design's next work item.
func (h *fidHarness) work(fn func(nd *binding.NDIS)) {
	h.p.onWork = fn
	h.b.RunWorkItem()
	h.p.onWork = nil
}

// unbind pauses and unbinds, as NDIS does.
func (h *fidHarness) unbind() {
	h.t.Helper()
	require.NoError(h.t, h.b.Pause())
	require.NoError(h.t, h.b.Unbind())
}

// rules is the rules of the findings, in order.
func (h *fidHarness) rules() []rule.Name {
	var out []rule.Name
	for _, f := range h.b.Findings() {
		out = append(out, f.Rule)
	}
	return out
}

// requireRules asserts the findings, by rule, and that the binding halted
// exactly when one of them is an error.
func (h *fidHarness) requireRules(want ...rule.Name) {
	h.t.Helper()
	require.Equal(h.t, want, h.rules(), "findings: %s", fidText(h.b.Findings()))
	errs := false
	for _, f := range h.b.Findings() {
		require.Equal(h.t, rule.MustLookup(f.Rule).Severity, f.Severity)
		errs = errs || f.Severity == rule.Error
	}
	require.Equal(h.t, errs, h.b.Halted())
}

func fidText(fs []binding.Finding) string {
	s := make([]string, len(fs))
	for i := range fs {
		s[i] = fs[i].Error()
	}
	return strings.Join(s, "; ")
}

// Freeing the NBL first is a "should": a warning, the NB lives on, and the
// design can still free it.
func TestFidelityFreeNBLBeforeItsNB(t *testing.T) {
	h := newFidHarness(t, 0)
	h.work(func(nd *binding.NDIS) {
		nbl, nb := h.p.build(nd, 0)
		nd.FreeNetBufferList(nbl)
		nd.FreeNetBuffer(nb)
	})
	h.unbind()
	h.requireRules(rule.FreeOrderNbBeforeNbl)

	h = newFidHarness(t, 0)
	h.work(func(nd *binding.NDIS) {
		nbl, nb := h.p.build(nd, 0)
		nd.FreeNetBuffer(nb)
		nd.FreeNetBufferList(nbl)
	})
	h.unbind()
	h.requireRules()
}

// An NB the NBL free left live and nobody freed is a leak the unbind sees.
// (The NB pool freed over it draws its own warning first.)
func TestFidelityNBLeftByTheNBLFreeLeaks(t *testing.T) {
	h := newFidHarness(t, 0)
	var nb pool.NB
	h.work(func(nd *binding.NDIS) {
		var nbl pool.NBL
		nbl, nb = h.p.build(nd, 0)
		nd.FreeNetBufferList(nbl)
	})
	h.unbind()
	h.requireRules(rule.FreeOrderNbBeforeNbl, rule.NbPoolFreedWithOutstanding, rule.ResourcesKeptPastUnbind)
	require.Contains(t, h.b.Findings()[2].Objects, nb.String())
}

// An NB pool freed with an NB live is a warning; the NB is still the
// design's to free, without PoolUseAfterFree.
func TestFidelityNBPoolFreedEarly(t *testing.T) {
	h := newFidHarness(t, 0)
	var nb pool.NB
	h.work(func(nd *binding.NDIS) { nb = nd.AllocateNetBuffer(h.p.nbPool, 1, 0, 64) })
	h.p.onUnbind = func(nd *binding.NDIS) {
		nd.FreeNetBufferPool(h.p.nbPool)
		nd.FreeNetBuffer(nb)
		h.p.nbPool = pool.NBPool{} // freed already
	}
	h.unbind()
	h.requireRules(rule.NbPoolFreedWithOutstanding)

	h = newFidHarness(t, 0)
	h.work(func(nd *binding.NDIS) { nb = nd.AllocateNetBuffer(h.p.nbPool, 1, 0, 64) })
	h.p.onUnbind = func(nd *binding.NDIS) { nd.FreeNetBuffer(nb) }
	h.unbind()
	h.requireRules()
}

// The NBL pool keeps its "must".
func TestFidelityNBLPoolFreedEarly(t *testing.T) {
	h := newFidHarness(t, 0)
	h.work(func(nd *binding.NDIS) { nd.AllocateNetBufferList(h.p.nblPool, 16, 0) })
	h.unbind() // frees the pool over the NBL
	h.requireRules(rule.PoolFreedWithOutstanding)
}

func TestFidelityMdlAndDataNeedsDataPool(t *testing.T) {
	h := newFidHarness(t, 0)
	h.work(func(nd *binding.NDIS) { nd.AllocateNetBufferMdlAndData(h.p.nbPool) })
	h.requireRules(rule.MdlAndDataNeedsDataPool)

	h = newFidHarness(t, 1514)
	h.work(func(nd *binding.NDIS) { nd.FreeNetBuffer(nd.AllocateNetBufferMdlAndData(h.p.nbPool)) })
	h.unbind()
	h.requireRules()
}

// Walking the chain of a freed NBL, or on from a freed NB, is the bug
// itself, not a NULL that ends the walk.
func TestFidelityChainWalkAfterFree(t *testing.T) {
	for _, c := range []struct {
		name string
		want rule.Name
		walk func(nd *binding.NDIS, nbl pool.NBL, nb pool.NB)
	}{
		{"first NB of a freed NBL", rule.UseAfterFree, func(nd *binding.NDIS, nbl pool.NBL, nb pool.NB) {
			nd.FreeNetBuffer(nb)
			nd.FreeNetBufferList(nbl)
			nd.FirstNB(nbl)
		}},
		{"next NB of a freed NB", rule.UseAfterFree, func(nd *binding.NDIS, nbl pool.NBL, nb pool.NB) {
			nd.FreeNetBuffer(nb)
			nd.NextNB(nb)
		}},
		{"first NB of NULL", rule.AllocationFailureIgnored, func(nd *binding.NDIS, _ pool.NBL, _ pool.NB) {
			nd.FirstNB(pool.NBL{})
		}},
	} {
		t.Run(c.name, func(t *testing.T) {
			h := newFidHarness(t, 0)
			h.work(func(nd *binding.NDIS) {
				nbl, nb := h.p.build(nd, 0)
				c.walk(nd, nbl, nb)
			})
			h.requireRules(c.want)
		})
	}

	h := newFidHarness(t, 0)
	h.work(func(nd *binding.NDIS) { // the legal walk reads each next before the free
		nbl, _ := h.p.build(nd, 0)
		for nb := nd.FirstNB(nbl); !nb.IsNull(); {
			next := nd.NextNB(nb)
			nd.FreeNetBuffer(nb)
			nb = next
		}
		nd.FreeNetBufferList(nbl)
	})
	h.unbind()
	h.requireRules()
}

// A retreat past the NB's unused space makes NDIS allocate: a warning, once
// per run, when the memory is released; a retreat within it costs nothing.
func TestFidelityRetreatAllocates(t *testing.T) {
	h := newFidHarness(t, 0)
	h.work(func(nd *binding.NDIS) {
		nbl, nb := h.p.build(nd, 8)
		require.Equal(t, pool.RetreatAllocated, nd.RetreatNetBufferDataStart(nb, 14, 0))
		require.Equal(t, pool.RetreatAllocated, nd.RetreatNetBufferDataStart(nb, 14, 0))
		nd.AdvanceNetBufferDataStart(nb, 28, true)
		require.Equal(t, pool.RetreatAllocated, nd.RetreatNetBufferDataStart(nb, 14, 0))
		nd.AdvanceNetBufferDataStart(nb, 14, true)
		nd.FreeNetBuffer(nb)
		nd.FreeNetBufferList(nbl)
	})
	h.unbind()
	h.requireRules(rule.RetreatAllocates)
	require.Contains(t, h.b.Findings()[0].Message, "releases the 28 bytes")

	h = newFidHarness(t, 0)
	h.work(func(nd *binding.NDIS) {
		nbl, nb := h.p.build(nd, 14)
		require.Equal(t, pool.RetreatInPlace, nd.RetreatNetBufferDataStart(nb, 14, 0))
		nd.AdvanceNetBufferDataStart(nb, 14, true)
		nd.FreeNetBuffer(nb)
		nd.FreeNetBufferList(nbl)
	})
	h.unbind()
	h.requireRules()
}

// Memory a retreat allocated is released by an advance with FreeMdl TRUE
// before the NB goes; FreeMdl FALSE keeps it, and the free is the error,
// alone (the allocation's warning comes with its release, which never came).
func TestFidelityRetreatMemoryNotReleased(t *testing.T) {
	for _, freeMdl := range []bool{false, true} {
		h := newFidHarness(t, 0)
		h.work(func(nd *binding.NDIS) {
			nbl, nb := h.p.build(nd, 0)
			nd.RetreatNetBufferDataStart(nb, 14, 0)
			nd.AdvanceNetBufferDataStart(nb, 14, freeMdl)
			nd.FreeNetBuffer(nb)
			nd.FreeNetBufferList(nbl)
		})
		if !freeMdl {
			h.requireRules(rule.RetreatMemoryNotReleased)
			continue
		}
		h.unbind()
		h.requireRules(rule.RetreatAllocates)
	}
}

// The NBL's own NB counts too: NdisFreeNetBufferList frees it.
func TestFidelityRetreatMemoryOnThePreallocatedNB(t *testing.T) {
	h := newFidHarness(t, 0)
	var combined pool.NBLPool
	h.work(func(nd *binding.NDIS) {
		combined = nd.AllocateNetBufferListPool(pool.NBLPoolParameters{AllocateNetBuffer: true})
	})
	h.requireRules(rule.PoolChangedWhileActive) // made while Running, for the test's brevity
	h.work(func(nd *binding.NDIS) {
		nbl := nd.AllocateNetBufferAndNetBufferList(combined, 0, 0, 1, 0, 64)
		nd.RetreatNetBufferDataStart(nd.FirstNB(nbl), 14, 0)
		nd.FreeNetBufferList(nbl)
	})
	h.requireRules(rule.PoolChangedWhileActive, rule.RetreatMemoryNotReleased)
}

// Detach, free the NBL, keep the NB and send it again in a new NBL: the NB
// cache, which draws nothing.
func TestFidelityUnlinkKeepsTheNB(t *testing.T) {
	h := newFidHarness(t, 0)
	var cached pool.NB
	h.p.onComplete = func(nd *binding.NDIS, nbl pool.NBL) {
		nd.UnlinkNetBuffer(nbl, nd.FirstNB(nbl))
		nd.FreeNetBufferList(nbl)
	}
	h.work(func(nd *binding.NDIS) {
		var nbl pool.NBL
		nbl, cached = h.p.build(nd, 0)
		h.p.send(nd, nbl)
	})
	h.b.CompleteSend(0, true)
	h.work(func(nd *binding.NDIS) {
		nbl := nd.AllocateNetBufferList(h.p.nblPool, 16, 0)
		nd.LinkNetBuffer(nbl, cached)
		h.p.send(nd, nbl)
	})
	h.b.CompleteSend(0, true)
	h.p.onUnbind = func(nd *binding.NDIS) { nd.FreeNetBuffer(cached) }
	h.unbind()
	h.requireRules()
}

func TestFidelityUnlinkFromAnInFlightNBL(t *testing.T) {
	h := newFidHarness(t, 0)
	h.work(func(nd *binding.NDIS) {
		nbl, nb := h.p.build(nd, 0)
		h.p.send(nd, nbl)
		nd.UnlinkNetBuffer(nbl, nb) // before its send-complete
	})
	h.requireRules(rule.SendInFlightTouched)
}

// An NB is unlinked from the NBL it is in, not from another.
func TestFidelityUnlinkFromTheWrongNBL(t *testing.T) {
	h := newFidHarness(t, 0)
	h.work(func(nd *binding.NDIS) {
		_, nb := h.p.build(nd, 0)
		other, _ := h.p.build(nd, 0)
		nd.UnlinkNetBuffer(other, nb)
	})
	h.requireRules(rule.NetBufferLinkedTwice)
}
