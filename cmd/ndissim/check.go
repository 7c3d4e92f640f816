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

	"github.com/ndissim/ndissim/sim"
)

// DefaultOutDir is where check writes trace files unless --out says otherwise.
const DefaultOutDir = "ndissim-traces"

type checkFlags struct {
	seed       uint64
	runs       int
	steps      int
	workers    int
	strict     bool
	json       bool
	out        string
	designs    []string
	verify     int
	noProgress bool
	shard      string
}

func newCheck() *cobra.Command {
	var f checkFlags
	cmd := &cobra.Command{
		Use:   "check [FILE...]",
		Short: "check design files (or the embedded default) over many seeded runs",
		Long: `check runs each design over --runs seeded runs, stops a design at its first error
finding, shrinks that run to a short trace, saves it under --out and prints the
rule, the trace and the command that replays it. With no FILE and no --design it
checks the embedded default design.`,
		RunE: func(cmd *cobra.Command, args []string) error { return runCheck(cmd, args, f) },
	}
	fl := cmd.Flags()
	fl.Uint64Var(&f.seed, "seed", sim.DefaultSeed, "first seed; runs use seed, seed+1, ...")
	fl.IntVar(&f.runs, "runs", sim.DefaultRuns, fmt.Sprintf("runs per design, 1 to %d", sim.MaxRuns))
	fl.IntVar(&f.steps, "steps", 0, fmt.Sprintf("environment moves per run, at most %d (0: the design's workload.steps)", sim.MaxSteps))
	fl.IntVar(&f.workers, "workers", 0, fmt.Sprintf("parallel workers, at most %d (0: one per CPU); the report does not depend on it", sim.MaxWorkers))
	fl.BoolVar(&f.strict, "strict", false, "warnings fail the check too")
	fl.BoolVar(&f.json, "json", false, "print the report as JSON on stdout")
	fl.StringVar(&f.out, "out", DefaultOutDir, "directory for trace files")
	fl.StringArrayVar(&f.designs, "design", nil, "check a built-in Go design by name (repeatable; see `ndissim designs`)")
	fl.IntVar(&f.verify, "verify", 0, fmt.Sprintf("determinism self-check: re-run this many seeds (at most %d) and compare their traces", sim.MaxVerify))
	fl.BoolVar(&f.noProgress, "no-progress", false, "no progress bar, even on a terminal")
	fl.StringVar(&f.shard, "shard", "", "run shard I of N of the seeds: I/N, or env/N to read I from "+sim.ShardIndexEnv+"; `ndissim merge` joins the shards' --json reports (docs/sharding.md)")
	return cmd
}

// shellSafe reports whether s prints as itself, with nothing a terminal or
// a shell would read differently.
func shellSafe(s string) bool { return sim.ShellCommand("x", "y", s) == "x y "+s }

