package design

import (
	"github.com/ndissim/ndissim/binding"
	"github.com/ndissim/ndissim/designkit"
	"github.com/ndissim/ndissim/pool"
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

func (p *configurable) Fingerprint(h *binding.StateHash) {
	h.Bool(p.running())
	h.Word(uint64(p.Needs.DataBackfill)<<32 | uint64(p.Needs.ContextBackfill))
	h.Word(uint64(p.PoolNeeds.DataBackfill)<<32 | uint64(p.PoolNeeds.ContextBackfill))
	pools(h, &p.Pools)
	h.Word(uint64(p.Sends))
	nbls(h, p.Held)
	q := &p.query
	h.RequestID(q.id)
	h.Bool(q.pending)
	h.Bool(q.answered)
	h.Result(q.res)
	h.Event(p.pended)
	h.Bool(p.Pausing)
	h.Bool(p.restarting)
	h.Word(uint64(p.rebuildTries))
	h.Bool(p.bindWait)
	// The lifecycle settings' state. The spin lock is left out: it is never
	// held between callbacks (SpinLockHeldAtReturn halts a run that does).
	nbls(h, p.Copies)
	h.Bool(p.binding)
	h.Bool(p.bindQuery)
	h.Bool(p.open)
	h.Word(uint64(len(p.oids)))
	for _, id := range p.oids {
		h.RequestID(id)
	}
	h.Bool(p.CloseWait)
	h.Bool(p.Closed)
	h.NdisEvent(p.Event)
	h.Bool(p.Waiting)
	h.Bool(p.OpenDone)
	h.Word(uint64(p.OpenStatus))
	h.Bool(p.ReadPending) // a read waits for a receive (receive.keep: hold-for-read)
}

func pools(h *binding.StateHash, s *designkit.Pools) {
	h.NBLPool(s.NBLPool)
	h.NBPool(s.NBPool)
	h.NBLPool(s.ReceivePool)
}

func nbls(h *binding.StateHash, l []pool.NBL) {
	h.Word(uint64(len(l)))
	for _, n := range l {
		h.NBL(n)
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
