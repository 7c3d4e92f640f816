package pool

import "math/bits"

// Sum is a 128-bit state fingerprint built by addition. Words are taken
// two at a time, and each pair has a place: a number no other pair of the
// same state has (a position in a sequence, or a slot's kind, index and
// field). Each 64-bit lane is the sum, modulo 2^64, of one folded 64×64 to
// 128-bit multiply per pair: (a ⊕ k₁)·(b ⊕ k₂), high half xor low half,
// with keys k₁, k₂ drawn from the place (the mix of wyhash and rapidhash).
// Two different states are two different sets of (place, pair), so,
// modelling the mix as a random function, their lanes differ by a sum of
// independent uniform values and agree with probability 2^-64; the lanes'
// keys differ, so both agree with probability 2^-128. Addition is what
// makes the fingerprint incremental: a slot that changes subtracts its old
// pairs and adds its new ones, and the rest of the state costs nothing.
type Sum struct{ A, C uint64 }

// Places are small numbers, so that p × an odd key spreads them over 64
// bits as Fibonacci hashing does, and no two places nor two lanes share a
// key (the keys' differences have at most three factors 2): the positions
// of a sequence are 1 to 2^40-1; CountPlace and the tracker's header follow;
// the slots' places start at 2^41 (slotPlace).
const CountPlace = 1<<40 | 1

// The keys of place p are p × these (odd, so that no two places share a
// key), one pair per lane.
const (
	KeyA1 = 0x9e3779b97f4a7c15
	KeyA2 = 0xd6e8feb86659fd93
	KeyC1 = 0xa0761d6478bd642f
	KeyC2 = 0xe7037ed1a0b428db
)

// Pair adds the words a and b at place p.
func (s *Sum) Pair(p, a, b uint64) {
	s.A += Fold(a^p*KeyA1, b^p*KeyA2)
	s.C += Fold(a^p*KeyC1, b^p*KeyC2)
}

// Unpair takes the words a and b at place p away.
func (s *Sum) Unpair(p, a, b uint64) {
	s.A -= Fold(a^p*KeyA1, b^p*KeyA2)
	s.C -= Fold(a^p*KeyC1, b^p*KeyC2)
}

// Plus adds the pairs of o.
func (s *Sum) Plus(o Sum) { s.A += o.A; s.C += o.C }

// Minus takes the pairs of o away.
func (s *Sum) Minus(o Sum) { s.A -= o.A; s.C -= o.C }

// Fold is the mix of two keyed words: their 128-bit product, high half xor
// low half, in which every bit of either word moves the result.
func Fold(x, y uint64) uint64 {
	hi, lo := bits.Mul64(x, y)
	return hi ^ lo
}
