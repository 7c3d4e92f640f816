package pool

import (
	"strings"

	"github.com/ndissim/ndissim/internal/rule"
)

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
	nb.nbl, nb.next = li, none
	if n.lastNB == none {
		n.firstNB = bi
	} else {
		t.nbs[n.lastNB].next = bi
	}
	n.lastNB = bi
	n.nbCount++
	return nil
}

// FreeNetBuffer models NdisFreeNetBuffer. Freeing an NB still linked to its
// NBL unlinks it, which is how a driver frees its NBs before their NBL.
func (t *Tracker) FreeNetBuffer(b NB) error {
	bi, err := t.nb(b, "NdisFreeNetBuffer", true)
	if err != nil {
		return err
	}
	nb := &t.nbs[bi]
	if nb.prealloc {
		return finding(rule.FreePreallocatedNb, []string{b.String(), t.nblHandle(nb.nbl).String()},
			"NdisFreeNetBuffer on %s, which came with %s; it is freed only with its NBL", b, t.nblHandle(nb.nbl))
	}
	if nb.nbl != none {
		t.unlink(nb.nbl, bi)
	}
	t.releaseNB(bi)
	return nil
}

// FreeNetBufferList models NdisFreeNetBufferList. It frees the NB that came
// with the NBL; an NB the driver allocated separately must be gone already.
func (t *Tracker) FreeNetBufferList(l NBL) error {
	li, err := t.nbl(l, "NdisFreeNetBufferList", true)
	if err != nil {
		return err
	}
	for bi := t.nbls[li].firstNB; bi != none; bi = t.nbs[bi].next {
		if !t.nbs[bi].prealloc {
			b := t.nbHandle(bi)
			return finding(rule.FreeOrderNbBeforeNbl, []string{l.String(), b.String()},
				"%s freed while %s, allocated separately, is still linked to it; free the NB first", l, b)
		}
	}
	for bi := t.nbls[li].firstNB; bi != none; {
		next := t.nbs[bi].next
		t.nbs[bi] = nbSlot{nextFree: t.freeNB}
		t.freeNB = bi
		bi = next
	}
	n := &t.nbls[li]
	ps := &t.pools[n.pool]
	ps.counter.released()
	t.live[ps.owner].nbls--
	*n = nblSlot{nextFree: t.freeNBL}
	t.freeNBL = li
	return nil
}

// FreeNetBufferListPool models NdisFreeNetBufferListPool.
func (t *Tracker) FreeNetBufferListPool(p NBLPool) error {
	ps, err := t.nblPool(p, "NdisFreeNetBufferListPool")
	if err != nil {
		return err
	}
	return t.freePool(ps, p.slot, "NBL")
}

// FreeNetBufferPool models NdisFreeNetBufferPool.
func (t *Tracker) FreeNetBufferPool(p NBPool) error {
	ps, err := t.nbPool(p, "NdisFreeNetBufferPool")
	if err != nil {
		return err
	}
	return t.freePool(ps, p.slot, "NB")
}

func (t *Tracker) freePool(ps *poolSlot, slot uint32, kind string) error {
	if ps.counter.Live > 0 {
		obj := name(kind+" pool", ps.serial)
		return finding(rule.PoolFreedWithOutstanding, append([]string{obj}, t.liveIn(slot, 4)...),
			"%s freed with %d %s(s) still allocated from it (%s)", obj, ps.counter.Live, kind,
			strings.Join(t.liveIn(slot, 4), ", "))
	}
	ps.freed = true
	t.live[ps.owner].pools--
	return nil
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
	n := &t.nbls[li]
	prev := int32(none)
	for cur := n.firstNB; cur != none; prev, cur = cur, t.nbs[cur].next {
		if cur != bi {
			continue
		}
		if prev == none {
			n.firstNB = t.nbs[cur].next
		} else {
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
	ps := &t.pools[t.nbs[bi].pool]
	ps.counter.released()
	t.live[ps.owner].nbs--
	t.nbs[bi] = nbSlot{nextFree: t.freeNB}
	t.freeNB = bi
}

func (c *Counters) released() {
	c.Live--
	c.Freed++
}
