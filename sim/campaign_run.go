package sim

import (
	"context"
	"maps"
	"slices"
	"sync"
	"sync/atomic"

	"github.com/ndissim/ndissim/rule"
)

// await runs work in its own goroutine and waits for it or for ctx. When ctx
// ends first it sets the stop flag work was given and returns false at once;
// work sees the flag at its next check and ends on its own, its results
// unread. The engine cannot stop a run halfway, so this is what lets a check
// answer a signal within a second however long one run or replay takes.
// Work must not touch what the caller goes on to use once it returns false.
func await(ctx context.Context, work func(stop *atomic.Bool)) bool {
	stop := new(atomic.Bool)
	done := make(chan struct{})
	go func() {
		defer close(done)
		work(stop)
	}()
	select {
	case <-done:
		return true
	case <-ctx.Done():
	}
	select {
	case <-done: // finished as the signal came: keep the result
		return true
	default:
		stop.Store(true)
		return false
	}
}

// seedResult is what a check keeps of one run until the runs before it are
// merged: its step count, its findings, and its choice stream only when one
// of its findings may be the first of its rule (it then becomes the trace).
type seedResult struct {
	steps    int
	findings []rule.Finding
	stream   []uint32
	cov      Coverage // what the run exercised (coverage.go)
}

// workerCoverage is the Coverage a worker records its run in hand into,
// written at every move. The padding keeps two workers' coverages off the
// same cache line, which the two cores would otherwise take from each other
// at every move.
type workerCoverage struct {
	Coverage
	_ [128]byte
}

// batch is one round of seeds split among the workers. Each worker stores a
// result and then marks it done, so the merger reads only finished results,
// even from workers it has stopped waiting for.
type batch struct {
	first   uint64
	results []seedResult
	done    []atomic.Bool
	stop    atomic.Bool
	// idle is set once every worker has returned: only then may the next
	// batch reuse this one's memory (nextBatch).
	idle bool
}

// nextBatch returns an empty batch of n seeds from first, in the memory of
// the last one when its workers are all done with it. An interrupted batch
// may still be written by a worker, but the check stops after it anyway.
func (c *campaign) nextBatch(first uint64, n int) *batch {
	b := c.pending
	if b == nil || !b.idle || cap(b.results) < n {
		return &batch{first: first, results: make([]seedResult, n), done: make([]atomic.Bool, n)}
	}
	// The merge kept copies of what it needed: the findings and streams
	// it holds are slices of their own, not the results array.
	b.first, b.idle = first, false
	b.results = b.results[:n]
	clear(b.results)
	b.done = b.done[:n]
	for i := range b.done {
		b.done[i].Store(false)
	}
	b.stop.Store(false)
	return b
}

// runBatch runs n seeds from first on the campaign's engines and returns how
// many of them, counted from the first, finished. It returns early when ctx
// ends: workers then stop before their next run and are left to finish the
// one in hand on their own, so the engines must not be used again.
func (c *campaign) runBatch(ctx context.Context, first uint64, n int) (finished int, interrupted bool) {
	b := c.nextBatch(first, n)
	if c.known == nil {
		// Workers read a copy: the merger may change c.warned. It is
		// made again only after a change, never written once made.
		c.known = maps.Clone(c.warned)
	}
	known := c.known
	var wg sync.WaitGroup
	// Read here, not in the workers: an interrupt clears c.engines while
	// a late worker may not have started yet.
	workers := len(c.engines)
	for w, e := range c.engines {
		wg.Add(1)
		cov := &c.covs[w].Coverage
		go func() {
			defer wg.Done()
			b.work(e, cov, w, workers, known)
		}()
	}
	all := make(chan struct{})
	go func() {
		wg.Wait()
		close(all)
	}()
	select {
	case <-all:
		b.idle = true
	case <-ctx.Done():
		b.stop.Store(true)
		interrupted = true
	}
	for finished < n && b.done[finished].Load() {
		finished++
	}
	c.pending = b
	return finished, interrupted
}

