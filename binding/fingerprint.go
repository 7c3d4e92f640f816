package binding

import (
	"unsafe"

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

// StateHash is a 128-bit fingerprint of a simulated state: a pool.Sum of
// the words written, two at a time, each pair at its position in the
// sequence (a run of flags is packed into one word), with the number of
// words, plus the sums of the pool slots, which the tracker keeps
// incrementally. It is deterministic (no random seed), so that the same
// exploration gives the same report in any process; the explorer states
// the collision probability this width gives.
//
// Words are buffered and mixed a batch at a time: the mixes of different
// pairs do not depend on each other, so a loop over the batch keeps the
// multiplier busy instead of waiting on each word in turn.
type StateHash struct {
	s     pool.Sum
	pairs uint64 // pairs mixed
	buf   [32]uint64
	n     uint // words in buf
	// lim is where Word must stop and look: the end of buf, or 0 while
	// flags wait to be written before the next word.
	lim uint
	// flags are the flags not yet written, after a leading 1 bit (1: none).
	flags uint64
	pad   bool // Sum padded the last pair with a 0
	b     *Binding
	ranks []int32
	seen  map[uintptr]bool // pointers a generic walk has followed
	// shortStr packs into shortWord (short).
	shortStr  string
	shortWord uint64
}

// Reset starts a new fingerprint of b's state. From then on b's tracker
// keeps its slots' sums as moves change them, so that the next fingerprint
// hashes only what changed.
func (h *StateHash) Reset(b *Binding) {
	h.begin(b)
	b.pools.TrackChanges()
	h.ranks = b.pools.PoolRanks(h.ranks)
}

// begin empties the fingerprint; the zero StateHash must begin too.
func (h *StateHash) begin(b *Binding) {
	h.s, h.pairs, h.n, h.lim, h.flags, h.pad, h.b = pool.Sum{}, 0, 0, uint(len(h.buf)), 1, false, b
}

// Sum is the fingerprint; it ends it (Reset starts the next).
func (h *StateHash) Sum() (hi, lo uint64) {
	h.writeFlags()
	if h.n%2 == 1 {
		h.put(0) // the count tells this pad from a word 0
		h.pad = true
	}
	words := 2*h.pairs + uint64(h.n)
	if h.pad {
		words--
	}
	h.mix()
	s := h.s
	s.Pair(pool.CountPlace, words, 0) // a place no pair of the sequence has
	return s.A, s.C
}

// Word adds one word at the next position.
func (h *StateHash) Word(v uint64) {
	if h.n >= h.lim {
		h.slowWord(v)
		return
	}
	h.buf[h.n%uint(len(h.buf))] = v
	h.n++
}

// slowWord is Word after pending flags or at the end of the buffer.
func (h *StateHash) slowWord(v uint64) {
	h.writeFlags()
	h.put(v)
}

// put adds a word, mixing the buffer first if it is full.
func (h *StateHash) put(v uint64) {
	if h.n == uint(len(h.buf)) {
		h.mix()
	}
	h.buf[h.n] = v
	h.n++
}

// Bool adds a flag. Up to 63 consecutive flags share a word, led by a 1 bit
// that says how many there are, so the words still tell every sequence of
// calls apart.
func (h *StateHash) Bool(v bool) {
	if int64(h.flags) < 0 { // 63 flags: one more would push the 1 out
		h.writeFlags()
	}
	h.flags <<= 1
	if v {
		h.flags++
	}
	h.lim = 0
}

// writeFlags writes the flags not yet written as one word.
func (h *StateHash) writeFlags() {
	if h.flags > 1 {
		h.put(h.flags)
		h.flags = 1
	}
	h.lim = uint(len(h.buf))
}

// mix adds the buffered pairs at their places (pool.Sum.Pair, with the
// keys stepped rather than multiplied out).
func (h *StateHash) mix() {
	a, c, p := h.s.A, h.s.C, h.pairs
	a1, a2 := p*pool.KeyA1, p*pool.KeyA2
	c1, c2 := p*pool.KeyC1, p*pool.KeyC2
	buf := h.buf[:h.n&^1]
	for i := 0; i+1 < len(buf); i += 2 {
		a1, a2, c1, c2 = a1+pool.KeyA1, a2+pool.KeyA2, c1+pool.KeyC1, c2+pool.KeyC2
		x, y := buf[i], buf[i+1]
		a += pool.Fold(x^a1, y^a2)
		c += pool.Fold(x^c1, y^c2)
	}
	h.s.A, h.s.C, h.pairs, h.n = a, c, p+uint64(len(buf)/2), 0
}

// Add adds a sum of pairs that have places of their own (the pool slots).
func (h *StateHash) Add(s pool.Sum) { h.s.Plus(s) }

// String adds a string, length first.
func (h *StateHash) String(s string) {
	h.Word(uint64(len(s)))
	if len(s) < 8 {
		h.Word(h.short(s))
		return
	}
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

// short is the word of a string of fewer than 8 bytes, as String packs
// it. The one it packed last is kept: a fingerprint writes the binding's
// lifecycle state, one of a few constants, at every transition.
func (h *StateHash) short(s string) uint64 {
	if len(s) == len(h.shortStr) && (unsafe.StringData(s) == unsafe.StringData(h.shortStr) || s == h.shortStr) {
		return h.shortWord
	}
	var w uint64
	for i := 0; i < len(s); i++ {
		w = w<<8 | uint64(s[i])
	}
	h.shortStr, h.shortWord = s, w
	return w
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
	n, ok := ev.Restart.Needs()
	var known uint64 // in the kind's word: a flag would cost a word of its own
	if ok {
		known = 1 << 4
	}
	h.Word(uint64(ev.Kind)<<8 | known | h.eventID(ev.ID))
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
	h.Word(flag(b.halted, 0) | flag(b.opened, 1) | flag(b.openPending, 2) | flag(b.bindPending, 3) |
		flag(b.unbindPending, 4) | flag(b.closeCalled, 5) | flag(b.closePending, 6))
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
	h.Add(b.pools.Fingerprint(h.ranks))
	b.stack.Fingerprint(h)
}

// flag is 1<<i when on, else 0.
func flag(on bool, i uint) uint64 {
	var f uint64
	if on {
		f = 1
	}
	return f << i
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
