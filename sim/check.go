package sim

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"hash/fnv"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/ndissim/ndissim/rule"
)

// DefaultSeed is the seed of a check that names none, so that two plain runs
// print the same report.
const DefaultSeed = 1

// DefaultRuns is the runs of a check that names none.
const DefaultRuns = 1000

// CheckOptions steer a check of one design. Validate gives their bounds.
type CheckOptions struct {
	Seed    uint64
	Runs    int
	Steps   int    // overrides the workload's steps when > 0
	Workers int    // 0: one per CPU, at most MaxWorkers
	OutDir  string // where trace files go; empty: none are written
	// Verify re-runs this many of the seeds on a fresh engine and compares
	// their streams and findings: a determinism self-check.
	Verify int
	// NoShrink saves each finding's run as it was drawn.
	NoShrink bool
	// Shard, when set, limits the check to its block of the seeds Seed to
	// Seed+Runs-1; MergeShards joins the shards' reports into the
	// unsharded one.
	Shard Shard
	// CoverageGoal keeps the check running past Runs, in seed order, until
	// every possible (state, move) pair was seen (Coverage.Complete) or
	// MaxRuns runs are done; it stops at the first run that completes the
	// coverage, whatever the workers. It cannot be sharded: a shard cannot
	// tell when the runs of the shards before it completed the coverage.
	CoverageGoal bool
	// MaxRuns is CoverageGoal's budget: 0 is DefaultMaxRuns(Runs).
	MaxRuns int
	// Progress, if set, is told the runs done and findings so far, from the
	// goroutine that called Check.
	Progress func(runs, findings int)
}

// Report is the check of one design.
type Report struct {
	Name        string          `json:"name"`
	File        string          `json:"file"`
	Runs        int             `json:"runs"`
	Steps       int64           `json:"steps"`
	Findings    []FindingReport `json:"findings"`
	Interrupted bool            `json:"interrupted,omitempty"`
	Verified    int             `json:"verified_seeds,omitempty"`
	Nondeterm   []uint64        `json:"nondeterministic_seeds,omitempty"`
	// Coverage is what the runs counted in Runs exercised (coverage.go);
	// merge joins the shards' (a union of the shards it counts).
	Coverage *Coverage `json:"coverage,omitempty"`
	// Goal is the outcome of CheckOptions.CoverageGoal; nil without it.
	Goal *CoverageGoal `json:"coverage_goal,omitempty"`
}

// CoverageGoal is how a check with CheckOptions.CoverageGoal ended: whether
// every possible pair was seen, within a budget of MaxRuns runs. The pairs
// still unseen are the coverage's missed pairs.
type CoverageGoal struct {
	MaxRuns int  `json:"max_runs"`
	Reached bool `json:"reached"`
}

// FindingReport is one finding of a check, shrunk and saved.
type FindingReport struct {
	Rule     rule.Name `json:"rule"`
	Severity string    `json:"severity"`
	Seed     uint64    `json:"seed"`
	// Step is the tick of the seed's own run (not the shrunk one) at which
	// the rule broke, so it is the same whether or not the run was shrunk.
	Step        int      `json:"step"`
	State       string   `json:"state"`
	Message     string   `json:"message"`
	Objects     []string `json:"objects,omitempty"`
	Trace       string   `json:"trace,omitempty"`
	TraceError  string   `json:"trace_error,omitempty"`
	ShrunkSteps int      `json:"shrunk_steps"`
	Minimal     bool     `json:"minimal"`
	Unshrunk    bool     `json:"unshrunk,omitempty"`
	Replay      string   `json:"replay,omitempty"`
	Lines       []string `json:"-"`
}

// Failed reports whether the design failed the check.
func (r *Report) Failed(strict bool) bool {
	for _, f := range r.Findings {
		if strict || f.Severity == rule.Error.String() {
			return true
		}
	}
	return len(r.Nondeterm) > 0
}

// found is a finding the search kept: the first of its rule, or the error
// that ended the search, with the run that drew it.
type found struct {
	seed   uint64
	f      rule.Finding
	stream []uint32 // nil only if the worker did not keep it (never expected)
	steps  int
}

// campaign is one check of one design.
type campaign struct {
	d       Design
	opt     CheckOptions
	engines []*Engine
	covs    []workerCoverage // by engine: what its worker's run in hand exercised
	pending *batch
	warned  map[rule.Name]bool
	known   map[rule.Name]bool // the workers' copy of warned, nil once stale
	found   []found            // warnings, first of each rule, in seed order
	errRun  *found
	rep     Report
}

