package sim_test

import (
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/ndissim/ndissim/internal/designfile"
	"github.com/ndissim/ndissim/sim"
)

// drawCounter picks at random and records how many alternatives each draw had.
type drawCounter struct {
	rng *rand.Rand
	ns  []int
}

func (c *drawCounter) Choose(n int) int {
	c.ns = append(c.ns, n)
	return c.rng.IntN(n)
}

// A Step right after a Restore reuses what it computed for the same
// snapshot before (the legal moves, those the bounds allow, what NDIS
// holds). Restores of different snapshots, of a snapshot taken again into
// the same memory, replays and steps in between must never see another
// state's moves: every step made from a restored state draws and ends as
// the same step made after replaying the state's path on a new stepper.
func TestFirstStepAfterRestoreIsNeverStale(t *testing.T) {
	d := designfile.Default()
	for seed := range uint64(4) {
		rng := rand.New(rand.NewPCG(seed, 21))
		walk := sim.NewStepper(d, snapBounds)
		walk.Reset()
		type cut struct {
			snap *sim.Snapshot
			path []uint32
			n    int // moves to it
		}
		var cuts []cut
		for n := 0; n < 30 && !walk.Halted(); n++ {
			c := cut{snap: new(sim.Snapshot), path: slices.Clone(walk.Stream()), n: n}
			if !walk.Snapshot(c.snap) {
				t.Fatal("the default design cannot be copied")
			}
			cuts = append(cuts, c)
			if !walk.Step(&drawCounter{rng: rng}) {
				break
			}
		}
		st := sim.NewStepper(d, snapBounds)
		reused := new(sim.Snapshot) // taken again and again into the same memory
		firstDraws := map[int]bool{}
		for try := range 300 {
			c := cuts[rng.IntN(len(cuts))]
			switch rng.IntN(6) {
			case 5: // a replay right after restoring another state
				st.Restore(cuts[rng.IntN(len(cuts))].snap)
				st.Replay(c.path, c.n)
			case 0: // a replay in between
				st.Replay(c.path, c.n)
				if st.Step(&drawCounter{rng: rng}) {
					st.Replay(c.path, c.n)
				}
				if !st.Snapshot(reused) {
					t.Fatal("cannot copy")
				}
				st.Restore(reused)
			case 1: // the same memory holds another state now
				st.Restore(c.snap)
				if !st.Snapshot(reused) {
					t.Fatal("cannot copy")
				}
				st.Restore(reused)
			default:
				st.Restore(c.snap)
			}
			seed2 := rng.Uint64()
			got := &drawCounter{rng: rand.New(rand.NewPCG(seed2, 1))}
			base := len(st.Stream()) // the path, after a replay
			moved := st.Step(got)
			ref := sim.NewStepper(d, snapBounds)
			ref.Replay(c.path, c.n)
			want := &drawCounter{rng: rand.New(rand.NewPCG(seed2, 1))}
			refMoved := ref.Step(want)
			if moved != refMoved || !slices.Equal(got.ns, want.ns) ||
				!slices.Equal(st.Stream()[base:], ref.Stream()[len(c.path):]) || fingerprint(st) != fingerprint(ref) {
				t.Fatalf("seed %d, try %d, cut at %d moves: a step from the restored state drew %v (alternatives %v), want %v (%v)",
					seed, try, c.n, st.Stream()[base:], got.ns, ref.Stream()[len(c.path):], want.ns)
			}
			if len(want.ns) > 0 {
				firstDraws[want.ns[0]] = true
			}
			if rng.IntN(3) == 0 { // a second step: not the first after the restore
				seed3 := rng.Uint64()
				a, b := &drawCounter{rng: rand.New(rand.NewPCG(seed3, 2))}, &drawCounter{rng: rand.New(rand.NewPCG(seed3, 2))}
				if st.Step(a) != ref.Step(b) || !slices.Equal(a.ns, b.ns) || fingerprint(st) != fingerprint(ref) {
					t.Fatalf("seed %d, try %d: the second step differs", seed, try)
				}
			}
		}
		if len(firstDraws) < 2 {
			t.Fatalf("seed %d: every state had the same moves (%v): the test tells nothing", seed, firstDraws)
		}
	}
}
