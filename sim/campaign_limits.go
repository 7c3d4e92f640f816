package sim

import (
	"fmt"
	"math"
	"runtime"
)

// Bounds on a check's options. They are constants, not functions of the
// machine, so that a command line accepted on a laptop is accepted in CI
// and gives the same report there.
const (
	// MaxWorkers bounds parallel workers. Each holds an engine and the
	// choices of its run in hand, about 3 MB at MaxSteps: 64 workers stay
	// near 200 MB (docs/reliability.md), and more gain nothing on the
	// machines ndissim runs on.
	MaxWorkers = 64
	// MaxRuns bounds the runs of one design. A check keeps no per-run
	// memory, so the bound only keeps counts well inside an int.
	MaxRuns = 1_000_000_000
	// MaxSteps bounds the environment moves of one run: the same bound as a
	// design file's workload.steps (docs/design-files.md). A run keeps every
	// choice it draws, so steps are what memory grows with.
	MaxSteps = 100_000
	// MaxVerify bounds the determinism self-check's seeds; each costs five
	// runs.
	MaxVerify = 100_000
)

// OptionError is a check option outside its bounds. Option is named as the
// command line spells it ("workers"), so that the CLI can print it as a flag.
type OptionError struct {
	Option string
	Value  string
	Want   string
}

func (e *OptionError) Error() string {
	return fmt.Sprintf("--%s %s: expected %s", e.Option, e.Value, e.Want)
}

// Validate checks every option against its bounds before anything runs.
func (o CheckOptions) Validate() error {
	switch {
	case o.Runs < 1 || o.Runs > MaxRuns:
		return &OptionError{"runs", fmt.Sprint(o.Runs), fmt.Sprintf("1 to %d", MaxRuns)}
	case o.Steps < 0 || o.Steps > MaxSteps:
		return &OptionError{"steps", fmt.Sprint(o.Steps), fmt.Sprintf("0 (the design's workload.steps) to %d, the bound of workload.steps", MaxSteps)}
	case o.Workers < 0 || o.Workers > MaxWorkers:
		return &OptionError{"workers", fmt.Sprint(o.Workers), fmt.Sprintf("0 (one per CPU, at most %d) to %d", MaxWorkers, MaxWorkers)}
	case o.Verify < 0 || o.Verify > MaxVerify:
		return &OptionError{"verify", fmt.Sprint(o.Verify), fmt.Sprintf("0 to %d", MaxVerify)}
	case o.Seed > math.MaxUint64-uint64(o.Runs-1):
		return &OptionError{"seed", fmt.Sprint(o.Seed), fmt.Sprintf("at most %d, so that the last of --runs %d seeds fits in 64 bits", uint64(math.MaxUint64)-uint64(o.Runs-1), o.Runs)}
	}
	if err := o.Shard.validate(); err != nil {
		return err
	}
	return o.validateGoal()
}

// DefaultMaxRuns is the budget of a coverage goal that names none: ten
// times the runs, within MaxRuns.
func DefaultMaxRuns(runs int) int { return min(10*runs, MaxRuns) }

// Budget is the most runs the check may make: MaxRuns (or its default)
// with a coverage goal, Runs without.
func (o CheckOptions) Budget() int {
	switch {
	case !o.CoverageGoal:
		return o.Runs
	case o.MaxRuns == 0:
		return DefaultMaxRuns(o.Runs)
	}
	return o.MaxRuns
}

// validateGoal checks the coverage goal's options.
func (o CheckOptions) validateGoal() error {
	switch {
	case !o.CoverageGoal && o.MaxRuns != 0:
		return &OptionError{"max-runs", fmt.Sprint(o.MaxRuns), "--coverage-goal with it: --max-runs is the goal's budget"}
	case !o.CoverageGoal:
		return nil
	case o.MaxRuns != 0 && (o.MaxRuns < o.Runs || o.MaxRuns > MaxRuns):
		return &OptionError{"max-runs", fmt.Sprint(o.MaxRuns), fmt.Sprintf("--runs (%d) to %d, or 0 for ten times --runs", o.Runs, MaxRuns)}
	case o.Shard.Sharded():
		return &OptionError{"coverage-goal", "with --shard " + o.Shard.String(), "no --shard: a shard cannot tell when the shards before it completed the coverage"}
	case o.Seed > math.MaxUint64-uint64(o.Budget()-1):
		return &OptionError{"seed", fmt.Sprint(o.Seed), fmt.Sprintf("at most %d, so that the last of --max-runs %d seeds fits in 64 bits", uint64(math.MaxUint64)-uint64(o.Budget()-1), o.Budget())}
	}
	return nil
}

// workerCount is the workers a check uses: the option, or one per CPU, never
// more than MaxWorkers.
func (o CheckOptions) workerCount() int {
	if o.Workers > 0 {
		return min(o.Workers, MaxWorkers)
	}
	return max(min(runtime.GOMAXPROCS(0), MaxWorkers), 1)
}
