package main

import (
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/schollz/progressbar/v3"
	"github.com/spf13/cobra"
	"golang.org/x/term"

	"github.com/ndissim/ndissim/internal/designfile"
	"github.com/ndissim/ndissim/internal/report"
	"github.com/ndissim/ndissim/sim"
)

// DefaultOutDir is where check writes trace files unless --out says otherwise.
const DefaultOutDir = "ndissim-traces"

type checkFlags struct {
	seed       uint64
	runs       int
	steps      int
	workers    int
	out        string
	designs    []string
	verify     int
	noProgress bool
	shard      string
	goal       bool
	maxRuns    int
	report     reportFlags
}

func newCheck() *cobra.Command {
	var f checkFlags
	cmd := &cobra.Command{
		Use:   "check [FILE...]",
		Short: "check design files (or the embedded default) over many seeded runs",
		Long: `check runs each design over --runs seeded runs, stops a design at its first error
finding, shrinks that run to a short trace, saves it under --out and prints the
rule, the trace and the command that replays it. With no FILE and no --design it
checks the embedded default design.

Each design's text report starts with its verdict: pass, pass with N warnings,
FAIL or interrupted. --fail-on, --enable, --disable and a design file's rules:
section decide what counts; --format and --sarif, --junit, --html choose the
reports (docs/report.md, docs/ci.md).

Each design's report also says what its runs covered: the (state, move)
pairs exercised out of those possible and the rules never armed (their
precondition never reached, so passing them is no evidence); --coverage
prints the whole table. --coverage-goal keeps a design's check running until
every possible pair is seen, within --max-runs.`,
		RunE: func(cmd *cobra.Command, args []string) error { return runCheck(cmd, args, f) },
	}
	fl := cmd.Flags()
	fl.Uint64Var(&f.seed, "seed", sim.DefaultSeed, "first seed; runs use seed, seed+1, ...")
	fl.IntVar(&f.runs, "runs", sim.DefaultRuns, fmt.Sprintf("runs per design, 1 to %d", sim.MaxRuns))
	fl.IntVar(&f.steps, "steps", 0, fmt.Sprintf("environment moves per run, at most %d (0: the design's workload.steps)", sim.MaxSteps))
	fl.IntVar(&f.workers, "workers", 0, fmt.Sprintf("parallel workers, at most %d (0: one per CPU); the report does not depend on it", sim.MaxWorkers))
	fl.StringVar(&f.out, "out", DefaultOutDir, "directory for trace files")
	fl.StringArrayVar(&f.designs, "design", nil, "check a built-in Go design by name (repeatable; see `ndissim designs`)")
	fl.IntVar(&f.verify, "verify", 0, fmt.Sprintf("determinism self-check: re-run this many seeds (at most %d) and compare their traces", sim.MaxVerify))
	fl.BoolVar(&f.noProgress, "no-progress", false, "no progress bar, even on a terminal")
	fl.BoolVar(&f.goal, "coverage-goal", false, "keep checking past --runs, in seed order, until every possible (state, move) pair is seen or --max-runs runs are done (docs/explore.md, Coverage)")
	fl.IntVar(&f.maxRuns, "max-runs", 0, fmt.Sprintf("the budget of --coverage-goal: at most this many runs per design, --runs to %d (0: ten times --runs)", sim.MaxRuns))
	fl.StringVar(&f.shard, "shard", "", "run shard I of N of the seeds: I/N, or env/N to read I from "+sim.ShardIndexEnv+"; `ndissim merge` joins the shards' --json reports (docs/sharding.md)")
	f.report.register(fl)
	return cmd
}

// shellSafe reports whether s prints as itself, with nothing a terminal or
// a shell would read differently.
func shellSafe(s string) bool { return sim.ShellCommand("x", "y", s) == "x y "+s }

