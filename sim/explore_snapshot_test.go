package sim_test

import (
	"math/rand/v2"
	"reflect"
	"slices"
	"testing"

	"github.com/ndissim/ndissim/binding"
	_ "github.com/ndissim/ndissim/internal/design"
	"github.com/ndissim/ndissim/internal/designfile"
	"github.com/ndissim/ndissim/rule"
	"github.com/ndissim/ndissim/sim"
)

// recorder picks at random and records each choice; replaying it from a
// position gives the same choices again.
type recorder struct {
	rng    *rand.Rand
	log    []int
	replay []int
}

func (r *recorder) Choose(n int) int {
	if r.replay != nil {
		c := r.replay[0]
		r.replay = r.replay[1:]
		return c
	}
	c := r.rng.IntN(n)
	r.log = append(r.log, c)
	return c
}

// cut is what a run looked like at one move boundary.
type cut struct {
	snap     *sim.Snapshot
	choices  int // choices made before it
	stream   int
	lines    int
	findings int
	fp       [2]uint64
}

var snapBounds = sim.ExploreBounds{Sends: 3, Receives: 2, Edits: 2, Pends: 2, Faults: sim.FaultAll, Dispatch: true}

func fingerprint(st *sim.Stepper) [2]uint64 {
	var h binding.StateHash
	st.Fingerprint(&h)
	hi, lo := h.Sum()
	return [2]uint64{hi, lo}
}

// A run restored from a snapshot at any move boundary and continued with
// the same choices is the uninterrupted run: the same values drawn, the
// same findings, the same trace lines and the same state at every later
// boundary, for every design whose state can be copied.
func TestSnapshotRestoreContinuesTheSameRun(t *testing.T) {
	designs := []sim.Design{designfile.Default()}
	var broken []sim.Design
	for _, g := range sim.GoDesigns() {
		if g.Breaks == "" {
			designs = append(designs, g.Design())
		} else {
			broken = append(broken, g.Design())
		}
	}
	for i, d := range broken {
		if i%3 == 0 || !testing.Short() {
			designs = append(designs, d)
		}
	}
	copied := map[string]bool{}
	for _, d := range designs {
		t.Run(d.Name, func(t *testing.T) {
			for seed := range uint64(4) {
				if !checkSnapshots(t, d, seed) {
					return
				}
				copied[d.Name] = true
			}
		})
	}
	for _, name := range []string{designfile.Default().Name, "ndisprot", "ndisprot-pended"} {
		if !copied[name] {
			t.Errorf("%s: its state cannot be copied, want a snapshot", name)
		}
	}
	t.Logf("%d of %d designs copied", len(copied), len(designs))
}

// checkSnapshots runs d with seed, cut at every boundary, and reports false
// if d cannot be copied.
func checkSnapshots(t *testing.T, d sim.Design, seed uint64) bool {
	t.Helper()
	const moves = 40
	a := sim.NewStepper(d, snapBounds)
	a.Reset()
	a.SetTracing(true)
	r := &recorder{rng: rand.New(rand.NewPCG(seed, 7))}
	var cuts []cut
	made, stuck := 0, false
	for range moves {
		if a.Halted() {
			break
		}
		c := cut{snap: new(sim.Snapshot), choices: len(r.log), stream: len(a.Stream()), lines: len(a.Lines()),
			findings: len(a.Findings()), fp: fingerprint(a)}
		if !a.Snapshot(c.snap) {
			break // this state cannot be copied: the explorer replays it
		}
		cuts = append(cuts, c)
		if !a.Step(r) {
			stuck = true
			break
		}
		made++
	}
	if len(cuts) == 0 {
		return false
	}
	stream := slices.Clone(a.Stream())
	lines := slices.Clone(a.Lines())
	findings := slices.Clone(a.Findings())
	b := sim.NewStepper(d, snapBounds)
	for i := range 2 * len(cuts) { // each cut twice: a restore leaves the snapshot as it was
		k := i % len(cuts)
		c := cuts[k]
		b.Restore(c.snap)
		b.SetTracing(true)
		if got := fingerprint(b); got != c.fp {
			t.Fatalf("seed %d, cut %d: restored state's fingerprint differs", seed, k)
		}
		if !sameFindings(b.Findings(), findings[:c.findings]) {
			t.Fatalf("seed %d, cut %d: restored findings %v, want %v", seed, k, b.Findings(), findings[:c.findings])
		}
		rb := &recorder{replay: r.log[c.choices:]}
		for j := k; j < made; j++ {
			if j > k && j < len(cuts) && fingerprint(b) != cuts[j].fp {
				t.Fatalf("seed %d, cut %d: the state after %d moves differs", seed, k, j)
			}
			if !b.Step(rb) {
				t.Fatalf("seed %d, cut %d: no move after %d moves", seed, k, j)
			}
		}
		if stuck && b.Step(rb) {
			t.Fatalf("seed %d, cut %d: a move where the run had none", seed, k)
		}
		if !slices.Equal(b.Stream(), stream[c.stream:]) {
			t.Fatalf("seed %d, cut %d: stream\n%v\nwant\n%v", seed, k, b.Stream(), stream[c.stream:])
		}
		if !slices.Equal(b.Lines(), lines[c.lines:]) {
			t.Fatalf("seed %d, cut %d: trace\n%q\nwant\n%q", seed, k, b.Lines(), lines[c.lines:])
		}
		if !sameFindings(b.Findings(), findings) {
			t.Fatalf("seed %d, cut %d: findings %v, want %v", seed, k, b.Findings(), findings)
		}
	}
	return true
}

