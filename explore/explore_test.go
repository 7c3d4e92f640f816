package explore

import (
	"bytes"
	"context"
	"fmt"
	"strings"
	"testing"

	_ "github.com/ndissim/ndissim/internal/design" // the built-in Go designs
	"github.com/ndissim/ndissim/internal/designfile"
	"github.com/ndissim/ndissim/rule"
	"github.com/ndissim/ndissim/sim"
)

func lookup(t testing.TB, name string) sim.Design {
	t.Helper()
	g, ok := sim.Lookup(name)
	if !ok {
		t.Fatalf("no built-in design %s", name)
	}
	return g.Design()
}

// brokenOptions are bounds every broken design of the catalogue breaks
// within: every fault in play, ten moves.
func brokenOptions() Options {
	opt := DefaultOptions()
	opt.Depth = 10
	opt.Bounds.Faults = sim.FaultAll
	opt.MaxStates = 200_000
	return opt
}

func explore(t testing.TB, d sim.Design, opt Options) Report {
	t.Helper()
	rep, err := Explore(context.Background(), d, opt)
	if err != nil {
		t.Fatal(err)
	}
	return rep
}

// tickOf is the engine's tick at which a replay of stream breaks r: the
// moves it made, those inside waits and teardown included.
func tickOf(d sim.Design, stream []uint32, r rule.Name) int {
	for _, f := range sim.NewEngine(d).Replay(stream, false).Findings {
		if f.Rule == r {
			return f.Step
		}
	}
	return -1
}

// shortest is explore's trace of rule r: a finding or a lasso.
func shortest(rep Report, r rule.Name) (stream []uint32, moves int, reproduced, ok bool) {
	for _, f := range rep.Findings {
		if f.Rule == r {
			return f.Stream, f.Moves, f.Reproduced, true
		}
	}
	for _, l := range rep.Lassos {
		if l.Rule == r {
			return l.Stream, l.Moves, l.Reproduced, true
		}
	}
	return nil, 0, false, false
}

// Every broken design of the catalogue is found, its trace replays on the
// engine as `ndissim replay` does, and it is no longer than the trace check
// shrinks to, counted in the engine's ticks (check's shrunk runs end in
// teardown, whose moves its step count leaves out).
func TestFindsEveryBrokenDesignNoLongerThanCheck(t *testing.T) {
	dir := t.TempDir()
	for _, g := range sim.GoDesigns() {
		if g.Breaks == "" {
			continue
		}
		t.Run(g.Name, func(t *testing.T) {
			d := g.Design()
			stream, _, reproduced, ok := shortest(explore(t, d, brokenOptions()), g.Breaks)
			if !ok || !reproduced {
				t.Fatalf("explore did not find %s (found %v, reproduced %v)", g.Breaks, ok, reproduced)
			}
			crep, err := sim.Check(context.Background(), d, sim.CheckOptions{Seed: 1, Runs: 1000, OutDir: dir})
			if err != nil {
				t.Fatal(err)
			}
			for _, f := range crep.Findings {
				if f.Rule != g.Breaks {
					continue
				}
				checkTick := f.ShrunkSteps // check writes no trace of an empty stream
				if tf, err := sim.ReadTrace(f.Trace); err == nil {
					checkTick = tickOf(d, tf.Stream, f.Rule)
				}
				if got := tickOf(d, stream, g.Breaks); got > checkTick {
					t.Errorf("explore's trace breaks %s at tick %d, check's shrunk one at %d", g.Breaks, got, checkTick)
				}
			}
		})
	}
}

// The first path breadth-first is a shortest one: a brute-force search of
// the tree of every choice sequence (no state is merged with another) finds
// no shorter one. This also checks that fingerprints merge only states that
// behave alike, as far as the shortest paths show.
func TestShortestAgainstBruteForce(t *testing.T) {
	for _, g := range sim.GoDesigns() {
		if g.Breaks == "" {
			continue
		}
		t.Run(g.Name, func(t *testing.T) {
			d := g.Design()
			opt := brokenOptions()
			_, moves, _, ok := shortest(explore(t, d, opt), g.Breaks)
			if !ok {
				t.Fatalf("explore did not find %s", g.Breaks)
			}
			brute := opt
			brute.NoDedup, brute.Liveness, brute.Depth, brute.MaxStates = true, false, moves, 300_000
			rep := explore(t, d, brute)
			_, bm, _, bok := shortest(rep, g.Breaks)
			switch {
			case bok && bm < moves:
				t.Errorf("brute force breaks %s in %d moves, explore's shortest is %d", g.Breaks, bm, moves)
			case !bok && rep.Stopped == "max-states":
				t.Skipf("the tree to depth %d is beyond 300,000 paths", moves)
			case !bok && !isLiveness(g.Breaks):
				t.Errorf("brute force to depth %d did not break %s", moves, g.Breaks)
			}
		})
	}
}

// isLiveness is a rule explore reports as a lasso, which a tree search
// (without states to come back to) cannot show.
func isLiveness(r rule.Name) bool { return r == rule.PauseNotCompleted || r == rule.PendedNotCompleted }

