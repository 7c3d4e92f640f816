package sim

import (
	"fmt"

	"github.com/ndissim/ndissim/binding"
	"github.com/ndissim/ndissim/pool"
)

// tracer turns a traced run into lines a driver author reads: the tick, who
// acted, what was called with which objects, then the binding's state and
// counters after it.
type tracer struct {
	e       *Engine
	lines   []string
	dropped int
}

// MaxTraceLines caps the lines of one traced run: a design that loops on
// NDIS until its call budget is spent would otherwise write a line per call.
const MaxTraceLines = 5000

func newTracer(e *Engine) *tracer { return &tracer{e: e} }

func (t *tracer) Trace(actor binding.Actor, text string) {
	if t.capped() {
		return
	}
	b := t.e.b
	live := b.Pools().LiveCount(pool.OwnerProtocol)
	out := b.Outstanding()
	t.lines = append(t.lines, fmt.Sprintf("%5d  %-8s %-72s  [%s pools=%d nbls=%d nbs=%d sent=%d held=%d]",
		t.e.tick, actor, text, b.State(), live.Pools, live.NBLs, live.NBs, out.Sends, out.HeldReceives))
}

// add appends a line as it is.
func (t *tracer) add(line string) {
	if !t.capped() {
		t.lines = append(t.lines, line)
	}
}

// capped reports whether the trace has reached its cap; if so it counts the
// line that was to be added in the note that closes the trace.
func (t *tracer) capped() bool {
	if len(t.lines) < MaxTraceLines-1 {
		return false
	}
	t.dropped++
	t.lines = append(t.lines[:MaxTraceLines-1], fmt.Sprintf("%5d  (%d more lines left out: the trace is capped at %d)",
		t.e.tick, t.dropped, MaxTraceLines))
	return true
}
