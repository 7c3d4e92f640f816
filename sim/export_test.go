package sim

import (
	"sync/atomic"

	"github.com/ndissim/ndissim/rule"
)

// ShrinkStopped is check's shrink of a finding of seed's run (f, drawn in
// moves moves), stopped before its first candidate, as an interrupted
// check stops it: what it keeps, and whether it says so unshrunk.
func ShrinkStopped(d Design, seed uint64, f rule.Finding, stream []uint32, moves int) (kept []uint32, keptMoves int, unshrunk bool) {
	c := &campaign{d: d, opt: CheckOptions{}}
	var stop atomic.Bool
	stop.Store(true)
	s := c.shrink(found{seed: seed, f: f, stream: stream, steps: moves}, &stop)
	return s.stream, s.steps, s.unshrunk
}
