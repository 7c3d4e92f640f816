package design

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/ndissim/ndissim/binding"
	"github.com/ndissim/ndissim/designkit"
	"github.com/ndissim/ndissim/internal/ruletest"
	"github.com/ndissim/ndissim/pool"
	"github.com/ndissim/ndissim/rule"
	"github.com/ndissim/ndissim/sim"
)

// brokenMaxShrunkSteps bounds the environment moves of a shrunk trace: a
// broken design must show its bug in a trace a reader takes in at a glance.
const brokenMaxShrunkSteps = 12

// brokenDesigns are the registered designs that break a rule.
func brokenDesigns() []sim.GoDesign {
	var out []sim.GoDesign
	for _, g := range sim.GoDesigns() {
		if g.Breaks != "" {
			out = append(out, g)
		}
	}
	return out
}

func brokenRules(fs []sim.FindingReport) []rule.Name {
	out := make([]rule.Name, len(fs))
	for i, f := range fs {
		out[i] = f.Rule
	}
	return out
}

// brokenMaxRuns is how many runs a check may take to catch a broken design.
const brokenMaxRuns = 2_000

// skipUntilPoolSide skips a design whose rule the pool tracker on this
// branch does not yet treat as the catalogue says: FreeOrderNbBeforeNbl is
// a warning, so NdisFreeNetBufferList must free the NBL (leaving the NB
// live) rather than refuse. It probes the tracker, so the design is checked
// again as soon as the tracker frees the NBL.
func skipUntilPoolSide(t *testing.T, g sim.GoDesign) {
	if g.Breaks == rule.FreeOrderNbBeforeNbl && !poolFreesNblBeforeItsNb() {
		t.Skip("the pool tracker still refuses NdisFreeNetBufferList with a separate NB linked")
	}
}

func poolFreesNblBeforeItsNb() bool {
	tr := pool.NewTracker(16)
	lp, _ := tr.AllocateNetBufferListPool(pool.OwnerProtocol, pool.NBLPoolParameters{})
	bp, _ := tr.AllocateNetBufferPool(pool.OwnerProtocol, pool.NBPoolParameters{})
	l, _ := tr.AllocateNetBufferList(lp, 0, 0)
	b, _ := tr.AllocateNetBuffer(bp, 1, 0, 64)
	_ = tr.LinkNetBuffer(l, b)
	_ = tr.FreeNetBufferList(l)
	return !tr.LiveNBL(l)
}

// TestBrokenDesigns checks every broken design as `ndissim check --design
// NAME` would: the check finds the rule the design breaks within
// brokenMaxRuns, no other rule (an error rule is the report's only error,
// and no warning comes along: a base that draws a warning of its own would
// hide which rule the design is about), and shrinks it to a short trace.
// The logged rows are the table of docs/broken-designs.md.
func TestBrokenDesigns(t *testing.T) {
	designs := brokenDesigns()
	require.NotEmpty(t, designs)
	for _, g := range designs {
		t.Run(g.Name, func(t *testing.T) {
			t.Parallel()
			skipUntilPoolSide(t, g)
			r, ok := rule.Lookup(g.Breaks)
			require.True(t, ok, "%s breaks %q, which is not a catalogue rule", g.Name, g.Breaks)
			strict := r.Severity == rule.Warning
			opt := sim.CheckOptions{Seed: sim.DefaultSeed, Runs: brokenMaxRuns, Workers: 2}
			rep, err := sim.Check(context.Background(), g.Design(), opt)
			require.NoError(t, err)
			require.False(t, rep.Interrupted)
			require.Empty(t, rep.Nondeterm)
			require.True(t, rep.Failed(strict), "%s passed its check", g.Name)

			// One rule: the design's, and nothing else, warnings included.
			require.Equal(t, []rule.Name{g.Breaks}, brokenRules(rep.Findings),
				"%s should break %s and only it", g.Name, g.Breaks)
			f := rep.Findings[0]
			require.Equal(t, r.Severity.String(), f.Severity)
			if r.Severity == rule.Error {
				require.Equal(t, f.Seed-opt.Seed+1, uint64(rep.Runs), "an error ends the check at its run")
			}
			require.NotEmpty(t, f.Lines, "the shrunk run is traced")
			require.Contains(t, strings.Join(f.Lines, "\n"), "finding "+string(g.Breaks))
			require.LessOrEqual(t, f.ShrunkSteps, brokenMaxShrunkSteps,
				"%s: the shrunk trace of %s has %d steps", g.Name, g.Breaks, f.ShrunkSteps)
			t.Logf("| `%s` | %s | %s | %d | %d | %v |", g.Name, g.Breaks, f.Severity, f.Seed-opt.Seed+1, f.ShrunkSteps, f.Minimal)
		})
	}
}

// TestBrokenDesignsBreakOnlyTheirRule runs more seeds than a check stops
// at: in none of them may a broken design draw a finding of another rule,
// which would mean its base, not its bug, is wrong.
func TestBrokenDesignsBreakOnlyTheirRule(t *testing.T) {
	seeds := uint64(400)
	if testing.Short() {
		seeds = 50
	}
	for _, g := range brokenDesigns() {
		t.Run(g.Name, func(t *testing.T) {
			t.Parallel()
			skipUntilPoolSide(t, g)
			e := sim.NewEngine(g.Design())
			// A hang is a hang after 1,000 calls as after 100,000; spare the
			// runs of a design that hangs the other 99,000.
			e.Binding().SetCallBudget(1000)
			hits := 0
			for seed := uint64(sim.DefaultSeed); seed < sim.DefaultSeed+seeds; seed++ {
				res := e.Run(seed)
				for _, f := range res.Findings {
					require.Equal(t, g.Breaks, f.Rule, "%s, seed %d: %s", g.Name, seed, f.Error())
					hits++
				}
			}
			require.Positive(t, hits, "%s never broke %s in %d runs", g.Name, g.Breaks, seeds)
		})
	}
}

