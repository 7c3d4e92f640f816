package properties

import (
	"errors"
	"fmt"
	"runtime"
	"runtime/debug"
	"slices"
	"sync"
	"testing"

	"github.com/ndissim/ndissim/binding"
	"github.com/ndissim/ndissim/rule"
	"github.com/ndissim/ndissim/sim"
)

// Options steer Check. The zero value is a sensible default.
type Options struct {
	// Runs is how many seeded runs to make (0: sim.DefaultRuns). The
	// -ndissim.runs flag and NDISSIM_RUNS override it.
	Runs int
	// Seed is the first seed; runs use Seed, Seed+1, ... (0:
	// sim.DefaultSeed). The -ndissim.seed flag and NDISSIM_SEED override it.
	Seed uint64
	// Strict fails the check on warning findings too.
	Strict bool
	// Workers runs seeds in parallel (0: GOMAXPROCS). The report does not
	// depend on it: the failure reported is always the lowest failing seed.
	Workers int
	// FailDir is where the trace of a failure is saved and where saved
	// traces are replayed from before any new seed
	// (default testdata/ndissim-failures/<TestName>).
	FailDir string
}

// Check runs d over seeded runs of the simulator with every invariant
// checked after every step, and fails t at the first run that breaks one
// (or draws an error finding, or with Strict any finding). The failure names
// the rule and invariant, prints the shrunk trace, saves it as a trace file
// under FailDir and says how to reproduce it.
//
// Before new seeds, Check replays the traces already saved in FailDir for a
// design of the same name: a failure found once, in CI or locally, stays a
// regression test until its file is deleted. A saved trace that no longer
// fails is only logged.
//
// Check calls only t's Helper, Name, Logf and Fatalf, so a test can pass a
// wrapper that records them. It is safe for parallel tests and under -race.
func Check(t testing.TB, d sim.Design, opt Options) {
	t.Helper()
	if d.New == nil || d.Stack == nil {
		t.Fatalf("ndissim: design %q has no New function or no Stack; nothing to check", d.Name)
		return
	}
	d = withWorkload(d)
	seed, runs, err := defaultBudget(opt)
	if err != nil {
		t.Fatalf("ndissim: %v", err)
		return
	}
	defer func() {
		if r := recover(); r != nil {
			t.Fatalf("ndissim: checking design %q panicked: %v\n%s", d.Name, r, debug.Stack())
		}
	}()
	c := &checker{t: t, d: d, strict: opt.Strict, dir: opt.FailDir}
	if c.dir == "" {
		c.dir = defaultFailDir(t.Name())
	}
	if c.replaySaved() {
		return
	}
	workers := opt.Workers
	if workers <= 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	workers = max(1, min(workers, runs))
	engines := make([]*sim.Engine, workers)
	for i := range engines {
		engines[i] = newEngine(d)
	}
	f := c.search(engines, seed, runs)
	if f == nil {
		t.Logf("ndissim: design %q kept every invariant in %d run(s) from seed %d", d.Name, runs, seed)
		return
	}
	c.report(engines[0], f)
}

func newEngine(d sim.Design) *sim.Engine {
	e := sim.NewEngine(d)
	e.SetObserver(CheckInvariants)
	return e
}

type checker struct {
	t      testing.TB
	d      sim.Design
	strict bool
	dir    string
}

// failure is what broke in one run.
type failure struct {
	seed     uint64
	run      int // 1-based, among the runs of this check
	rule     rule.Name
	severity rule.Severity
	inv      string // the invariant, "" for a warning that fails only with Strict
	msg      string
	byRule   bool // the binding reported it: shrink for the rule
	stream   []uint32
	steps    int
}

// judge says whether a run failed the check, and how.
func (c *checker) judge(res sim.Result) *failure {
	f := &failure{seed: res.Seed, stream: res.Stream, steps: res.Steps}
	var ie *InvariantError
	switch {
	case errors.As(res.Observed, &ie):
		f.inv, f.msg, f.rule, f.severity = ie.Invariant, ie.Msg, ie.Rule, rule.Error
		f.byRule = ie.Finding != nil
		return f
	case res.Observed != nil: // not ours; cannot happen with CheckInvariants
		f.inv, f.msg, f.rule, f.severity = "observer", res.Observed.Error(), SelfCheck, rule.Error
		return f
	case res.Err() != nil:
		x := res.Err()
		f.inv, f.msg, f.rule, f.severity, f.byRule = claimant(x.Rule), x.Error(), x.Rule, x.Severity, true
		return f
	}
	if c.strict {
		for _, x := range res.Findings {
			f.msg, f.rule, f.severity, f.byRule = x.Error(), x.Rule, x.Severity, true
			return f
		}
	}
	return nil
}

