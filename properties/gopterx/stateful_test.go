package gopterx

import (
	"testing"

	"github.com/leanovate/gopter"
	"github.com/leanovate/gopter/commands"
	"github.com/stretchr/testify/require"

	_ "github.com/ndissim/ndissim/internal/design" // registers ndisprot
	"github.com/ndissim/ndissim/properties"
	"github.com/ndissim/ndissim/rule"
	"github.com/ndissim/ndissim/sim"
)

// params are reproducible gopter parameters: one worker, a fixed seed.
func params(seed int64, tests, maxSize int) *gopter.TestParameters {
	p := gopter.DefaultTestParametersWithSeed(seed)
	p.Workers = 1
	p.MinSuccessfulTests = tests
	p.MaxSize = maxSize
	return p
}

func scale(n int) int {
	if testing.Short() {
		return max(n/5, 1)
	}
	return n
}

func ndisprot(t testing.TB) sim.Design {
	g, ok := sim.Lookup("ndisprot")
	if !ok {
		t.Fatal("ndisprot is not registered")
	}
	return g.Design()
}

func TestCommandsHoldOnCorrectDesigns(t *testing.T) {
	for _, d := range []sim.Design{ndisprot(t), simpleDesign("simple", noBug)} {
		t.Run(d.Name, func(t *testing.T) {
			res := commands.Prop(Commands(d)).Check(params(7, scale(60), 60))
			if !res.Passed() {
				t.Fatalf("%s: %s %v %v", res.Status, res.Labels, res.Args, res.Error)
			}
		})
	}
}

func TestCommandsFindTheBugs(t *testing.T) {
	for _, d := range []sim.Design{simpleDesign("free-nb-twice", freeNBTwice), simpleDesign("pause-early", pauseEarly)} {
		t.Run(d.Name, func(t *testing.T) {
			res := commands.Prop(Commands(d)).Check(params(7, 200, 60))
			if res.Status != gopter.TestFailed {
				t.Fatalf("status %s, want FAILED: %v %s", res.Status, res.Error, res.ErrorStack)
			}
			t.Logf("gopter shrunk to %v", res.Args[0].Arg)
		})
	}
}

func TestPropertyHoldsOnCorrectDesigns(t *testing.T) {
	for _, d := range []sim.Design{ndisprot(t), simpleDesign("simple", noBug)} {
		t.Run(d.Name, func(t *testing.T) {
			res := Property(d).Check(params(11, scale(100), 100))
			if !res.Passed() {
				t.Fatalf("%s: %s %v %v", res.Status, res.Labels, res.Args, res.Error)
			}
		})
	}
}

// The shrunk sequence of a failing property is 1-minimal: it fails, and
// removing any one step gives a sequence that passes or is not legal.
func TestPropertyShrinksToOneMinimal(t *testing.T) {
	cases := []struct {
		d    sim.Design
		rule string
	}{
		{simpleDesign("free-nb-twice", freeNBTwice), "DoubleFree"},
		{simpleDesign("pause-early", pauseEarly), "PauseWithOutstanding"},
	}
	for _, c := range cases {
		t.Run(c.d.Name, func(t *testing.T) {
			for seed := int64(1); seed <= int64(scale(5)); seed++ {
				res := Property(c.d).Check(params(seed, 200, 80))
				if res.Status != gopter.TestFailed {
					t.Fatalf("seed %d: status %s, want FAILED", seed, res.Status)
				}
				arg := res.Args[0]
				seq := arg.Arg.(Case).Steps
				orig := arg.OrigArg.(Case).Steps
				t.Logf("seed %d: %d steps shrunk to %d in %d shrinks: %s", seed, len(orig), len(seq), arg.Shrinks, seq)
				out := properties.Replay(c.d, seq, false)
				if !out.Failed() {
					t.Fatalf("seed %d: the shrunk sequence %s does not fail: %v", seed, seq, out.Err)
				}
				var ie *properties.InvariantError
				if !asInvariant(out.Err, &ie) || string(ie.Rule) != c.rule {
					t.Fatalf("seed %d: the shrunk sequence fails with %v, want rule %s", seed, out.Err, c.rule)
				}
				requireOneMinimal(t, c.d, seq)
			}
		})
	}
}