func runCheck(cmd *cobra.Command, args []string, f checkFlags) error {
	opt := sim.CheckOptions{Seed: f.seed, Runs: f.runs, Steps: f.steps, Workers: f.workers, OutDir: f.out, Verify: f.verify,
		CoverageGoal: f.goal, MaxRuns: f.maxRuns}
	shard, err := shardFlag(f.shard)
	if err != nil {
		return err
	}
	opt.Shard = shard
	if err := opt.Validate(); err != nil {
		return inputError{err}
	}
	outs, err := f.report.resolve()
	if err != nil {
		return err
	}
	designs, err := loadDesigns(cmd.Context(), args, f.designs)
	if errors.As(err, new(interruptedError)) {
		return notRun(cmd.OutOrStdout(), opt, args, f, outs)
	}
	if err != nil {
		return err
	}
	if err := checkRuleSections(designs); err != nil {
		return err
	}
	if err := outs.prepare(); err != nil {
		return err
	}
	if err := prepareOut(f.out); err != nil {
		return err
	}
	out := cmd.OutOrStdout()
	text := outs.stdout == formatText
	if text && shard.Sharded() {
		printShard(out, opt)
	}
	run, _ := sim.CheckDesigns(cmd.Context(), designs, opt, checkHooks(cmd, opt, f, outs)) // validated above
	stampBuild(&run)
	rep := reportOf(run, designs, outs.policy)
	if text {
		printEnd(out, rep)
	}
	if err := outs.emit(out, rep); err != nil {
		return err
	}
	return verdictOf(rep, interruptedError{})
}

// reportOf is the report of a check: each design's check with its rules:
// section and the settings responsible for its findings.
func reportOf(run sim.RunReport, designs []sim.Design, pol report.Policy) report.Report {
	r := report.Report{Tool: tool(), Seed: run.Seed, Policy: pol, Root: ".", NotRun: run.NotRun, Shard: run.Shard}
	for i, rep := range run.Designs {
		r.Checks = append(r.Checks, checkOf(designs[i], rep))
	}
	return r
}

// checkOf is one design's check for the reports.
func checkOf(d sim.Design, rep sim.Report) report.Check {
	c := report.FromSim(rep)
	c.Rules = report.RulesFromSim(d.Rules)
	for i := range c.Findings {
		if field, pos, ok := designfile.Locate(d, c.Findings[i].Rule); ok {
			c.Findings[i].Location = &report.Location{Line: pos.Line, Column: pos.Column, Field: field}
		}
	}
	return c
}

// checkRuleSections checks each design's rules: section against the
// catalogue before anything runs, pointing at the entry at fault.
func checkRuleSections(designs []sim.Design) error {
	var errs []string
	for _, d := range designs {
		p := report.Policy{Rules: report.RulesFromSim(d.Rules)}
		err := p.Validate()
		if err == nil {
			continue
		}
		for _, e := range unjoin(err) {
			errs = append(errs, settingError(d, e).Error())
		}
	}
	if len(errs) > 0 {
		return inputError{errors.New(strings.Join(errs, "\nndissim: "))}
	}
	return nil
}

// unjoin is the errors errors.Join joined.
func unjoin(err error) []error {
	if j, ok := err.(interface{ Unwrap() []error }); ok {
		return j.Unwrap()
	}
	return []error{err}
}

// settingError places a problem of a rules: entry at its line in the file.
func settingError(d sim.Design, err error) error {
	var re *report.RuleError
	if !errors.As(err, &re) {
		return err
	}
	for i, s := range d.Rules {
		if s.Rule == re.Rule {
			return &designfile.Error{File: d.File, Line: s.Line, Column: s.Col, Field: fmt.Sprintf("rules[%d]", i), Msg: string(re.Rule) + ": " + re.Msg}
		}
	}
	return err
}

// shardFlag reads --shard; an empty value is the whole check.
func shardFlag(text string) (sim.Shard, error) {
	if text == "" {
		return sim.Shard{}, nil
	}
	s, err := sim.ParseShard(text, os.Getenv)
	if err != nil {
		return sim.Shard{}, inputError{err}
	}
	return s, nil
}

// printShard says which seeds a shard runs, above its text report.
func printShard(out io.Writer, opt sim.CheckOptions) {
	first, n := opt.Shard.Block(opt.Seed, opt.Runs)
	seeds := "no seeds: there are fewer runs than shards"
	if n > 0 {
		seeds = fmt.Sprintf("seeds %d to %d", first, first+uint64(n)-1)
	}
	fmt.Fprintf(out, "shard %s: %d of %d runs, %s; `ndissim merge` joins the shards' --json reports\n", opt.Shard, n, opt.Runs, seeds)
}

