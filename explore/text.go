package explore

import (
	"fmt"
	"io"
	"strings"
)

// Text writes the report for a reader: the bounds, the counts, how the
// search ended and what that covers, the findings with their traces, the
// liveness result and the coverage. It leaves out the time, so that two
// explorations of the same bounds print the same bytes; WriteTime adds it.
func (r *Report) Text(w io.Writer) {
	b := r.Bounds
	fmt.Fprintf(w, "explore %s: depth %d moves, sends %d, receives %d, stack edits %d (the design has %d), pended requests %d, faults %s, IRQL %s",
		r.Design, b.Depth, b.Sends, b.Receives, b.Edits, b.Changes, b.Pends, b.Faults, irqlText(b.Dispatch))
	if r.Shard != "" {
		fmt.Fprintf(w, ", shard %s", r.Shard)
	}
	switch {
	case r.Shards == 1:
		fmt.Fprintf(w, ", merged from 1 shard")
	case r.Shards > 1:
		fmt.Fprintf(w, ", merged from %d shards", r.Shards)
	}
	fmt.Fprintln(w)
	if r.Shards > 1 {
		fmt.Fprintf(w, "  %s states, %s transitions, depth reached %d\n", grouped(int64(r.States)), grouped(r.Transitions), r.Depth)
		fmt.Fprintf(w, "  (the levels the shards share counted once; below them, a state two shards reached is counted by each)\n")
	} else {
		fmt.Fprintf(w, "  %s distinct states, %s transitions, depth reached %d\n", grouped(int64(r.States)), grouped(r.Transitions), r.Depth)
	}
	fmt.Fprintf(w, "  state identity: %s", r.Identity)
	if r.Collision > 0 {
		fmt.Fprintf(w, "; probability that two of these states share a fingerprint <= %.1e", r.Collision)
	}
	fmt.Fprintln(w)
	fmt.Fprintf(w, "  search: %s\n", r.ending())
	if r.Truncated > 0 {
		fmt.Fprintf(w, "  %d state(s) had more than the transitions allowed per state; the rest of theirs were not explored\n", r.Truncated)
	}
	r.findingsText(w)
	r.lassoText(w)
	if r.Coverage != nil {
		for _, l := range strings.SplitAfter(strings.TrimRight(r.Coverage.Text(), "\n"), "\n") {
			fmt.Fprintf(w, "  %s", l)
		}
		fmt.Fprintln(w)
	}
}

func irqlText(dispatch bool) string {
	if dispatch {
		return "PASSIVE_LEVEL and DISPATCH_LEVEL"
	}
	return "PASSIVE_LEVEL only"
}

// ending says how the search stopped and what it covered.
func (r *Report) ending() string {
	switch r.Stopped {
	case "":
		if r.Complete {
			return "complete: every state within the bounds was expanded (no depth bound was reached)"
		}
		return "complete but for the states cut short above"
	case "depth":
		return fmt.Sprintf("stopped at the depth bound: every path of up to %d moves was explored; %s state(s) at depth %d were not expanded",
			r.Bounds.Depth, grouped(int64(r.Frontier)), r.Bounds.Depth)
	case "max-states":
		return fmt.Sprintf("stopped: --max-states %s reached; every path of up to %d moves was explored, deeper ones in part (%s state(s) not expanded); raise --max-states or lower the bounds",
			grouped(int64(r.Bounds.MaxStates)), r.lastFullDepth(), grouped(int64(r.Frontier)))
	}
	return fmt.Sprintf("interrupted; every path of up to %d moves was explored", r.lastFullDepth())
}

// lastFullDepth is the last depth whose states were all expanded.
func (r *Report) lastFullDepth() int { return max(r.Depth-2, 0) }

func (r *Report) findingsText(w io.Writer) {
	if len(r.Findings) == 0 {
		if r.Shards > 1 {
			fmt.Fprintf(w, "  no rule broken in any state the %d shards explored up to these bounds\n", r.Shards)
		} else {
			fmt.Fprintf(w, "  no rule broken in any of %s states up to these bounds\n", grouped(int64(r.States)))
		}
		if len(r.Lassos) > 0 {
			fmt.Fprintln(w, "  (on any path; but some pended operation can never complete:)")
		}
		return
	}
	for _, f := range r.Findings {
		fmt.Fprintf(w, "  %s %s in %d move(s), a shortest path: %s\n", f.Severity, f.Rule, f.Moves, f.Message)
		if !f.Reproduced {
			fmt.Fprintf(w, "    (the engine's replay of this path did not reproduce it: please report this)\n")
		}
		switch {
		case f.Trace != "":
			fmt.Fprintf(w, "    trace: %s\n    replay: %s\n", f.Trace, f.Replay)
		case f.TraceError != "":
			fmt.Fprintf(w, "    trace not written: %s\n", f.TraceError)
		}
	}
}

func (r *Report) lassoText(w io.Writer) {
	for _, l := range r.Lassos {
		if l.Cycle == 0 {
			fmt.Fprintf(w, "  liveness: %s (%s) pended and can never complete: after %d move(s) no move is possible\n", l.Operation, l.Rule, l.Prefix)
			continue
		}
		fmt.Fprintf(w, "  liveness: %s (%s) pended and can never complete: a prefix of %d move(s), then a cycle of %d move(s) that never completes it\n",
			l.Operation, l.Rule, l.Prefix, l.Cycle)
		if l.Reproduced {
			fmt.Fprintf(w, "    the trace goes round the cycle %d time(s), until the engine's watchdog reports %s\n", l.Turns, l.Rule)
		}
		if l.Trace != "" {
			fmt.Fprintf(w, "    trace: %s\n    replay: %s\n", l.Trace, l.Replay)
		}
	}
	if r.Undecided > 0 {
		fmt.Fprintf(w, "  liveness not decided for %s state(s): the operation they owe could only complete through states another shard expands; explore unsharded for the whole verdict\n",
			grouped(int64(r.Undecided)))
	}
}

// WriteTime adds the wall time and the rate, the part of the report that
// differs between runs.
func (r *Report) WriteTime(w io.Writer) {
	s := r.Elapsed.Seconds()
	rate := 0.0
	if s > 0 {
		rate = float64(r.States) / s
	}
	fmt.Fprintf(w, "  time: %.2f s, %s states/s\n", s, grouped(int64(rate)))
}

// grouped writes n with thousands separators.
// String is a progress line's counts: "depth 17, 1,234,567 states, ...".
func (p Progress) String() string {
	return fmt.Sprintf("depth %d, %s states, %s transitions, %s left to expand, %d rule(s) broken",
		p.Level, grouped(int64(p.States)), grouped(p.Transitions), grouped(int64(p.Queue)), p.Rules)
}

func grouped(n int64) string {
	s := fmt.Sprint(n)
	if n < 0 {
		return "-" + grouped(-n)
	}
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return s
}