func TestReportIsTheSameForAnyWorkers(t *testing.T) {
	d := lookup(t, "ndisprot")
	var texts []string
	for _, w := range []int{1, 2, 3} {
		opt := DefaultOptions()
		opt.Depth, opt.Workers = 7, w
		rep := explore(t, d, opt)
		var b bytes.Buffer
		rep.Text(&b)
		texts = append(texts, b.String())
	}
	if texts[0] != texts[1] || texts[0] != texts[2] {
		t.Fatalf("reports differ by worker count:\n%s\n----\n%s", texts[0], texts[1])
	}
}

func TestCorrectDesignsBreakNothing(t *testing.T) {
	for _, d := range []sim.Design{designfile.Default(), lookup(t, "ndisprot")} {
		opt := DefaultOptions()
		opt.Depth = 9
		rep := explore(t, d, opt)
		for _, f := range rep.Findings {
			if f.Severity == rule.Error.String() {
				t.Errorf("%s: %s in %d moves: %s", d.Name, f.Rule, f.Moves, f.Message)
			}
		}
		if len(rep.Lassos) > 0 {
			t.Errorf("%s: liveness: %+v", d.Name, rep.Lassos[0])
		}
	}
}

func TestLassoForAPauseNeverCompleted(t *testing.T) {
	rep := explore(t, lookup(t, "broken-pause-no-signal"), brokenOptions())
	if len(rep.Lassos) != 1 {
		t.Fatalf("want one lasso, got %+v", rep.Lassos)
	}
	l := rep.Lassos[0]
	if l.Rule != rule.PauseNotCompleted || l.Cycle < 1 || !l.Reproduced {
		t.Fatalf("lasso %+v", l)
	}
	var b bytes.Buffer
	rep.Text(&b)
	if !strings.Contains(b.String(), "then a cycle of") {
		t.Fatalf("the report does not show the lasso:\n%s", b.String())
	}
}

func TestMaxStatesStopsAndSaysSo(t *testing.T) {
	opt := DefaultOptions()
	opt.MaxStates = 50
	rep := explore(t, lookup(t, "ndisprot"), opt)
	if rep.Stopped != "max-states" || rep.States != 50 || rep.Complete {
		t.Fatalf("stopped %q with %d states", rep.Stopped, rep.States)
	}
	var b bytes.Buffer
	rep.Text(&b)
	if !strings.Contains(b.String(), "--max-states 50 reached") {
		t.Fatalf("no clear message:\n%s", b.String())
	}
}

func TestShardsTogetherFindWhatTheWholeFinds(t *testing.T) {
	d := lookup(t, "broken-send-while-pausing")
	whole := explore(t, d, brokenOptions())
	found := map[rule.Name]bool{}
	for i := range 2 {
		opt := brokenOptions()
		opt.Shard = sim.Shard{Index: i, Count: 2}
		for _, f := range explore(t, d, opt).Findings {
			found[f.Rule] = true
		}
	}
	for _, f := range whole.Findings {
		if !found[f.Rule] {
			t.Errorf("no shard found %s", f.Rule)
		}
	}
}

// A rule whose precondition no path reaches is reported as never armed:
// without allocation faults, AllocationFailureIgnored cannot break.
func TestUnarmedRuleIsReported(t *testing.T) {
	opt := DefaultOptions()
	opt.Depth = 6
	rep := explore(t, designfile.Default(), opt)
	if rep.Coverage.Armed(rule.AllocationFailureIgnored) {
		t.Fatal("AllocationFailureIgnored armed without allocation faults")
	}
	var b bytes.Buffer
	rep.Text(&b)
	if !strings.Contains(b.String(), "never armed: AllocationFailureIgnored (needs an allocation failure)") {
		t.Fatalf("not reported:\n%s", b.String())
	}
	opt.Bounds.Faults = sim.FaultAlloc
	if !explore(t, designfile.Default(), opt).Coverage.Armed(rule.AllocationFailureIgnored) {
		t.Fatal("AllocationFailureIgnored not armed with allocation faults")
	}
}

// A design's own fingerprint merges at least the states the generic walk
// merges (it leaves out the sequence numbers the walk sees), and nothing
// that changes what the search finds: the same rules at the same depths,
// the same coverage.
func TestOwnFingerprintAgreesWithTheGenericWalk(t *testing.T) {
	for _, d := range []sim.Design{designfile.Default(), lookup(t, "ndisprot")} {
		opt := DefaultOptions()
		opt.Depth = 8
		opt.Bounds.Faults = sim.FaultAll
		own := explore(t, d, opt)
		opt.GenericHash = true
		gen := explore(t, d, opt)
		if !strings.HasPrefix(own.Identity, "the design's own") {
			t.Errorf("%s: identity %q", d.Name, own.Identity)
		}
		if own.States > gen.States {
			t.Errorf("%s: own fingerprint %d states, generic %d", d.Name, own.States, gen.States)
		}
		if summary(own) != summary(gen) {
			t.Errorf("%s: own fingerprint finds %s, generic %s", d.Name, summary(own), summary(gen))
		}
		a, _ := own.Coverage.MarshalJSON()
		b, _ := gen.Coverage.MarshalJSON()
		if string(a) != string(b) {
			t.Errorf("%s: coverage differs", d.Name)
		}
		t.Logf("%s: %d states by its own fingerprint, %d by the generic walk", d.Name, own.States, gen.States)
	}
}

func summary(r Report) string {
	var b strings.Builder
	for _, f := range r.Findings {
		fmt.Fprintf(&b, "%s@%d ", f.Rule, f.Moves)
	}
	return b.String()
}