// designsPerRule is how many designs may break one rule: one, two if they
// are different bugs, and IrqlTooHigh one per PASSIVE-only call a design
// can misplace (a pause completed, a close, a wait, a wait under a lock).
func designsPerRule(r rule.Name) int {
	if r == rule.IrqlTooHigh {
		return 4
	}
	return 2
}

// TestBrokenCatalogue checks the catalogue as a whole: unique names, real
// rules, a summary for each, and every rule of the catalogue broken by at
// least one design (but those internal/ruletest holds pending, with the
// reason), so that each rule is known to fire.
func TestBrokenCatalogue(t *testing.T) {
	all := sim.GoDesigns()
	names := map[string]bool{}
	for _, g := range all {
		require.False(t, names[g.Name], "design name %q registered twice", g.Name)
		names[g.Name] = true
		if strings.HasPrefix(g.Name, "broken-") {
			require.NotEmpty(t, g.Breaks, "%s is named broken but breaks nothing", g.Name)
		}
	}
	covered := map[rule.Name][]string{}
	for _, g := range brokenDesigns() {
		_, ok := rule.Lookup(g.Breaks)
		require.True(t, ok, "%s breaks %q, which is not a catalogue rule", g.Name, g.Breaks)
		require.NotEmpty(t, g.Summary, g.Name)
		require.NotContains(t, g.Summary, "\n", g.Name)
		require.NotNil(t, g.Stack, g.Name)
		covered[g.Breaks] = append(covered[g.Breaks], g.Name)
	}
	broken := map[rule.Name]bool{}
	for r := range covered {
		broken[r] = true
	}
	missing, unlisted := ruletest.Diff(ruletest.Designs, broken)
	require.Empty(t, missing, "rules listed for the broken catalogue that no broken design breaks")
	require.Empty(t, unlisted, "rules a broken design breaks that internal/ruletest does not list")
	for _, r := range rule.Catalogue {
		_, pending := ruletest.Pending[r.Name]
		if r.Severity == rule.Error && !pending {
			require.NotEmpty(t, covered[r.Name], "error rule %s has no broken design", r.Name)
		}
	}
	for r, ds := range covered {
		require.LessOrEqual(t, len(ds), designsPerRule(r), "%s is broken by %v: one design per rule, two if they are different bugs", r, ds)
	}
}

// TestBrokenReferenceDesigns checks the correct designs the broken ones are
// measured against: ndisprot, its pended form and the configurable protocol
// in its default settings draw no error finding in 20,000 runs; the broken
// designs' own base, in each of its shapes, draws no finding at all,
// warnings included.
func TestBrokenReferenceDesigns(t *testing.T) {
	if testing.Short() {
		t.Skip("20,000 runs per design")
	}
	ndisprot, ok := sim.Lookup("ndisprot")
	require.True(t, ok)
	pended, ok := sim.Lookup("ndisprot-pended")
	require.True(t, ok)
	baked := defaultBaseConfig()
	baked.BakeContext = true
	waits := designkit.DefaultConfig()
	waits.Wait = true
	for _, c := range []struct {
		d      sim.Design
		runs   int
		strict bool
	}{
		{ndisprot.Design(), 20_000, false},
		{pended.Design(), 20_000, false},
		{brokenRefDesign("configurable", Configurable(DefaultConfig())), 20_000, false},
		{brokenRefDesign("broken-base", designkit.Protocol(defaultBaseConfig())), 5_000, true},
		{brokenRefDesign("broken-base-separate", designkit.Protocol(separateBaseConfig())), 5_000, true},
		{brokenRefDesign("broken-base-baked", designkit.Protocol(baked)), 5_000, true},
		{brokenRefDesign("designkit-waits", designkit.Protocol(waits)), 5_000, true},
	} {
		t.Run(c.d.Name, func(t *testing.T) {
			rep, err := sim.Check(context.Background(), c.d, sim.CheckOptions{Seed: sim.DefaultSeed, Runs: c.runs})
			require.NoError(t, err)
			require.Equal(t, c.runs, rep.Runs)
			for _, f := range rep.Findings {
				if c.strict || f.Severity == rule.Error.String() {
					require.Fail(t, "unexpected finding", "%s: %s (%s) at seed %d: %s\n%s",
						c.d.Name, f.Rule, f.Severity, f.Seed, f.Message, strings.Join(f.Lines, "\n"))
				}
			}
			t.Logf("%s: %d runs, %d steps, warnings %v", c.d.Name, rep.Runs, rep.Steps, brokenRules(rep.Findings))
		})
	}
}

// brokenRefDesign is a correct protocol on the stack the broken designs use.
func brokenRefDesign(name string, newProto func() binding.Protocol) sim.Design {
	changes := demoChanges()
	src := fmt.Sprintf("test:%s\nstack:%s\n", name, demoStack())
	for _, c := range changes {
		src += "change:" + c.String() + "\n"
	}
	return sim.Design{
		Name: name, Stack: demoStack(), Changes: slices.Clone(changes), Protocol: name,
		New: newProto, Workload: sim.DefaultWorkload, Source: []byte(src),
	}
}