// The same holds on the registered broken designs, and the shrunk sequence
// still breaks the rule the design is known to break.
func TestPropertyShrinksRegisteredBrokenDesignsToOneMinimal(t *testing.T) {
	n := 0
	for _, g := range sim.GoDesigns() {
		if g.Breaks == "" || rule.MustLookup(g.Breaks).Severity != rule.Error {
			continue // correct, or breaks only a warning, which fails no invariant
		}
		n++
		t.Run(g.Name, func(t *testing.T) {
			d := g.Design()
			res := Property(d).Check(params(1, 200, 100))
			if res.Status != gopter.TestFailed {
				t.Fatalf("status %s, want FAILED (the design breaks %s)", res.Status, g.Breaks)
			}
			seq := res.Args[0].Arg.(Case).Steps
			out := properties.Replay(d, seq, false)
			var ie *properties.InvariantError
			if !asInvariant(out.Err, &ie) {
				t.Fatalf("the shrunk sequence %s does not fail: %v", seq, out.Err)
			}
			if ie.Rule != g.Breaks {
				t.Errorf("the shrunk sequence %s breaks %s, want %s", seq, ie.Rule, g.Breaks)
			}
			requireOneMinimal(t, d, seq)
		})
	}
	if n == 0 {
		t.Skip("no broken Go design is registered")
	}
}

func requireOneMinimal(t *testing.T, d sim.Design, seq properties.Sequence) {
	t.Helper()
	for i := range seq {
		del := append(append(properties.Sequence(nil), seq[:i]...), seq[i+1:]...)
		if out := properties.Replay(d, del, false); out.Failed() {
			t.Errorf("not 1-minimal: without step %d (%s) the sequence %s still fails: %v", i, seq[i], del, out.Err)
		}
	}
}

// Counterexamples found once are kept as Replay regression tests.
func TestReplayRegressions(t *testing.T) {
	seq := properties.Sequence{properties.Do(sim.Move{Kind: sim.MoveBind}), properties.Do(sim.Move{Kind: sim.MoveRestart, OK: true}), properties.Do(sim.Move{Kind: sim.MoveWrite, N: 64}), properties.Do(sim.Move{Kind: sim.MoveCompleteSend, OK: true})}
	for _, c := range []struct {
		d    sim.Design
		want string // invariant broken, "" for none
	}{
		{simpleDesign("simple", noBug), ""},
		{simpleDesign("free-nb-twice", freeNBTwice), "live-xor-free"},
	} {
		out := properties.Replay(c.d, seq, true)
		got := ""
		var ie *properties.InvariantError
		if asInvariant(out.Err, &ie) {
			got = ie.Invariant
		} else if out.Err != nil {
			t.Fatalf("%s: %v", c.d.Name, out.Err)
		}
		if got != c.want {
			t.Errorf("%s: broke %q, want %q; trace:\n%s", c.d.Name, got, c.want, joinLines(out.Lines))
		}
	}
	pause := properties.Sequence{properties.Do(sim.Move{Kind: sim.MoveBind}), properties.Do(sim.Move{Kind: sim.MoveRestart, OK: true}), properties.Do(sim.Move{Kind: sim.MoveWrite, N: 64}), properties.Do(sim.Move{Kind: sim.MovePause})}
	out := properties.Replay(simpleDesign("pause-early", pauseEarly), pause, false)
	var ie *properties.InvariantError
	if !asInvariant(out.Err, &ie) || ie.Invariant != "pause-drains" || out.Steps != 4 {
		t.Errorf("pause-early: %v after %d steps, want pause-drains at step 4", out.Err, out.Steps)
	}
}

func TestReplayRejectsIllegalSteps(t *testing.T) {
	d := simpleDesign("simple", noBug)
	for _, seq := range []properties.Sequence{
		{properties.Do(sim.Move{Kind: sim.MoveRestart})},                                                                                                       // not bound
		{properties.Do(sim.Move{Kind: sim.MoveBind}), properties.Do(sim.Move{Kind: sim.MoveBind})},                                                             // bound already
		{properties.Do(sim.Move{Kind: sim.MoveBind}), properties.Do(sim.Move{Kind: sim.MoveCompleteSend})},                                                     // nothing sent
		{properties.Do(sim.Move{Kind: sim.MoveBind}), properties.Do(sim.Move{Kind: sim.MoveIndicate, N: 1})},                                                   // not running
		{properties.Do(sim.Move{Kind: sim.MoveBind}), properties.Do(sim.Move{Kind: sim.MoveRestart, OK: true}), properties.Do(sim.Move{Kind: sim.MoveUnbind})}, // NDIS pauses first
	} {
		if out := properties.Replay(d, seq, false); out.Err != properties.ErrIllegalStep || out.Failed() {
			t.Errorf("%s: %v, want properties.ErrIllegalStep", seq, out.Err)
		}
	}
}

// The benchmarks' gopter without shrinking ends at the end of its first
// failing case, with the error it panics with, and passes a correct design.
func TestCommandsWithoutShrinkingStopAtTheFirstFailingCase(t *testing.T) {
	d := simpleDesign("pause-early", pauseEarly)
	require.True(t, gopterFirstFailure(t, d, fair(d, 1, 1000)))
	ok := simpleDesign("correct", noBug)
	require.False(t, gopterFirstFailure(t, ok, fair(ok, 1, scale(20))))
}