// work runs the worker's share of the batch: seeds w, w+workers, ..., in
// increasing order, checking the stop flag before each run. Each run
// records into the worker's own cov, emptied first, and its result keeps a
// copy: a Coverage of each run's own would be an allocation per run.
func (b *batch) work(e *Engine, cov *Coverage, w, workers int, known map[rule.Name]bool) {
	kept := map[rule.Name]bool{}
	e.SetCoverage(cov)
	for i := w; i < len(b.results) && !b.stop.Load(); i += workers {
		*cov = Coverage{}
		// RunShared: the stream and findings are the engine's until its next
		// run, so only what the merge keeps is copied (most runs keep none).
		r := e.RunShared(b.first + uint64(i))
		b.results[i] = seedResult{steps: r.Steps, cov: *cov}
		if len(r.Findings) > 0 {
			b.results[i].findings = slices.Clone(r.Findings)
		}
		if worthKeeping(r.Findings, known, kept) {
			b.results[i].stream = slices.Clone(r.Stream)
		}
		b.done[i].Store(true)
	}
}

// worthKeeping reports whether a run's stream may become a trace: it has an
// error (the check stops at the first), or a warning of a rule neither the
// check nor this worker has met yet. A worker takes its seeds in increasing
// order, so its first run of a rule is the lowest the merger can pick.
func worthKeeping(fs []rule.Finding, known, kept map[rule.Name]bool) bool {
	keep := false
	for _, f := range fs {
		if f.Severity == rule.Error || !known[f.Rule] && !kept[f.Rule] {
			keep = true
			kept[f.Rule] = true
		}
	}
	return keep
}

// search runs the seeds of the check in batches and merges their results
// in seed order, until the runs are done, the first error is found, or ctx
// ends; with a coverage goal, until the coverage is complete after Runs or
// the budget is spent. Its report does not depend on the number of workers.
func (c *campaign) search(ctx context.Context) {
	size := len(c.engines) * c.batchRuns()
	budget := c.opt.Budget()
	for start := 0; start < budget && c.errRun == nil && !c.goalMet(); start += size {
		if ctx.Err() != nil {
			c.interrupt()
			return
		}
		n := min(size, budget-start)
		finished, interrupted := c.runBatch(ctx, c.opt.Seed+uint64(start), n)
		c.merge(finished)
		if c.opt.Progress != nil {
			c.opt.Progress(c.rep.Runs, len(c.found)+btoi(c.errRun != nil))
		}
		if interrupted && c.errRun == nil && c.rep.Runs < budget && !c.goalMet() {
			c.interrupt()
			return
		}
	}
}

// batchSteps is about how many steps a worker makes in a batch: 128 runs
// of 100 steps, some 1.5 ms. Between two batches the workers wait for the
// last of them, for the merge and to be started again; longer batches make
// that pause a smaller part of the check, shorter ones stop sooner after the
// first error and report progress more often.
const batchSteps = 12_800

// batchRuns is how many runs each worker makes in a batch: batchSteps'
// worth, from 32 to 128.
func (c *campaign) batchRuns() int {
	return min(max(batchSteps/max(c.d.Workload.Steps, 1), 32), 128)
}

// interrupt marks the check interrupted. Engines may still be busy in
// abandoned workers, so none is used again.
func (c *campaign) interrupt() {
	c.rep.Interrupted = true
	c.engines = nil
}

// goalMet reports whether a check with a coverage goal may stop: its Runs
// are done and its coverage is complete. Without a goal the budget is Runs.
func (c *campaign) goalMet() bool {
	return c.opt.CoverageGoal && c.rep.Runs >= c.opt.Runs && c.rep.Coverage.Complete()
}

// merge takes the first finished results of the pending batch in seed
// order, up to and including the first run that drew an error, or the run
// that met the coverage goal: the runs after it are dropped, so that where
// the check stops does not depend on the batches, nor on the workers.
func (c *campaign) merge(finished int) {
	b := c.pending
	for i := range finished {
		if c.goalMet() {
			return
		}
		r := b.results[i]
		seed := b.first + uint64(i)
		c.rep.Runs++
		c.rep.Steps += int64(r.steps)
		c.rep.Coverage.Merge(&r.cov) // per run, in seed order: the same for any workers
		for _, f := range r.findings {
			if f.Severity == rule.Error {
				c.errRun = &found{seed: seed, f: f, stream: r.stream, steps: r.steps}
				return
			}
			if !c.warned[f.Rule] {
				c.warned[f.Rule] = true
				c.known = nil
				c.found = append(c.found, found{seed: seed, f: f, stream: r.stream, steps: r.steps})
			}
		}
	}
}

func btoi(b bool) int {
	if b {
		return 1
	}
	return 0
}
