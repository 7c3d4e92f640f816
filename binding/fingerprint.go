package binding

import (
	"math/bits"

	"github.com/ndissim/ndissim/oid"
	"github.com/ndissim/ndissim/pool"
)

// Fingerprinter is implemented by a design (the binding.Protocol value)
// that writes its own state for the bounded explorer: every field that can
// change what it does later, with handles, PnP events and OID request IDs
// written through StateHash's methods so that two runs that differ only in
// how many objects came before hash alike. A design without it is hashed by
// a generic walk of its value (HashValue).
type Fingerprinter interface {
	Fingerprint(h *StateHash)
}

// StateHash is a 128-bit fingerprint of a simulated state, in two 64-bit
// lanes with a full avalanche per word. It is deterministic (no random
// seed), so that the same exploration gives the same report in any process;
// the explorer states the collision probability this width gives.
type StateHash struct {
	a, c  uint64
	b     *Binding
	ranks []int32
	seen  map[uintptr]bool // pointers a generic walk has followed
}

// Reset starts a new fingerprint of b's state.
func (h *StateHash) Reset(b *Binding) {
	h.a, h.c, h.b = 0x6e646973, 0x73696d00, b
	h.ranks = b.pools.PoolRanks(h.ranks)
}

// Sum is the fingerprint.
func (h *StateHash) Sum() (hi, lo uint64) { return fmix(h.a ^ 0xa5a5), fmix(h.c ^ 0x5a5a) }

// Word adds one word.
func (h *StateHash) Word(v uint64) {
	h.a = fmix(h.a ^ v)
	h.c = fmix(bits.RotateLeft64(h.c, 17) + v*0x9e3779b97f4a7c15 + 1)
}

// fmix is MurmurHash3's 64-bit finaliser: every input bit flips each output
// bit with probability about one half.
func fmix(k uint64) uint64 {
	k ^= k >> 33
	k *= 0xff51afd7ed558ccd
	k ^= k >> 33
	k *= 0xc4ceb9fe1a85ec53
	k ^= k >> 33
	return k
}

// Bool adds a flag.
func (h *StateHash) Bool(v bool) {
	if v {
		h.Word(1)
	} else {
		h.Word(0)
	}
}

// String adds a string, length first.
func (h *StateHash) String(s string) {
	h.Word(uint64(len(s)))
	var w uint64
	for i := 0; i < len(s); i++ {
		w = w<<8 | uint64(s[i])
		if i%8 == 7 {
			h.Word(w)
			w = 0
		}
	}
	h.Word(w)
}

func (h *StateHash) key(k pool.HandleKind, slot, serial uint32) {
	h.Word(h.b.pools.HandleKey(k, slot, serial, h.ranks))
}

// NBL adds an NBL handle as what a call with it would find.
func (h *StateHash) NBL(n pool.NBL) {
	slot, serial := n.Raw()
	h.key(pool.KindNBL, slot, serial)
}

// NB adds an NB handle.
func (h *StateHash) NB(n pool.NB) {
	slot, serial := n.Raw()
	h.key(pool.KindNB, slot, serial)
}

// NBLPool adds an NBL pool handle.
func (h *StateHash) NBLPool(p pool.NBLPool) {
	slot, serial := p.Raw()
	h.key(pool.KindNBLPool, slot, serial)
}

// NBPool adds an NB pool handle.
func (h *StateHash) NBPool(p pool.NBPool) {
	slot, serial := p.Raw()
	h.key(pool.KindNBPool, slot, serial)
}

// NdisEvent adds an NDIS_EVENT the design keeps: whether it is signaled.
func (h *StateHash) NdisEvent(e Event) { h.Bool(e.signaled) }

// Event adds a PnP event the design keeps: its kind, whether it is the
// one NDIS waits for (its number matters only so), and the needs its
// restart attributes carry.
func (h *StateHash) Event(ev PnPEvent) {
	h.Word(uint64(ev.Kind)<<8 | h.eventID(ev.ID))
	n, ok := ev.Restart.Needs()
	h.Bool(ok)
	h.Word(uint64(n.DataBackfill)<<32 | uint64(n.ContextBackfill))
	h.Word(uint64(len(ev.Restart.FilterModuleNames)))
}

func (h *StateHash) eventID(id uint32) uint64 {
	switch {
	case id == 0:
		return 0
	case id == h.b.pnpID:
		return 1
	}
	return 2
}

// RequestID adds an OID request ID the design keeps to recognise a
// completion: by the place of that request among those NDIS holds, since
// only those can still complete; 0 for none, 1 for one that no longer can.
func (h *StateHash) RequestID(id uint32) {
	if id == 0 {
		h.Word(0)
		return
	}
	for i, r := range h.b.oids {
		if r.ID == id {
			h.Word(uint64(i) + 2)
			return
		}
	}
	h.Word(1)
}

// Request adds an OID request.
func (h *StateHash) Request(r oid.Request) {
	h.RequestID(r.ID)
	h.Word(uint64(r.Type)<<48 | uint64(r.OID)<<16)
	h.Word(uint64(r.Value))
}

// Result adds an OID request's result.
func (h *StateHash) Result(r oid.Result) {
	h.Word(uint64(r.Status))
	h.Word(uint64(r.Needs.DataBackfill)<<32 | uint64(r.Needs.ContextBackfill))
	h.Word(uint64(r.Value))
}

// Fingerprint writes the binding's own state at a move boundary (no
// callback running): the lifecycle state, what NDIS holds pending, the
// sends in flight and receives held in their order, then the pools and the
// stack. Counters that only grow (sends made, serial numbers, the next OID
// number) are left out: they name things, they decide nothing.
func (b *Binding) Fingerprint(h *StateHash) {
	h.String(string(b.life.State()))
	h.Word(uint64(b.pnpPending)<<8 | h.eventID(b.pnpID))
	flags := []bool{b.halted, b.opened, b.openPending, b.bindPending, b.unbindPending, b.closeCalled, b.closePending}
	var f uint64
	for i, v := range flags {
		if v {
			f |= 1 << i
		}
	}
	h.Word(f)
	h.Word(uint64(len(b.oids)))
	for _, r := range b.oids {
		h.Request(r)
	}
	h.Word(uint64(len(b.inFlight)))
	for _, n := range b.inFlight {
		h.NBL(n)
	}
	h.Word(uint64(len(b.held)))
	for _, n := range b.held {
		h.NBL(n)
	}
	b.pools.Fingerprint(h, h.ranks)
	b.stack.Fingerprint(h)
}

// FingerprintDesign writes the design's state: by its own Fingerprint if
// it has one (and reports true), else, or when generic is set, by a
// generic walk of its value.
func (b *Binding) FingerprintDesign(h *StateHash, generic bool) bool {
	if fp, ok := b.proto.(Fingerprinter); ok && !generic {
		fp.Fingerprint(h)
		return true
	}
	h.Value(b.proto)
	return false
}
