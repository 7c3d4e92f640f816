package pool

import (
	"strconv"
	"strings"

	"github.com/ndissim/ndissim/rule"
)

// A call that breaks an error rule changes nothing and returns the finding.
// A call that breaks a warning rule (a "should" of the pages) does what NDIS
// does and returns the finding as well: the caller reports it and goes on.

// LinkNetBuffer appends NB b to NBL l's chain, as a driver does by setting
// NET_BUFFER_LIST_FIRST_NB or an NB's Next.
func (t *Tracker) LinkNetBuffer(l NBL, b NB) error {
	const call = "link NB into NBL"
	li, err := t.nbl(l, call, false)
	if err != nil {
		return err
	}
	bi, err := t.nb(b, call, false)
	if err != nil {
		return err
	}
	nb := &t.nbs[bi]
	if nb.nbl != none {
		return finding(rule.NetBufferLinkedTwice, []string{b.String(), l.String()},
			"%s linked into %s while it is still linked into %s", b, l, t.nblHandle(nb.nbl))
	}
	n := &t.nbls[li]
	t.touchNB(bi)
	t.touchNBL(li)
	nb.nbl, nb.next = li, none
	if n.lastNB == none {
		n.firstNB = bi
	} else {
		t.touchNB(n.lastNB)
		t.nbs[n.lastNB].next = bi
	}
	n.lastNB = bi
	n.nbCount++
	return nil
}

// UnlinkNetBuffer takes NB b out of NBL l's chain, as a driver does by
// rewriting NET_BUFFER_LIST_FIRST_NB or the previous NB's Next (NDIS has no
// call for it). The NB stays live, free to be linked elsewhere or freed.
//
// An NB that is not in l's chain is NetBufferLinkedTwice: the driver's
// pointer surgery on the wrong NBL would splice the NB's successors, which
// belong to another NBL or to none, into l's chain, so that they are
// reachable from two NBLs at once, the very thing that rule forbids.
func (t *Tracker) UnlinkNetBuffer(l NBL, b NB) error {
	const call = "unlink NB from NBL"
	li, err := t.nbl(l, call, false)
	if err != nil {
		return err
	}
	bi, err := t.nb(b, call, false)
	if err != nil {
		return err
	}
	if in := t.nbs[bi].nbl; in != li {
		where := "it is in no NBL"
		if in != none {
			where = "it is linked into " + t.nblHandle(in).String()
		}
		return finding(rule.NetBufferLinkedTwice, []string{b.String(), l.String()},
			"%s unlinked from %s, but %s; rewriting %s's chain would hand it NBs that are not its own", b, l, where, l)
	}
	t.unlink(li, bi)
	return nil
}

// FreeNetBuffer models NdisFreeNetBuffer. Freeing an NB still linked to its
// NBL unlinks it, which is how a driver frees its NBs before their NBL. The
// NB's pool may already be freed (NbPoolFreedWithOutstanding left it live).
func (t *Tracker) FreeNetBuffer(b NB) error {
	const call = "NdisFreeNetBuffer"
	bi, err := t.nb(b, call, true)
	if err != nil {
		return err
	}
	nb := &t.nbs[bi]
	if nb.prealloc {
		home := t.nblHandle(t.homeOf(bi))
		return finding(rule.FreePreallocatedNb, []string{b.String(), home.String()},
			"%s on %s, which came with %s; it is freed only with its NBL", call, b, home)
	}
	if nb.retreatBytes != 0 {
		return t.retreatHeld(bi, call, b.String())
	}
	if nb.nbl != none {
		t.unlink(nb.nbl, bi)
	}
	t.releaseNB(bi)
	return nil
}

// FreeNetBufferList models NdisFreeNetBufferList. It frees the NBL and the
// NB that came with it, nothing else: an NB the driver allocated separately
// and left linked stays live and unlinked, for the driver to reuse or free
// (a leak if it never does). Leaving one linked draws the warning
// FreeOrderNbBeforeNbl, since the pages advise freeing such NBs first.
func (t *Tracker) FreeNetBufferList(l NBL) error {
	const call = "NdisFreeNetBufferList"
	li, err := t.nbl(l, call, true)
	if err != nil {
		return err
	}
	pre := t.nbls[li].pre
	if pre != none && t.nbs[pre].retreatBytes != 0 {
		return t.retreatHeld(pre, call, l.String())
	}
	kept, first := t.detachChain(li)
	if pre != none {
		if in := t.nbs[pre].nbl; in != none { // moved into another NBL's chain
			t.unlink(in, pre)
		}
		t.touchNB(pre)
		t.nbs[pre] = nbSlot{nextFree: t.freeNB}
		t.freeNB = pre
	}
	t.touchNBL(li)
	n := &t.nbls[li]
	t.touchPool(n.pool)
	ps := &t.pools[n.pool]
	ps.counter.released()
	t.live[ps.owner].nbls--
	*n = nblSlot{nextFree: t.freeNBL}
	t.freeNBL = li
	if kept == 0 {
		return nil
	}
	return finding(rule.FreeOrderNbBeforeNbl, []string{l.String(), first.String()},
		"%s freed while %s, allocated separately, is still linked to it%s; NdisFreeNetBufferList leaves it live and unlinked: "+
			"free it with NdisFreeNetBuffer, before the NBL as the pages advise, or reuse it", l, first, more(kept-1))
}

