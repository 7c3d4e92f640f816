package design

import (
	"github.com/ndissim/ndissim/binding"
	"github.com/ndissim/ndissim/designkit"
)

// The built-in designs' fingerprints for the bounded explorer
// (binding.Fingerprinter): every field that decides what the design does
// later, and none that only numbers things. The sequence numbers the
// designs take their OID request IDs from are left out; the IDs are written
// through StateHash.RequestID, which says which request in flight they
// name, the only thing a completion compares them with. Configuration
// (cfg, the base's Config) is the same in every state of a design and left
// out too, as is the base's State beyond whether it says Running, the one
// thing the configurable protocol reads of it.
// ndisprot-pended, built on designkit.Base, and the broken designs have
// none: each embeds the kit's base and many add fields
// of their own, which a method on brokenBase would silently leave out; the
// generic walk (binding.StateHash.Value) sees them all.

// Fingerprint is hashed at every transition the explorer makes, so it
// writes as few words as tell the states apart: the flags and the numbers
// packed three words' worth, and the handles of the pools that exist. That
// is about a dozen words where a word or a flag per field took 26 (a flag
// between two words takes a word of its own in StateHash), and the states
// it tells apart are the same (TestPackedFingerprintIsAsFineAsWordByWord).
// The NDIS event's flag is StateHash's to write; the flag after it says how
// the numbers are written.
func (p *configurable) Fingerprint(h *binding.StateHash) {
	small, fits := p.smallFields()
	h.NdisEvent(p.Event)
	h.Bool(fits)
	if fits {
		h.Word(small[0])
		h.Word(small[1])
		h.Word(small[2])
	} else {
		h.Word(p.flags())
		p.wideFields(h)
	}
	livePools(h, &p.Pools)
	h.RequestID(p.query.id)
	h.Event(p.pended)
	// The lists' lengths are among the numbers above.
	for _, n := range p.Held {
		h.NBL(n)
	}
	for _, n := range p.Copies {
		h.NBL(n)
	}
	for _, id := range p.oids {
		h.RequestID(id)
	}
}

// flags are the protocol's flags, a bit each, with which pools
// are NULL. The spin lock is left out: it is never held between callbacks
// (SpinLockHeldAtReturn halts a run that does).
func (p *configurable) flags() uint64 {
	return bit(p.running(), 0) | bit(p.query.pending, 1) | bit(p.query.answered, 2) | bit(p.Pausing, 3) |
		bit(p.restarting, 4) | bit(p.bindWait, 5) | bit(p.binding, 6) | bit(p.bindQuery, 7) |
		bit(p.open, 8) | bit(p.CloseWait, 9) | bit(p.Closed, 10) | bit(p.Waiting, 11) | bit(p.OpenDone, 12) |
		bit(p.ReadPending, 13) | // a read waits for a receive (receive.keep: hold-for-read)
		bit(p.NBLPool.IsNull(), 14) | bit(p.NBPool.IsNull(), 15) | bit(p.ReceivePool.IsNull(), 16)
}

// bit is 1<<i when on, else 0.
func bit(on bool, i uint) uint64 {
	var b uint64
	if on {
		b = 1
	}
	return b << i
}

// smallFields packs the numbers of the configurable protocol's state into
// three words, 16 or 8 bits each, with the flags, and reports whether every
// number fits its lanes. They nearly always do (backfills of a few hundred
// bytes, a few sends and requests); a state where one does not is written
// in full by wideFields, and the flag written before says which, so that
// no two states share their words either way.
func (p *configurable) smallFields() ([3]uint64, bool) {
	r := &p.query.res
	n16 := uint64(p.Needs.DataBackfill | p.Needs.ContextBackfill | p.PoolNeeds.DataBackfill | p.PoolNeeds.ContextBackfill |
		r.Needs.DataBackfill | r.Needs.ContextBackfill | r.Value)
	sends, tries, held := uint64(p.Sends), uint64(p.rebuildTries), uint64(len(p.Held))
	copies, oids := uint64(len(p.Copies)), uint64(len(p.oids))
	if n16>>16 != 0 || (sends|tries|held|copies|oids)>>8 != 0 {
		return [3]uint64{}, false
	}
	return [3]uint64{
		uint64(p.Needs.DataBackfill) | uint64(p.Needs.ContextBackfill)<<16 |
			uint64(p.PoolNeeds.DataBackfill)<<32 | uint64(p.PoolNeeds.ContextBackfill)<<48,
		uint64(r.Needs.DataBackfill) | uint64(r.Needs.ContextBackfill)<<16 | uint64(r.Value)<<32 |
			uint64(r.Status)<<48 | uint64(p.OpenStatus)<<56,
		sends | tries<<8 | held<<16 | copies<<24 | oids<<32 | p.flags()<<40,
	}, true
}

// wideFields writes the numbers smallFields packs, a word or a pair each.
func (p *configurable) wideFields(h *binding.StateHash) {
	h.Word(uint64(p.Needs.DataBackfill)<<32 | uint64(p.Needs.ContextBackfill))
	h.Word(uint64(p.PoolNeeds.DataBackfill)<<32 | uint64(p.PoolNeeds.ContextBackfill))
	h.Result(p.query.res)
	h.Word(uint64(p.OpenStatus))
	h.Word(uint64(p.Sends))
	h.Word(uint64(p.rebuildTries))
	h.Word(uint64(len(p.Held)))
	h.Word(uint64(len(p.Copies)))
	h.Word(uint64(len(p.oids)))
}

// livePools writes the pools that are not NULL, whose flags say so: a NULL
// handle is the same in every state (most designs never make an NB pool or
// a receive pool), and its word would only cost time.
func livePools(h *binding.StateHash, s *designkit.Pools) {
	if !s.NBLPool.IsNull() {
		h.NBLPool(s.NBLPool)
	}
	if !s.NBPool.IsNull() {
		h.NBPool(s.NBPool)
	}
	if !s.ReceivePool.IsNull() {
		h.NBLPool(s.ReceivePool)
	}
}

func queue(h *binding.StateHash, q []queued) {
	h.Word(uint64(len(q)))
	for _, e := range q {
		h.NBL(e.nbl)
		h.Bool(e.local)
	}
}

func (p *ndisprot) Fingerprint(h *binding.StateHash) {
	h.NBLPool(p.sendPool)
	h.NBLPool(p.recvPool)
	h.Word(uint64(p.state))
	h.Word(uint64(p.pendedSends)<<32 | uint64(p.pendedReads))
	queue(h, p.queue)
	h.NdisEvent(p.bindEvent)
	h.Word(uint64(p.bindStatus))
	h.NdisEvent(p.closingEvent)
	h.RequestID(p.req.id)
	h.NdisEvent(p.req.event)
	h.Result(p.req.result)
}
