package pool

import (
	"math/rand/v2"
	"reflect"
	"testing"
)

// churn drives a tracker with random calls of every kind that writes a
// slot, as the explorer does: from a snapshot, a few calls, then back to
// the snapshot (the same one again, or another).
type churn struct {
	t    *testing.T
	rng  *rand.Rand
	tr   *Tracker
	nblp []NBLPool
	nbp  []NBPool
	nbls []NBL
	nbs  []NB
}

// pickNBL is mostly a live NBL, sometimes a freed one.
func (c *churn) pickNBL() NBL {
	var l NBL
	for range 4 {
		if len(c.nbls) == 0 {
			return NBL{}
		}
		if l = c.nbls[c.rng.IntN(len(c.nbls))]; c.tr.LiveNBL(l) {
			return l
		}
	}
	return l
}

// pickNB is mostly a live NB, sometimes a freed one; free says whether
// one in no NBL's chain is wanted.
func (c *churn) pickNB(free bool) NB {
	var b NB
	for range 4 {
		if len(c.nbs) == 0 {
			return NB{}
		}
		b = c.nbs[c.rng.IntN(len(c.nbs))]
		if info, ok := c.tr.NB(b); ok && info.NBL.IsNull() == free {
			return b
		}
	}
	return b
}

// randomFaults fail one allocation in eight.
type randomFaults struct{ rng *rand.Rand }

func (f randomFaults) FailAllocation(Op) bool { return f.rng.IntN(8) == 0 }

// addNBL keeps a new NBL and the NB that came with it, which the calls on
// NBs move and unlink too.
func (c *churn) addNBL(l NBL) {
	c.nbls = append(c.nbls, l)
	if b := c.tr.FirstNB(l); !b.IsNull() {
		c.nbs = append(c.nbs, b)
	}
}

// step makes one random call. Calls on freed or NULL handles are made too:
// they must change nothing.
func (c *churn) step() {
	tr, r := c.tr, c.rng
	switch r.IntN(16) {
	case 0:
		data := uint32(r.IntN(2)) * 256
		p, _ := tr.AllocateNetBufferListPool(Owner(r.IntN(2)), NBLPoolParameters{ContextSize: 16, AllocateNetBuffer: data > 0 || r.IntN(2) == 0, DataSize: data})
		c.nblp = append(c.nblp, p)
	case 1:
		p, _ := tr.AllocateNetBufferPool(OwnerProtocol, NBPoolParameters{DataSize: uint32(r.IntN(2)) * 128})
		c.nbp = append(c.nbp, p)
	case 2, 3:
		if len(c.nblp) > 0 {
			l, _ := tr.AllocateNetBufferList(c.nblp[r.IntN(len(c.nblp))], 16, 0)
			c.addNBL(l)
		}
	case 4:
		if len(c.nblp) > 0 {
			l, _ := tr.AllocateNetBufferAndNetBufferList(c.nblp[r.IntN(len(c.nblp))], 0, 16, 1, 64, 100)
			c.addNBL(l)
		}
	case 5, 6:
		if len(c.nbp) > 0 {
			p := c.nbp[r.IntN(len(c.nbp))]
			b, _ := tr.AllocateNetBuffer(p, 1, 32, 100)
			if r.IntN(2) == 0 {
				b, _ = tr.AllocateNetBufferMdlAndData(p)
			}
			c.nbs = append(c.nbs, b)
		}
	case 7:
		_ = tr.LinkNetBuffer(c.pickNBL(), c.pickNB(true))
	case 8:
		b, l := c.pickNB(false), c.pickNBL()
		if info, ok := tr.NB(b); ok && !info.NBL.IsNull() && r.IntN(4) > 0 {
			l = info.NBL // mostly where it is: a chain of several loses one
		}
		_ = tr.UnlinkNetBuffer(l, b)
	case 9:
		_ = tr.FreeNetBuffer(c.pickNB(r.IntN(2) == 0))
	case 10:
		_ = tr.FreeNetBufferList(c.pickNBL())
	case 11:
		if len(c.nblp) > 0 && r.IntN(4) == 0 {
			_ = tr.FreeNetBufferListPool(c.nblp[r.IntN(len(c.nblp))])
		}
	case 12:
		if len(c.nbp) > 0 && r.IntN(4) == 0 {
			_ = tr.FreeNetBufferPool(c.nbp[r.IntN(len(c.nbp))])
		}
	case 13:
		if r.IntN(2) == 0 {
			tr.SetHolder(c.pickNBL(), Holder(r.IntN(4)))
		} else {
			tr.SetSourceHandle(c.pickNBL())
		}
	case 14:
		b := c.pickNB(r.IntN(2) == 0)
		if l := c.pickNBL(); tr.LiveNBL(l) && r.IntN(2) == 0 {
			b = tr.FirstNB(l) // the preallocated NBs retreat too
		}
		_, _ = tr.RetreatDataStart(b, uint32(r.IntN(80)), uint32(r.IntN(2))*32)
	case 15:
		_ = tr.AdvanceDataStart(c.pickNB(r.IntN(2) == 0), uint32(r.IntN(80)), r.IntN(2) == 0)
	}
}