// claimant is the invariant an error finding of r breaks.
func claimant(r rule.Name) string {
	for _, inv := range invariants {
		if inv.claims(r) {
			return inv.Name
		}
	}
	return ""
}

// search runs seeds seed, seed+1, ... in batches split among the engines
// and returns the failure of the lowest failing seed, or nil. Each worker
// judges its runs as they end (RunShared: a run's stream is copied only if
// it failed).
func (c *checker) search(engines []*sim.Engine, seed uint64, runs int) *failure {
	fails := make([]*failure, len(engines)*16)
	batch := len(engines) // grows to len(fails): an early failure is found early
	for start := 0; start < runs; start, batch = start+batch, min(2*batch, len(fails)) {
		n := min(batch, runs-start)
		first := seed + uint64(start)
		var wg sync.WaitGroup
		panics := make([]any, len(engines))
		for w, e := range engines {
			wg.Add(1)
			go func() {
				defer wg.Done()
				defer func() {
					if r := recover(); r != nil {
						panics[w] = fmt.Sprintf("%v\n%s", r, debug.Stack())
					}
				}()
				for i := w; i < n; i += len(engines) {
					f := c.judge(e.RunShared(first + uint64(i)))
					if f != nil {
						f.stream = slices.Clone(f.stream)
					}
					fails[i] = f
				}
			}()
		}
		wg.Wait()
		for _, p := range panics {
			if p != nil {
				panic(p) // in the test's goroutine, where Check recovers it
			}
		}
		for i, f := range fails[:n] {
			if f != nil {
				f.run = start + i + 1
				return f
			}
		}
	}
	return nil
}

// same reports whether a replay fails the way f did: with a finding of the
// same rule, or the same invariant broken.
func (c *checker) same(res sim.Result, f *failure) bool {
	g := c.judge(res)
	if g == nil {
		return false
	}
	if f.byRule {
		return hasRule(res, f.rule)
	}
	return g.inv == f.inv
}

// restate is f as the shrunk replay res shows it: the same rule or
// invariant, with the message (and its step numbers) of the replay.
func (c *checker) restate(res sim.Result, f *failure) *failure {
	g := *f
	if f.byRule {
		for _, x := range res.Findings {
			if x.Rule == f.rule {
				g.msg = x.Error()
				return &g
			}
		}
		return &g
	}
	if h := c.judge(res); h != nil {
		g.msg = h.msg
	}
	return &g
}

// shrink reduces f's stream with the engine's ShrinkFast, against the rule
// when the binding reported one, else against the invariant. It returns the
// stream and whether it is a fixpoint.
func (c *checker) shrink(e *sim.Engine, f *failure) ([]uint32, bool) {
	if !f.byRule {
		return e.ShrinkFast(f.stream, func(res sim.Result) bool { return c.same(res, f) }, sim.ShrinkBudget)
	}
	// Against a rule, the replays need only stop where CheckInvariants
	// would, at the first error finding: the self-checks it adds fail only
	// on a bug of the simulator, and the shrunk run is judged again with
	// every invariant (report).
	e.SetObserver(stopAtError)
	defer e.SetObserver(CheckInvariants)
	return e.ShrinkFast(f.stream, func(res sim.Result) bool { return hasRule(res, f.rule) }, sim.ShrinkBudget)
}

// errStop is what stopAtError ends a run with.
var errStop = errors.New("ndissim: an error finding")

// stopAtError ends a run at its first error finding, as CheckInvariants
// does, without the self-checks.
func stopAtError(b *binding.Binding) error {
	if hasError(b.Findings()) {
		return errStop
	}
	return nil
}

// hasRule reports whether res drew a finding of r.
func hasRule(res sim.Result, r rule.Name) bool {
	for i := range res.Findings {
		if res.Findings[i].Rule == r {
			return true
		}
	}
	return false
}