// Check runs seeds Seed, Seed+1, ... of d until Runs are done or the first
// error finding; warnings are collected on the way. With a Shard it runs
// only the shard's block of those seeds, as a check of its own. The report
// is the same for any number of workers: workers take seeds in batches and
// results are merged in seed order. Cancelling ctx stops the check within a run's
// length at worst, and Check itself returns at once: the report then covers
// the runs finished so far, saves what they found unshrunk, and is marked
// Interrupted. Check fails only on options outside their bounds (an
// *OptionError); a trace that cannot be written is the finding's TraceError.
func Check(ctx context.Context, d Design, opt CheckOptions) (Report, error) {
	if err := opt.Validate(); err != nil {
		return Report{}, err
	}
	if opt.Steps > 0 {
		d.Workload.Steps = opt.Steps
	}
	// From here on the check is of the shard's block only: a shard is a
	// whole check of fewer seeds, which is what lets merge rebuild the
	// unsharded report from the shards' reports.
	opt.Seed, opt.Runs = opt.Shard.Block(opt.Seed, opt.Runs)
	c := &campaign{d: d, opt: opt, warned: map[rule.Name]bool{},
		rep: Report{Name: d.Name, File: d.File, Findings: []FindingReport{}, Coverage: NewCoverage()}}
	c.engines = make([]*Engine, opt.workerCount())
	c.covs = make([]workerCoverage, len(c.engines))
	for i := range c.engines {
		c.engines[i] = NewEngine(d)
	}
	c.search(ctx)
	if opt.CoverageGoal {
		c.rep.Goal = &CoverageGoal{MaxRuns: opt.Budget(), Reached: c.rep.Coverage.Complete()}
	}
	all := c.found
	if c.errRun != nil {
		all = append(all, *c.errRun)
	}
	for _, f := range all {
		c.rep.Findings = append(c.rep.Findings, c.explain(ctx, f))
	}
	if !c.rep.Interrupted {
		c.verify(ctx)
	}
	return c.rep, nil
}

// explain shrinks the run that drew a finding, replays the shrunk run with a
// trace, and saves it. Once the check is interrupted it saves the run as it
// was drawn, without replaying anything.
func (c *campaign) explain(ctx context.Context, f found) FindingReport {
	fr := FindingReport{Rule: f.f.Rule, Severity: f.f.Severity.String(), Seed: f.seed, Step: f.f.Step,
		State: f.f.State, Message: f.f.Message, Objects: f.f.Objects,
		ShrunkSteps: f.steps, Unshrunk: true}
	stream := f.stream
	if !c.rep.Interrupted || stream == nil {
		var s shrunkRun
		if await(ctx, func(stop *atomic.Bool) { s = c.shrink(f, stop) }) {
			stream, fr.ShrunkSteps, fr.Minimal, fr.Lines, fr.Unshrunk = s.stream, s.steps, s.minimal, s.lines, s.unshrunk
		} else {
			c.interrupt()
		}
	}
	if c.opt.OutDir != "" && stream != nil {
		c.save(&fr, stream)
	}
	return fr
}

// shrunkRun is what shrinking gives back to explain.
type shrunkRun struct {
	stream   []uint32
	steps    int
	minimal  bool
	unshrunk bool // the run as drawn: not shrunk, or no shorter run failed
	lines    []string
}

// shrink runs in its own goroutine, on its own engine, so that explain can
// leave it behind when the check is interrupted.
func (c *campaign) shrink(f found, stop *atomic.Bool) shrunkRun {
	e := NewEngine(c.d)
	stream := f.stream
	if stream == nil {
		stream = e.Run(f.seed).Stream
	}
	drawn := stream
	minimal, moves, unshrunk := false, f.steps, true // the run as drawn: its moves, then its teardown
	if !c.opt.NoShrink {
		failing := func(res Result) bool { return hasRule(res.Findings, f.f.Rule) }
		stream, minimal = e.shrinkFunc(stream, failing, ShrinkBudget, stop.Load)
		moves, unshrunk = 0, false // a shrunk stream's moves are those its replay makes
	}
	res := e.ReplayMoves(stream, moves, true)
	if !unshrunk && !hasRule(res.Findings, f.f.Rule) {
		// The shrink never met a failing candidate: the whole stream,
		// replayed until it ends, takes the teardown's choices for moves.
		// Keep the run as drawn, which replays with its moves.
		stream, moves, minimal, unshrunk = drawn, f.steps, false, true
		res = e.ReplayMoves(stream, moves, true)
	}
	if stream == nil {
		// A run that broke its rule before its first choice (at bind, say)
		// has an empty stream; it is still a trace to save and replay, and
		// nil means "not kept" to explain.
		stream = []uint32{}
	}
	return shrunkRun{stream: stream, steps: res.Steps, minimal: minimal, unshrunk: unshrunk, lines: res.Lines}
}

