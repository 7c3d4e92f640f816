package binding

import (
	"testing"

	"github.com/ndissim/ndissim/pool"
)

// sumOf is a fingerprint of words and flags written by write, without a
// binding (no handles among them).
func sumOf(write func(h *StateHash)) [2]uint64 {
	var h StateHash
	h.begin(nil)
	write(&h)
	hi, lo := h.Sum()
	return [2]uint64{hi, lo}
}

// The buffered mix, whose keys are stepped, is pool.Sum.Pair at the
// positions 1, 2, ... of the pairs, with the number of words at its own
// place, across the buffer's batches and with a padded last pair.
func TestStateHashIsTheSumOfItsPairs(t *testing.T) {
	for _, n := range []int{0, 1, 2, 31, 32, 33, 64, 65, 100} {
		words := make([]uint64, n)
		for i := range words {
			words[i] = uint64(i)*0x9e37 + 5
		}
		got := sumOf(func(h *StateHash) {
			for _, w := range words {
				h.Word(w)
			}
		})
		var want pool.Sum
		for i := 0; i < n; i += 2 {
			b := uint64(0)
			if i+1 < n {
				b = words[i+1]
			}
			want.Pair(uint64(i/2+1), words[i], b)
		}
		want.Pair(pool.CountPlace, uint64(n), 0)
		if got != [2]uint64{want.A, want.C} {
			t.Errorf("%d words: %x, want %x", n, got, want)
		}
	}
}

// Sequences that differ hash apart: a trailing word 0 against the pad, a
// flag more or less, a flag against its neighbour, runs of flags split by
// a word, a run past the 63 flags of one word.
func TestStateHashTellsSequencesApart(t *testing.T) {
	flags := func(vs ...bool) func(h *StateHash) {
		return func(h *StateHash) {
			for _, v := range vs {
				h.Bool(v)
			}
		}
	}
	many := func(n int, last bool) func(h *StateHash) {
		return func(h *StateHash) {
			for i := range n {
				h.Bool(i == n-1 && last)
			}
		}
	}
	cases := map[string]func(h *StateHash){
		"a":         func(h *StateHash) { h.Word(7) },
		"a 0":       func(h *StateHash) { h.Word(7); h.Word(0) },
		"f":         flags(false),
		"f f":       flags(false, false),
		"t f":       flags(true, false),
		"f t":       flags(false, true),
		"f a f":     func(h *StateHash) { h.Bool(false); h.Word(7); h.Bool(false) },
		"f f a":     func(h *StateHash) { h.Bool(false); h.Bool(false); h.Word(7) },
		"63 f":      many(63, false),
		"64 f":      many(64, false),
		"64 f, t":   many(64, true),
		"65 f":      many(65, false),
		"none":      func(*StateHash) {},
		"a b":       func(h *StateHash) { h.Word(7); h.Word(8) },
		"b a":       func(h *StateHash) { h.Word(8); h.Word(7) },
		"string ab": func(h *StateHash) { h.String("ab") },
		"string ba": func(h *StateHash) { h.String("ba") },
	}
	seen := map[[2]uint64]string{}
	for name, write := range cases {
		fp := sumOf(write)
		if other, ok := seen[fp]; ok {
			t.Errorf("%q and %q hash alike", name, other)
		}
		seen[fp] = name
		if again := sumOf(write); again != fp {
			t.Errorf("%q hashes differently twice", name)
		}
	}
}

// String keeps the word of the short string it packed last. A hash that
// has packed other strings before, of the same length or not, and strings
// made at run time (not the constant's bytes), hashes each string as a
// new hash does.
func TestStringWordsDoNotDependOnTheLastString(t *testing.T) {
	strs := []string{"Running", "Paused", "Pausing", "Unbound", "", "a", "Restarting", "Runnin" + string(rune('g')), "RunningX"}
	var h StateHash
	for i := range 3 * len(strs) {
		s := strs[(i*5)%len(strs)]
		h.begin(nil)
		h.String(s)
		hi, lo := h.Sum()
		if want := sumOf(func(h *StateHash) { h.String(s) }); [2]uint64{hi, lo} != want {
			t.Fatalf("%q after %q hashes differently from a new hash", s, strs[((i-1)*5+len(strs))%len(strs)])
		}
	}
}