func runCheck(cmd *cobra.Command, args []string, f checkFlags) error {
	opt := sim.CheckOptions{Seed: f.seed, Runs: f.runs, Steps: f.steps, Workers: f.workers, OutDir: f.out, Verify: f.verify}
	shard, err := shardFlag(f.shard)
	if err != nil {
		return err
	}
	opt.Shard = shard
	if err := opt.Validate(); err != nil {
		return inputError{err}
	}
	designs, err := loadDesigns(cmd.Context(), args, f.designs)
	if errors.As(err, new(interruptedError)) {
		return notRun(cmd.OutOrStdout(), opt, args, f)
	}
	if err != nil {
		return err
	}
	if err := prepareOut(f.out); err != nil {
		return err
	}
	out := cmd.OutOrStdout()
	if !f.json && shard.Sharded() {
		printShard(out, opt)
	}
	report, _ := sim.CheckDesigns(cmd.Context(), designs, opt, checkHooks(cmd, opt, f)) // validated above
	stampBuild(&report)
	if err := printSummary(out, report, f.json); err != nil {
		return err
	}
	return verdictOf(report, f.strict)
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
func stampBuild(report *sim.RunReport) {
	if report.Shard != nil {
		report.Shard.Build = buildID()
	}
}

// notRun prints the report of a check interrupted while it read its
// designs: still a whole report, saying nothing ran.
func notRun(out io.Writer, opt sim.CheckOptions, args []string, f checkFlags) error {
	names := append([]string(nil), args...)
	for _, name := range f.designs {
		names = append(names, "go:"+name)
	}
	if len(names) == 0 {
		names = []string{"embedded:default"}
	}
	report := sim.NotRunReport(opt, names)
	stampBuild(&report)
	if err := printSummary(out, report, f.json); err != nil {
		return err
	}
	return interruptedError{}
}

// checkHooks draw a progress bar per design on a terminal and print each
// design's report as text as soon as it is done.
func checkHooks(cmd *cobra.Command, opt sim.CheckOptions, f checkFlags) sim.CheckHooks {
	var bar *progressbar.ProgressBar
	_, runs := opt.Shard.Block(opt.Seed, opt.Runs)
	return sim.CheckHooks{
		Start: func(d sim.Design) func(runs, findings int) {
			bar = progress(cmd.ErrOrStderr(), f, runs, d.Name)
			if bar == nil {
				return nil
			}
			return func(runs, findings int) {
				bar.Describe(fmt.Sprintf("%s: %d finding(s)", d.Name, findings))
				_ = bar.Set(runs)
			}
		},
		Done: func(_ sim.Design, rep sim.Report) {
			if bar != nil {
				_ = bar.Finish()
				fmt.Fprintln(cmd.ErrOrStderr())
			}
			if !f.json {
				printReport(cmd.OutOrStdout(), rep, f.strict)
			}
		},
	}
}

// verdictOf is the error, and so the exit code, a report deserves:
// findings that count, else an interruption, else none.
func verdictOf(report sim.RunReport, strict bool) error {
	switch {
	case report.Failed(strict):
		return findingsError{}
	case report.Interrupted:
		return interruptedError{}
	}
	return nil
}

// printSummary prints the JSON report, or in text what an interruption left
// undone.
func printSummary(out io.Writer, report sim.RunReport, asJSON bool) error {
	if asJSON {
		b, err := report.JSON()
		if err != nil {
			return err
		}
		_, err = out.Write(b)
		return err
	}
	if report.Interrupted {
		fmt.Fprintln(out, "\ninterrupted: the report covers the runs done so far")
		if len(report.NotRun) > 0 {
			fmt.Fprintf(out, "not run: %s\n", strings.Join(report.NotRun, ", "))
		}
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

// jsonReport is the report check --json prints and merge reads.
type jsonReport = sim.RunReport

// progress returns a bar on a terminal, nil on a pipe or with --json.
func progress(w io.Writer, f checkFlags, runs int, name string) *progressbar.ProgressBar {
	file, ok := w.(*os.File)
	if f.json || f.noProgress || !ok || !term.IsTerminal(int(file.Fd())) {
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

func printReport(w io.Writer, rep sim.Report, strict bool) {
	from := fmt.Sprintf(" (%q)", rep.File)
	switch {
	case rep.File == "":
		from = " (built in)"
	case strings.HasPrefix(rep.File, "("):
		from = " " + rep.File
	case shellSafe(rep.File):
		from = " (" + rep.File + ")"
	}
	verdict := "pass"
	switch {
	case rep.Failed(strict):
		verdict = "FAIL"
	case rep.Interrupted:
		verdict = "interrupted" // never "pass": the runs not done might fail
	}
	fmt.Fprintf(w, "%s: %s%s: %d runs, %d steps, %d finding(s)", verdict, rep.Name, from, rep.Runs, rep.Steps, len(rep.Findings))
	if rep.Interrupted {
		fmt.Fprint(w, ", interrupted")
	}
	if rep.Verified > 0 {
		fmt.Fprintf(w, ", determinism verified on %d seed(s)", rep.Verified)
	}
	fmt.Fprintln(w)
	for _, s := range rep.Nondeterm {
		fmt.Fprintf(w, "  NONDETERMINISM: seed %d gave different traces on two runs; this is an ndissim bug, please report it\n", s)
	}
	for _, f := range rep.Findings {
		fmt.Fprintf(w, "\n  %s (%s) at seed %d, step %d, in %s\n  %s\n", f.Rule, f.Severity, f.Seed, f.Step, f.State, f.Message)
		min := ""
		if f.Minimal {
			min = ", no single step can be dropped"
		}
		switch {
		case f.Unshrunk && len(f.Lines) == 0:
			fmt.Fprintf(w, "  not shrunk (interrupted): %d step(s); replay prints them\n", f.ShrunkSteps)
		case f.Unshrunk:
			fmt.Fprintf(w, "  not shrunk, %d step(s):\n", f.ShrunkSteps)
		case len(f.Lines) == 0: // a merged report: JSON carries no trace lines
			fmt.Fprintf(w, "  shrunk to %d step(s)%s; replay prints them\n", f.ShrunkSteps, min)
		default:
			fmt.Fprintf(w, "  shrunk to %d step(s)%s:\n", f.ShrunkSteps, min)
		}
		for _, l := range f.Lines {
			fmt.Fprintln(w, "   ", l)
		}
		switch {
		case f.Trace != "":
			fmt.Fprintf(w, "  trace: %q\n  replay: %s\n", f.Trace, f.Replay)
		case f.TraceError != "":
			fmt.Fprintf(w, "  trace: NOT SAVED: %s\n", f.TraceError)
		}
	}
}