func sameFindings(a, b []rule.Finding) bool {
	return slices.EqualFunc(a, b, func(x, y rule.Finding) bool { return reflect.DeepEqual(x, y) })
}

// The explorer restores a state and tries its moves one after another, and
// its fingerprints are kept incrementally (the pool slots' sums, which a
// restore brings back and each move corrects). After every move of random
// walks made that way, the fingerprint is the one a fresh stepper computes
// from scratch after replaying the same choices, and a restored state's
// fingerprint is the one saved with it.
func TestIncrementalFingerprintIsTheOneFromScratch(t *testing.T) {
	designs := []sim.Design{designfile.Default()}
	for i, g := range sim.GoDesigns() {
		if g.Breaks == "" || i%5 == 0 {
			designs = append(designs, g.Design())
		}
	}
	for _, d := range designs {
		t.Run(d.Name, func(t *testing.T) {
			for seed := range uint64(3) {
				walkFromSnapshots(t, d, seed)
			}
		})
	}
}

// walkFromSnapshots makes moves from snapshots, as the explorer does, and
// checks each fingerprint against the one from scratch.
func walkFromSnapshots(t *testing.T, d sim.Design, seed uint64) {
	t.Helper()
	rng := rand.New(rand.NewPCG(seed, 13))
	st := sim.NewStepper(d, snapBounds)
	st.Reset()
	var sn sim.Snapshot
	var path []uint32 // the choices that led to the state st is in
	for moves := 0; moves < 40 && !st.Halted(); moves++ {
		if !st.Snapshot(&sn) {
			return // replayed by the explorer: nothing incremental
		}
		saved := fingerprint(st)
		var last []uint32
		for try := range 4 {
			st.Restore(&sn)
			if got := fingerprint(st); got != saved {
				t.Fatalf("seed %d, move %d, try %d: a restored state's fingerprint differs from the saved one", seed, moves, try)
			}
			if !st.Step(&recorder{rng: rng}) {
				return
			}
			last = append(append(last[:0], path...), st.Stream()...)
			if got, want := fingerprint(st), fromScratch(d, last, moves+1); got != want {
				t.Fatalf("seed %d, move %d, try %d: incremental fingerprint %x, from scratch %x", seed, moves, try, got, want)
			}
		}
		path = append(path[:0], last...) // go on from the last try
	}
}

// fromScratch is the fingerprint after replaying moves moves of stream on a
// fresh stepper, whose tracker has not yet kept sums and so hashes every
// slot.
func fromScratch(d sim.Design, stream []uint32, moves int) [2]uint64 {
	st := sim.NewStepper(d, snapBounds)
	st.Replay(stream, moves)
	return fingerprint(st)
}
