package properties

import (
	"flag"
	"strings"
	"testing"

	"github.com/ndissim/ndissim/rule"
	"github.com/ndissim/ndissim/sim"
)

func TestBudgetPrecedence(t *testing.T) {
	env := map[string]string{}
	getenv := func(k string) string { return env[k] }
	newFlags := func(args ...string) *flag.FlagSet {
		fs := flag.NewFlagSet("t", flag.ContinueOnError)
		registerFlags(fs)
		registerFlags(fs) // twice: must not panic
		if err := fs.Parse(args); err != nil {
			t.Fatal(err)
		}
		return fs
	}
	check := func(fs *flag.FlagSet, opt Options, seed uint64, runs int) {
		t.Helper()
		s, r, err := budget(fs, getenv, opt)
		if err != nil || s != seed || r != runs {
			t.Errorf("env %v opt %+v: got seed %d runs %d err %v, want %d %d", env, opt, s, r, err, seed, runs)
		}
	}
	check(newFlags(), Options{}, sim.DefaultSeed, sim.DefaultRuns)
	check(newFlags(), Options{Seed: 5, Runs: 7}, 5, 7)
	env[SeedEnv], env[RunsEnv] = "9", "11"
	check(newFlags(), Options{Seed: 5, Runs: 7}, 9, 11)
	check(newFlags("-ndissim.seed=0", "-ndissim.runs=1"), Options{Seed: 5, Runs: 7}, 0, 1)
	check(newFlags("-ndissim.runs=3"), Options{}, 9, 3)
	env[RunsEnv] = "many"
	if _, _, err := budget(newFlags(), getenv, Options{}); err == nil {
		t.Error("NDISSIM_RUNS=many was accepted")
	}
}

func TestRunPatternAndFailDir(t *testing.T) {
	for name, want := range map[string]string{
		"TestX":            "^TestX$",
		"TestX/sub_case#1": "^TestX$/^sub_case#1$",
		"TestX/a.b":        `^TestX$/^a\.b$`,
	} {
		if got := runPattern(name); got != want {
			t.Errorf("runPattern(%q) = %q, want %q", name, got, want)
		}
	}
	if got, want := defaultFailDir("TestX/a b/.."), "testdata/ndissim-failures/TestX/a_b/__"; got != want {
		t.Errorf("defaultFailDir = %q, want %q", got, want)
	}
}

// Every error rule of the catalogue is claimed by exactly one invariant.
func TestEveryErrorRuleHasOneInvariant(t *testing.T) {
	for _, r := range ruleCatalogue() {
		n := 0
		for _, inv := range Invariants() {
			if inv.claims(r) {
				n++
			}
		}
		if n != 1 {
			t.Errorf("rule %s is claimed by %d invariants", r, n)
		}
	}
}

// A run whose self-check failed is reported as the simulator's failure,
// under the SelfCheck label, never as a rule of the catalogue.
func TestSelfCheckFailuresAreLabelledSo(t *testing.T) {
	c := &checker{}
	res := sim.Result{Observed: &InvariantError{Invariant: "conservation", Rule: SelfCheck, SelfCheck: true, Msg: "counts disagree"}}
	f := c.judge(res)
	if f == nil || f.rule != SelfCheck || f.byRule {
		t.Fatalf("judged %+v, want a self-check failure", f)
	}
	if what := f.what(); !strings.Contains(what, "simulator self-check of invariant conservation") || strings.Contains(what, "rule ") {
		t.Errorf("reported as %q", what)
	}
	if _, ok := rule.Lookup(SelfCheck); ok {
		t.Errorf("%s must not be a rule of the catalogue", SelfCheck)
	}
}
