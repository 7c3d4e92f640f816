package sim

import (
	"unsafe"

	"github.com/ndissim/ndissim/binding"
)

// Snapshots of a Stepper, for the bounded explorer: a copy of everything a
// later move can depend on, taken at a move boundary (between two Steps,
// never in the middle of a wait), so that expanding a state restores it
// instead of replaying its path from the start.

// Snapshot is a stepper's state at a move boundary: the binding (with its
// pools, stack and a copy of the design) and the engine's own counters.
type Snapshot struct {
	b       binding.Snapshot
	tick    int
	change  int
	idle    int
	editing bool
	bytes   int // Bytes, counted when taken: the explorer asks when it keeps and drops it
	// gen changes at every Snapshot into sn, so that a stepper that
	// restored it knows whether it still holds what it restored.
	gen uint64
}

// Snapshot copies the state into sn, reusing sn's memory. It reports false
// when the design cannot be copied (it has no binding.Cloner, or this
// value of it cannot be copied); the state must then be replayed.
func (s *Stepper) Snapshot(sn *Snapshot) bool {
	e := s.e
	sn.gen++ // first: even a copy that fails has written sn
	if !e.b.Snapshot(&sn.b) {
		return false
	}
	sn.tick, sn.change, sn.idle, sn.editing = e.tick, e.change, e.idle, e.editing
	sn.bytes = sn.b.Bytes() + int(unsafe.Sizeof(*sn)-unsafe.Sizeof(sn.b))
	return true
}

// Restore makes the stepper's run the one sn was taken of, as if its moves
// had just been made, and starts a new stream: Stream is what is drawn
// from here on. sn is unchanged and may be restored again, by any stepper
// of the same design and bounds.
func (s *Stepper) Restore(sn *Snapshot) {
	if !s.wired {
		s.Reset() // the stepper answers the binding's decisions and faults
	}
	e := s.e
	e.b.Restore(&sn.b)
	e.tick, e.change, e.idle, e.editing = sn.tick, sn.change, sn.idle, sn.editing
	e.broken = nil
	s.stream, s.replay, s.pos = s.stream[:0], nil, 0
	f := &s.first
	if f.sn != sn || f.gen != sn.gen {
		f.sn, f.gen, f.ok = sn, sn.gen, false
	}
	f.restored = true
}

// CanSnapshot reports whether the design, as it stands, can be copied.
func (s *Stepper) CanSnapshot() bool { return s.e.b.CanSnapshot() }

// Bytes is the memory sn holds outside the design's copy, as counted when
// it was taken.
func (sn *Snapshot) Bytes() int { return sn.bytes }

// SetTracing makes the following moves write a readable trace, as
// `ndissim replay` does (Lines), or stops it. Reset stops it.
func (s *Stepper) SetTracing(on bool) {
	e := s.e
	if on {
		e.tracer = newTracer(e)
		e.b.SetTracer(e.tracer)
		return
	}
	e.tracer = nil
	e.b.SetTracer(nil)
}

// Lines is the trace written since SetTracing(true).
func (s *Stepper) Lines() []string {
	if s.e.tracer == nil {
		return nil
	}
	return s.e.tracer.lines
}