// detachChain unlinks every NB of NBL li's chain. It returns how many of
// them were allocated separately, and the first of those: the NBL's own
// preallocated NB, which the caller frees, and another NBL's, which stays
// with that NBL, are not counted.
func (t *Tracker) detachChain(li int32) (kept int, first NB) {
	for bi := t.nbls[li].firstNB; bi != none; {
		t.touchNB(bi)
		nb := &t.nbs[bi]
		next := nb.next
		nb.nbl, nb.next = none, none
		if !nb.prealloc {
			if kept == 0 {
				first = t.nbHandle(bi)
			}
			kept++
		}
		bi = next
	}
	t.touchNBL(li)
	n := &t.nbls[li]
	n.firstNB, n.lastNB, n.nbCount = none, none, 0
	return kept, first
}

// retreatHeld is the finding for freeing NB bi (or the NBL it came with,
// freed) while memory an allocating retreat chained to it is still there:
// NDIS releases that memory in NdisAdvanceNetBufferDataStart, and freeing
// the NB loses it. The callers test retreatBytes first, so that the legal
// path builds no name.
func (t *Tracker) retreatHeld(bi int32, call, freed string) error {
	nb := &t.nbs[bi]
	b := t.nbHandle(bi)
	objs := []string{b.String()}
	if freed != b.String() {
		objs = []string{freed, b.String()}
	}
	return finding(rule.RetreatMemoryNotReleased, objs,
		"%s %s while %s still holds %d byte(s) in %d MDL(s) that NdisRetreatNetBufferDataStart allocated; "+
			"advance over them with NdisAdvanceNetBufferDataStart (FreeMdl TRUE) first",
		call, freed, b, nb.retreatBytes, nb.retreatMDLs)
}

// homeOf is the NBL a live preallocated NB came with. It searches, as only
// a finding's message needs it.
func (t *Tracker) homeOf(bi int32) int32 {
	for i := range t.nbls {
		if t.nbls[i].serial != 0 && t.nbls[i].pre == bi {
			return int32(i)
		}
	}
	panic("pool: a live preallocated NB without its NBL")
}

// FreeNetBufferListPool models NdisFreeNetBufferListPool. Its page says the
// NBLs must be freed first, so a pool with live NBLs is an error and stays.
func (t *Tracker) FreeNetBufferListPool(p NBLPool) error {
	ps, err := t.nblPool(p, "NdisFreeNetBufferListPool")
	if err != nil {
		return err
	}
	if ps.counter.Live > 0 {
		return t.outstanding(rule.PoolFreedWithOutstanding, ps, p.slot, "NBL")
	}
	t.releasePool(ps, p.slot)
	return nil
}

// FreeNetBufferPool models NdisFreeNetBufferPool. Its page only says the NBs
// should be freed first, so the pool is freed anyway, with a warning. Its
// live NBs stay valid: they can still be read, linked and freed with
// NdisFreeNetBuffer, and one never freed is a leak like any other. No new
// NB can come from the pool.
func (t *Tracker) FreeNetBufferPool(p NBPool) error {
	ps, err := t.nbPool(p, "NdisFreeNetBufferPool")
	if err != nil {
		return err
	}
	t.releasePool(ps, p.slot)
	if ps.counter.Live > 0 {
		return t.outstanding(rule.NbPoolFreedWithOutstanding, ps, p.slot, "NB")
	}
	return nil
}

func (t *Tracker) releasePool(ps *poolSlot, slot uint32) {
	t.forget() // the ranks of the pools after it change
	t.touchPool(slot)
	ps.freed = true
	t.live[ps.owner].pools--
}

func (t *Tracker) outstanding(r rule.Name, ps *poolSlot, slot uint32, kind string) error {
	obj := name(kind+" pool", ps.serial)
	live := t.liveIn(slot, 4)
	return finding(r, append([]string{obj}, live...),
		"%s freed with %d %s(s) still allocated from it (%s)", obj, ps.counter.Live, kind, strings.Join(live, ", "))
}

// more says how many more objects a message stands for.
func more(n int) string {
	if n == 0 {
		return ""
	}
	return " (and " + strconv.Itoa(n) + " more)"
}

// liveIn names up to max live structures allocated from the pool in slot.
func (t *Tracker) liveIn(slot uint32, max int) []string {
	var out []string
	for i := range t.nbls {
		if len(out) == max {
			return out
		}
		if t.nbls[i].serial != 0 && t.nbls[i].pool == slot {
			out = append(out, t.nblHandle(int32(i)).String())
		}
	}
	for i := range t.nbs {
		if len(out) == max {
			return out
		}
		if s := t.nbs[i]; s.serial != 0 && !s.prealloc && s.pool == slot {
			out = append(out, t.nbHandle(int32(i)).String())
		}
	}
	return out
}

func (t *Tracker) unlink(li, bi int32) {
	t.touchNBL(li)
	t.touchNB(bi)
	n := &t.nbls[li]
	prev := int32(none)
	for cur := n.firstNB; cur != none; prev, cur = cur, t.nbs[cur].next {
		if cur != bi {
			continue
		}
		if prev == none {
			n.firstNB = t.nbs[cur].next
		} else {
			t.touchNB(prev)
			t.nbs[prev].next = t.nbs[cur].next
		}
		if n.lastNB == cur {
			n.lastNB = prev
		}
		n.nbCount--
		break
	}
	t.nbs[bi].nbl, t.nbs[bi].next = none, none
}

func (t *Tracker) releaseNB(bi int32) {
	t.touchPool(t.nbs[bi].pool)
	ps := &t.pools[t.nbs[bi].pool]
	ps.counter.released()
	t.live[ps.owner].nbs--
	t.touchNB(bi)
	t.nbs[bi] = nbSlot{nextFree: t.freeNB}
	t.freeNB = bi
}

func (c *Counters) released() {
	c.Live--
	c.Freed++
}
