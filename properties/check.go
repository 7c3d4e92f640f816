package properties

import (
	"errors"
	"runtime"
	"sync"
	"testing"

	"github.com/ndissim/ndissim/internal/rule"
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
		t.Logf("ndissim: design %q kept every invariant in %d runs from seed %d", d.Name, runs, seed)
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
		f.inv, f.msg, f.rule, f.severity = "observer", res.Observed.Error(), rule.UnexpectedCompletion, rule.Error
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
// and returns the failure of the lowest failing seed, or nil.
func (c *checker) search(engines []*sim.Engine, seed uint64, runs int) *failure {
	batch := len(engines) * 16
	results := make([]sim.Result, batch)
	for start := 0; start < runs; start += batch {
		n := min(batch, runs-start)
		first := seed + uint64(start)
		var wg sync.WaitGroup
		for w, e := range engines {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for i := w; i < n; i += len(engines) {
					results[i] = e.Run(first + uint64(i))
				}
			}()
		}
		wg.Wait()
		for i := range n {
			if f := c.judge(results[i]); f != nil {
				f.run = start + i + 1
				return f
			}
		}
	}
	return nil
}

// same reports whether a replay fails the way f did.
func (c *checker) same(res sim.Result, f *failure) bool {
	g := c.judge(res)
	if g == nil {
		return false
	}
	if f.byRule {
		return g.rule == f.rule
	}
	return g.inv == f.inv
}

// shrink reduces f's stream: with the engine's Shrink when the binding
// reported a rule, else with the same deletions and lowerings against the
// invariant. It returns the stream and whether it is a fixpoint.
func (c *checker) shrink(e *sim.Engine, f *failure) ([]uint32, bool) {
	if f.byRule {
		return e.Shrink(f.stream, f.rule)
	}
	return shrinkStream(f.stream, func(s []uint32) bool { return c.same(e.Replay(s, false), f) }, sim.ShrinkBudget)
}

// shrinkStream is sim's shrinking against any predicate: delete spans of
// choices, halving their size down to one, then lower single choices, until
// nothing more fails or the budget of replays is spent.
func shrinkStream(stream []uint32, fails func([]uint32) bool, budget int) ([]uint32, bool) {
	s := append([]uint32(nil), stream...)
	try := func(cand []uint32) bool {
		budget--
		return fails(cand)
	}
	for budget > 0 {
		progress := false
		for size := max(len(s)/2, 1); size >= 1 && budget > 0; size /= 2 {
			for i := 0; i+size <= len(s) && budget > 0; {
				cand := append(append(make([]uint32, 0, len(s)-size), s[:i]...), s[i+size:]...)
				if try(cand) {
					s, progress = cand, true
				} else {
					i += max(size/2, 1)
				}
			}
		}
		for i := 0; i < len(s) && budget > 0; i++ {
			for _, v := range lowerChoice(s[i]) {
				cand := append([]uint32(nil), s...)
				cand[i] = v
				if try(cand) {
					s, progress = cand, true
					break
				}
			}
		}
		if !progress {
			return s, true
		}
	}
	return s, false
}

func lowerChoice(v uint32) []uint32 {
	switch v {
	case 0:
		return nil
	case 1:
		return []uint32{0}
	case 2:
		return []uint32{0, 1}
	}
	return []uint32{0, v / 2, v - 1}
}