// save writes the trace of a finding and says in fr where it is and how to
// replay it, or why it could not be written.
func (c *campaign) save(fr *FindingReport, stream []uint32) {
	path := filepath.Join(c.opt.OutDir, TraceName(c.d, fr.Seed, fr.Rule))
	origin, external := TraceOrigin(c.d, c.opt.OutDir)
	tf := TraceFile{Version: Version, Design: c.d.Name, Origin: origin, Hash: DesignHash(c.d), Seed: fr.Seed,
		Rule: fr.Rule, Moves: fr.ShrunkSteps, Stream: stream, Lines: fr.Lines, Unshrunk: fr.Unshrunk}
	if err := WriteFileAtomic(path, tf.Marshal()); err != nil {
		fr.TraceError = err.Error()
		return
	}
	fr.Trace = path
	args := []string{"ndissim", "replay", path}
	if external {
		args = append(args, c.d.File)
	}
	fr.Replay = ShellCommand(args...)
}

// TraceName is the file name of a finding's trace: the design's name, the
// seed and the rule, and for a design file a tag of its path, so that two
// files of one name checked together keep their traces apart.
func TraceName(d Design, seed uint64, r rule.Name) string {
	name := fmt.Sprintf("%s-%d-%s", safeName(d.Name), seed, r)
	if isFile(d) {
		sum := sha256.Sum256([]byte(filepath.Clean(d.File)))
		name += "-" + hex.EncodeToString(sum[:4])
	}
	return name + ".trace"
}

// isFile reports whether d came from a design file on disk (not a Go
// design, nor the embedded default, whose File is in parentheses).
func isFile(d Design) bool { return d.File != "" && !strings.HasPrefix(d.File, "(") }

// safeName keeps a name to characters that are safe in a file name.
func safeName(s string) string {
	return strings.Map(func(r rune) rune {
		if r == '-' || r == '_' || r == '.' || '0' <= r && r <= '9' || 'a' <= r && r <= 'z' || 'A' <= r && r <= 'Z' {
			return r
		}
		return '_'
	}, s)
}

// Origin says where a design comes from: its file's path as given, or
// "go:NAME" or "embedded:NAME" for a built-in one.
func Origin(d Design) string {
	switch {
	case isFile(d):
		return d.File
	case d.Protocol != "" && d.Protocol != "configurable":
		return "go:" + d.Protocol
	}
	return "embedded:" + d.Name
}

// verify re-runs up to opt.Verify of the runs' seeds on fresh engines, in
// its own goroutine so that an interruption can leave it behind; the report
// then keeps the seeds verified so far.
func (c *campaign) verify(ctx context.Context) {
	if c.opt.Verify <= 0 || c.rep.Runs == 0 {
		return
	}
	var mu sync.Mutex
	checked, bad := 0, []uint64(nil)
	ok := await(ctx, func(stop *atomic.Bool) {
		a, b := NewEngine(c.d), NewEngine(c.d)
		step := max(c.rep.Runs/c.opt.Verify, 1)
		for i, n := 0, 0; i < c.rep.Runs && n < c.opt.Verify && !stop.Load(); i, n = i+step, n+1 {
			seed := c.opt.Seed + uint64(i)
			same := sameRuns(c.d, a, b, seed)
			mu.Lock()
			checked++
			if !same {
				bad = append(bad, seed)
			}
			mu.Unlock()
		}
	})
	mu.Lock()
	defer mu.Unlock()
	c.rep.Verified, c.rep.Nondeterm = checked, append([]uint64(nil), bad...)
	if len(c.rep.Nondeterm) == 0 {
		c.rep.Nondeterm = nil
	}
	if !ok {
		c.rep.Interrupted = true
	}
}

// sameRuns runs seed on a, which has run other seeds before, on b, and on a
// fresh engine: state left over between runs would show as a difference.
func sameRuns(d Design, a, b *Engine, seed uint64) bool {
	a.Run(seed + 1)
	fa := fingerprint(a.Run(seed))
	return fa == fingerprint(NewEngine(d).Run(seed)) && fingerprint(b.Run(seed)) == fa
}

func fingerprint(r Result) uint64 {
	h := fnv.New64a()
	for _, v := range r.Stream {
		fmt.Fprint(h, v, ",")
	}
	for _, f := range r.Findings {
		fmt.Fprint(h, f.Error(), ";")
	}
	return h.Sum64()
}
