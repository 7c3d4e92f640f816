package sim

import (
	"context"
	"errors"
	"fmt"
	"hash/fnv"
	"os"
	"path/filepath"
	"runtime"
	"sync"

	"github.com/ndissim/ndissim/internal/rule"
)

// DefaultSeed is the seed of a check that names none, so that two plain runs
// print the same report.
const DefaultSeed = 1

// DefaultRuns is the runs of a check that names none.
const DefaultRuns = 1000

// CheckOptions steer a check of one design.
type CheckOptions struct {
	Seed    uint64
	Runs    int
	Steps   int    // overrides the workload's steps when > 0
	Workers int    // 0: one per CPU
	OutDir  string // where trace files go; empty: none are written
	// Verify re-runs this many of the seeds on a fresh engine and compares
	// their streams and findings: a determinism self-check.
	Verify int
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
}

// FindingReport is one finding of a check, shrunk and saved.
type FindingReport struct {
	Rule        rule.Name `json:"rule"`
	Severity    string    `json:"severity"`
	Seed        uint64    `json:"seed"`
	Step        int       `json:"step"`
	State       string    `json:"state"`
	Message     string    `json:"message"`
	Objects     []string  `json:"objects,omitempty"`
	Trace       string    `json:"trace,omitempty"`
	ShrunkSteps int       `json:"shrunk_steps"`
	Minimal     bool      `json:"minimal"`
	Replay      string    `json:"replay,omitempty"`
	Lines       []string  `json:"-"`
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

// seedResult is what a check keeps of one run until the runs before it are
// merged: its step count and its findings, nothing else.
type seedResult struct {
	steps    int
	findings []rule.Finding
}

// Check runs seeds Seed, Seed+1, ... of d until Runs are done or the first
// error finding; warnings are collected on the way. The report is the same
// for any number of workers: workers take seeds in batches and results are
// merged in seed order. Cancelling ctx stops the check between batches; the
// report then covers the runs merged so far and is marked Interrupted.
func Check(ctx context.Context, d Design, opt CheckOptions) (Report, error) {
	if opt.Steps > 0 {
		d.Workload.Steps = opt.Steps
	}
	workers := opt.Workers
	if workers <= 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	rep := Report{Name: d.Name, File: d.File, Findings: []FindingReport{}}
	engines := make([]*Engine, workers)
	for i := range engines {
		engines[i] = NewEngine(d)
	}
	var errSeed *uint64
	var errFinding rule.Finding
	var warnings []warning
	warned := map[rule.Name]bool{}
	batch := workers * 32
	results := make([]seedResult, batch)
	for start := 0; start < opt.Runs && errSeed == nil; start += batch {
		if ctx.Err() != nil {
			rep.Interrupted = true
			break
		}
		n := min(batch, opt.Runs-start)
		runBatch(engines, opt.Seed+uint64(start), results[:n])
		for i := range n {
			seed := opt.Seed + uint64(start+i)
			rep.Runs++
			rep.Steps += int64(results[i].steps)
			for _, f := range results[i].findings {
				if f.Severity == rule.Error {
					s := seed
					errSeed, errFinding = &s, f
					break
				}
				if !warned[f.Rule] {
					warned[f.Rule] = true
					warnings = append(warnings, warning{seed, f})
				}
			}
			if errSeed != nil {
				break
			}
		}
		if opt.Progress != nil {
			opt.Progress(rep.Runs, len(warnings)+btoi(errSeed != nil))
		}
	}
	if errSeed != nil {
		warnings = append(warnings, warning{*errSeed, errFinding})
	}
	e := engines[0]
	for _, w := range warnings {
		budget := ShrinkBudget
		if ctx.Err() != nil {
			budget = 0 // interrupted: save what was found, unshrunk, at once
		}
		fr, err := e.explain(w.seed, w.f, d, opt.OutDir, budget)
		if err != nil {
			return rep, err
		}
		rep.Findings = append(rep.Findings, fr)
	}
	rep.Verified, rep.Nondeterm = verify(d, opt, rep.Runs)
	return rep, nil
}

type warning struct {
	seed uint64
	f    rule.Finding
}

func btoi(b bool) int {
	if b {
		return 1
	}
	return 0
}

// runBatch runs seeds first, first+1, ... into out, split among engines.
func runBatch(engines []*Engine, first uint64, out []seedResult) {
	var wg sync.WaitGroup
	for w, e := range engines {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := w; i < len(out); i += len(engines) {
				r := e.Run(first + uint64(i))
				out[i] = seedResult{steps: r.Steps, findings: r.Findings}
			}
		}()
	}
	wg.Wait()
}

