package sim

import (
	"math/rand/v2"

	"github.com/ndissim/ndissim/binding"
	"github.com/ndissim/ndissim/oid"
	"github.com/ndissim/ndissim/pool"
)

// chooser is the one source of every choice of a run. Drawing from the PCG
// source records each value, so that the run can be replayed from the
// record; replaying reads a given stream instead, and past its end every
// choice is 0, the simplest one (no fault, the first legal move).
type chooser struct {
	pcg    rand.PCG
	rng    *rand.Rand
	replay []uint32 // nil: draw from rng
	pos    int
	// moves, when not 0, is how many moves a replay makes, whatever is
	// left of its stream; 0 replays moves until the stream ends.
	moves  int
	stream []uint32
	w      Workload
	// completes is how the miniport completes sends and OID requests.
	completes oid.Completion
}

func (c *chooser) seed(seed uint64) {
	c.pcg.Seed(seed, seed^0x6e646973_73696d00) // "ndissim"
	if c.rng == nil {
		c.rng = rand.New(&c.pcg)
	}
	c.replay, c.pos, c.stream, c.moves = nil, 0, c.stream[:0], 0
}

func (c *chooser) replayFrom(stream []uint32) {
	if stream == nil {
		// An empty stream is still a replay (of a run that drew nothing),
		// never a draw from the generator's leftover state.
		stream = []uint32{}
	}
	c.replay, c.pos, c.stream, c.moves = stream, 0, c.stream[:0], 0
}

// exhausted reports whether a replay has used its whole stream.
func (c *chooser) exhausted() bool { return c.replay != nil && c.pos >= len(c.replay) }

// draw returns a value in [0, n).
func (c *chooser) draw(n int) int {
	if n <= 1 {
		return 0
	}
	var v uint32
	if c.replay != nil {
		if c.pos < len(c.replay) {
			v = c.replay[c.pos] % uint32(n)
		}
		c.pos++
	} else {
		v = c.rng.Uint32N(uint32(n))
	}
	c.stream = append(c.stream, v)
	return int(v)
}

// chance is true with probability p; 0 (what shrinking moves toward) is false.
func (c *chooser) chance(p float64) bool {
	if p <= 0 {
		return false
	}
	const scale = 1000
	return c.draw(scale) >= scale-int(p*scale+0.5)
}

// Decide answers NDIS's own decisions inside the design's calls, except
// those the miniport's completion mode takes (CompletionDecides).
func (c *chooser) Decide(d binding.Decision) bool {
	if v, ok := CompletionDecides(c.completes, d); ok {
		return v
	}
	switch d {
	case binding.DecideOpenPends, binding.DecideClosePends, binding.DecideOidPends:
		return c.chance(c.w.Pend)
	case binding.DecideSendCompletesNow:
		return c.chance(1 - c.w.Pend)
	case binding.DecideOpenFails:
		return c.chance(c.w.OIDFailure / 4)
	case binding.DecideOidFails:
		return c.chance(c.w.OIDFailure)
	case binding.DecideSendFails:
		return c.chance(c.w.SendFailure)
	case binding.DecideDispatch:
		return c.draw(2) == 1
	case binding.DecideOidCompletesNow:
		return c.draw(4) == 3
	}
	return false
}

// FailAllocation makes allocations fail as the workload says.
func (c *chooser) FailAllocation(pool.Op) bool { return c.chance(c.w.AllocationFailure) }