// stampBuild records this binary in a shard's report.
func stampBuild(run *sim.RunReport) {
	if run.Shard != nil {
		run.Shard.Build = buildID()
	}
}

// notRun reports a check interrupted while it read its designs: still a
// whole report, saying nothing ran.
func notRun(out io.Writer, opt sim.CheckOptions, args []string, f checkFlags, outs outputs) error {
	names := append([]string(nil), args...)
	for _, name := range f.designs {
		names = append(names, "go:"+name)
	}
	if len(names) == 0 {
		names = []string{"embedded:default"}
	}
	run := sim.NotRunReport(opt, names)
	stampBuild(&run)
	rep := reportOf(run, nil, outs.policy)
	if outs.stdout == formatText {
		printEnd(out, rep)
	}
	if err := outs.emit(out, rep); err != nil {
		return err
	}
	return interruptedError{}
}

// checkHooks draw a progress bar per design on a terminal and print each
// design's text report as soon as it is done.
func checkHooks(cmd *cobra.Command, opt sim.CheckOptions, f checkFlags, outs outputs) sim.CheckHooks {
	var bar *progressbar.ProgressBar
	_, runs := opt.Shard.Block(opt.Seed, opt.Runs)
	if opt.CoverageGoal {
		runs = opt.Budget() // the most it may run; a goal met sooner ends the bar there
	}
	text := outs.stdout == formatText
	done := 0
	return sim.CheckHooks{
		Start: func(d sim.Design) func(runs, findings int) {
			bar = progress(cmd.ErrOrStderr(), f.noProgress || !text, runs, d.Name)
			if bar == nil {
				return nil
			}
			return func(runs, findings int) {
				bar.Describe(fmt.Sprintf("%s: %d finding(s)", d.Name, findings))
				_ = bar.Set(runs)
			}
		},
		Done: func(d sim.Design, rep sim.Report) {
			if bar != nil {
				_ = bar.Finish()
				fmt.Fprintln(cmd.ErrOrStderr())
			}
			if text {
				if done++; done > 1 {
					fmt.Fprintln(cmd.OutOrStdout()) // a blank line between designs
				}
				printCheck(cmd.OutOrStdout(), outs, checkOf(d, rep))
			}
		},
	}
}

// verdictOf is the error, and so the exit code, a report deserves: a
// finding that counts (or nondeterminism) fails it; else an interruption
// is cut, the error a signal gives; else none.
func verdictOf(r report.Report, cut error) error {
	v, _ := report.Overall(r)
	switch {
	case v == report.Fail:
		return findingsError{}
	case interrupted(r):
		return cut
	}
	return nil
}

// prepareOut makes sure trace files can be written under dir before the
// check runs, rather than after it, when a report would be all there is. It
// also removes the temporary files a killed ndissim left there.
func prepareOut(dir string) error {
	if dir == "" {
		return inputError{fmt.Errorf("--out: empty; expected the directory for trace files")}
	}
	if err := os.MkdirAll(dir, 0o777); err != nil {
		return inputError{fmt.Errorf("--out %s: cannot create the directory: %w", dir, err)}
	}
	probe, err := os.CreateTemp(dir, ".ndissim-probe-*.tmp")
	if err != nil {
		return inputError{fmt.Errorf("--out %s: cannot write trace files there: %w", dir, err)}
	}
	_, werr := probe.Write([]byte("probe"))
	cerr := probe.Close()
	os.Remove(probe.Name())
	if err := errors.Join(werr, cerr); err != nil {
		return inputError{fmt.Errorf("--out %s: cannot write trace files there: %w", dir, err)}
	}
	sim.RemoveStaleTemp(dir, time.Now())
	return nil
}

// progress returns a bar on a terminal, nil on a pipe or when off.
func progress(w io.Writer, off bool, runs int, name string) *progressbar.ProgressBar {
	file, ok := w.(*os.File)
	if off || !ok || !term.IsTerminal(int(file.Fd())) {
		return nil
	}
	return progressbar.NewOptions(runs,
		progressbar.OptionSetWriter(w),
		progressbar.OptionSetDescription(name),
		progressbar.OptionShowCount(),
		progressbar.OptionShowIts(),
		progressbar.OptionSetItsString("runs"),
		progressbar.OptionThrottle(100_000_000),
		progressbar.OptionClearOnFinish(),
	)
}