// explain shrinks the run of seed that drew f, replays the shrunk run with a
// trace, and saves it.
func (e *Engine) explain(seed uint64, f rule.Finding, d Design, outDir string, budget int) (FindingReport, error) {
	full := e.Run(seed)
	stream, minimal := e.shrink(full.Stream, f.Rule, budget)
	shrunk := e.Replay(stream, true)
	got := findingOf(shrunk.Findings, f.Rule)
	if got == nil { // cannot happen: Shrink keeps only streams that fail
		stream, shrunk, got = full.Stream, e.Trace(seed), &f
	}
	fr := FindingReport{
		Rule: got.Rule, Severity: got.Severity.String(), Seed: seed, Step: got.Step, State: got.State,
		Message: got.Message, Objects: got.Objects, ShrunkSteps: shrunk.Steps, Minimal: minimal, Lines: shrunk.Lines,
	}
	if outDir == "" {
		return fr, nil
	}
	tf := TraceFile{Version: Version, Design: d.Name, Origin: Origin(d), Hash: DesignHash(d), Seed: seed,
		Rule: got.Rule, Stream: stream, Lines: shrunk.Lines}
	path := filepath.Join(outDir, fmt.Sprintf("%s-%d-%s.trace", d.Name, seed, got.Rule))
	if err := WriteFileAtomic(path, tf.Marshal()); err != nil {
		return fr, err
	}
	fr.Trace = path
	fr.Replay = "ndissim replay " + path
	return fr, nil
}

func findingOf(fs []rule.Finding, r rule.Name) *rule.Finding {
	for i := range fs {
		if fs[i].Rule == r {
			return &fs[i]
		}
	}
	return nil
}

// Origin says where a design comes from, for a trace file.
func Origin(d Design) string {
	switch {
	case d.File != "":
		return d.File
	case d.Protocol != "" && d.Protocol != "configurable":
		return "go:" + d.Protocol
	}
	return "embedded:" + d.Name
}

// verify re-runs up to opt.Verify of the first runs seeds on a fresh engine
// and returns the seeds whose stream or findings differ.
func verify(d Design, opt CheckOptions, runs int) (checked int, bad []uint64) {
	if opt.Verify <= 0 || runs == 0 {
		return 0, nil
	}
	a, b := NewEngine(d), NewEngine(d)
	step := max(runs/opt.Verify, 1)
	for i := 0; i < runs && checked < opt.Verify; i += step {
		seed := opt.Seed + uint64(i)
		// a has run other seeds before; b runs only this one: state left
		// over between runs would show as a difference.
		a.Run(seed + 1)
		if fingerprint(a.Run(seed)) != fingerprint(NewEngine(d).Run(seed)) || fingerprint(b.Run(seed)) != fingerprint(a.Run(seed)) {
			bad = append(bad, seed)
		}
		checked++
	}
	return checked, bad
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

// WriteFileAtomic writes data to a temporary file beside path and renames
// it over path, so that a kill at any moment leaves the old file or the new.
func WriteFileAtomic(path string, data []byte) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return err
	}
	f, err := os.CreateTemp(filepath.Dir(path), ".ndissim-*.tmp")
	if err != nil {
		return err
	}
	_, werr := f.Write(data)
	serr := f.Sync()
	cerr := f.Close()
	if err := errors.Join(werr, serr, cerr); err != nil {
		os.Remove(f.Name())
		return err
	}
	if err := os.Rename(f.Name(), path); err != nil {
		os.Remove(f.Name())
		return err
	}
	return nil
}