// sums are the tracker's slot sums as the fingerprint takes them.
func (c *churn) sums() [tables]Sum {
	return c.tr.slotSums(c.tr.PoolRanks(nil))
}

// check fails unless the incremental sums are the sums from scratch.
func (c *churn) check(what string) {
	c.t.Helper()
	ranks := c.tr.PoolRanks(nil)
	if got, want := c.tr.slotSums(ranks), c.tr.fullSums(ranks); got != want {
		c.t.Fatalf("%s: incremental sums %x, from scratch %x", what, got, want)
	}
}

// saved is what a restore must bring back.
type saved struct {
	Maa, Serial     uint32
	FreeNBL, FreeNB int32
	Pools           []poolSlot
	NBLs            []nblSlot
	NBs             []nbSlot
	Live            [3]liveCount
	Retreats        uint64
}

func tablesOf(t *Tracker) saved {
	return saved{t.maa, t.serial, t.freeNBL, t.freeNB, append([]poolSlot{}, t.pools...), append([]nblSlot{}, t.nbls...),
		append([]nbSlot{}, t.nbs...), t.live, t.retreatAllocations}
}

// After every call of random runs restored from snapshots as the explorer
// restores them, the slots' sums kept incrementally are the sums of every
// slot, a restore brings back the sums saved and exactly the tables saved
// (restoring the same snapshot again copies back only the slots touched).
func TestIncrementalSumsAreTheSumsFromScratch(t *testing.T) {
	for seed := range uint64(40) {
		c := &churn{t: t, rng: rand.New(rand.NewPCG(seed, 11)), tr: NewTracker(16)}
		c.tr.TrackChanges()
		c.tr.Reset()
		c.tr.SetFaults(randomFaults{c.rng})
		var snaps [3]Snapshot
		var kept [3]saved
		for i := range snaps {
			for range 20 {
				c.step()
			}
			c.tr.Snapshot(&snaps[i])
			kept[i] = tablesOf(c.tr)
			if snaps[i].sums != c.sums() {
				t.Fatalf("seed %d: the snapshot's sums are not the tracker's", seed)
			}
		}
		for round := range 300 {
			k := c.rng.IntN(len(snaps))
			for range 1 + c.rng.IntN(3) { // the explorer restores one state many times
				c.tr.Restore(&snaps[k])
				if got := tablesOf(c.tr); !reflect.DeepEqual(got, kept[k]) {
					t.Fatalf("seed %d, round %d: restored tables differ from the saved ones", seed, round)
				}
				if c.sums() != snaps[k].sums {
					t.Fatalf("seed %d, round %d: restored sums differ from the saved ones", seed, round)
				}
				for range 1 + c.rng.IntN(6) {
					c.step()
					c.check("after a call")
				}
			}
			if c.rng.IntN(8) == 0 { // a new state replaces one
				c.tr.Snapshot(&snaps[k])
				kept[k] = tablesOf(c.tr)
			}
		}
	}
}

// The check above catches a write that skips touch: the sums go stale.
func TestAWriteWithoutTouchIsCaught(t *testing.T) {
	tr := NewTracker(16)
	tr.TrackChanges()
	tr.Reset()
	p, _ := tr.AllocateNetBufferListPool(OwnerProtocol, NBLPoolParameters{ContextSize: 16, AllocateNetBuffer: true})
	l, _ := tr.AllocateNetBufferList(p, 16, 0)
	var s Snapshot
	tr.Snapshot(&s)
	tr.Restore(&s)
	tr.nbls[l.slot].holder = HeldByNDIS // as SetHolder would, without touch
	ranks := tr.PoolRanks(nil)
	if tr.slotSums(ranks) == tr.fullSums(ranks) {
		t.Fatal("a slot written without touch went unnoticed")
	}
}
