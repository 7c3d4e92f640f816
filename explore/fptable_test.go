package explore

import (
	"math/rand/v2"
	"testing"
)

// The fingerprint table answers as a map would, across its growths and
// with first words that share their low bits (the probe sequence).
func TestFingerprintTableIsAMap(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	var tab fpTable
	want := map[[2]uint64]int32{}
	for i := range int32(20000) {
		fp := [2]uint64{rng.Uint64() &^ 0xfff, rng.Uint64()} // crowded low bits
		if i%7 == 0 {
			fp[0] = 42 // the same first word, different second ones
		}
		if _, ok := want[fp]; ok {
			continue
		}
		want[fp] = i
		tab.put(fp, i)
	}
	for fp, id := range want {
		if got := tab.get(fp); got != id {
			t.Fatalf("get(%x) = %d, want %d", fp, got, id)
		}
		other := [2]uint64{fp[0], fp[1] + 1}
		if id, ok := want[other]; !ok && tab.get(other) != -1 || ok && tab.get(other) != id {
			t.Fatalf("get(%x) = %d, want %d (present: %v)", other, tab.get(other), id, ok)
		}
	}
	if tab.n != len(want) {
		t.Fatalf("%d entries, want %d", tab.n, len(want))
	}
}

// A set emptied by reset forgets what it held, across growths.
func TestFingerprintSetEmptiesAtReset(t *testing.T) {
	var s fpSet
	s.reset()
	for round := range 3 {
		for i := range uint64(5000) {
			if !s.add([2]uint64{i << 12, uint64(round)}) {
				t.Fatalf("round %d: %d was already there", round, i)
			}
		}
		for i := range uint64(5000) {
			if s.add([2]uint64{i << 12, uint64(round)}) {
				t.Fatalf("round %d: %d added twice", round, i)
			}
		}
		s.reset()
	}
}
