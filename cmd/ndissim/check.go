package main

import (
	"encoding/json"
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
	return cmd
}

// shellSafe reports whether s prints as itself, with nothing a terminal or
// a shell would read differently.
func shellSafe(s string) bool { return sim.ShellCommand("x", "y", s) == "x y "+s }

func runCheck(cmd *cobra.Command, args []string, f checkFlags) error {
	opt := sim.CheckOptions{Seed: f.seed, Runs: f.runs, Steps: f.steps, Workers: f.workers, OutDir: f.out, Verify: f.verify}
	if err := opt.Validate(); err != nil {
		return inputError{err}
	}
	designs, err := loadDesigns(cmd.Context(), args, f.designs)
	if errors.As(err, new(interruptedError)) {
		// Still a whole report, saying nothing ran.
		notRun := append([]string(nil), args...)
		for _, name := range f.designs {
			notRun = append(notRun, "go:"+name)
		}
		report := jsonReport{Version: sim.Version, Seed: f.seed, Designs: []sim.Report{}, Interrupted: true, NotRun: notRun}
		if len(notRun) == 0 {
			report.NotRun = []string{"embedded:default"}
		}
		if err := printSummary(cmd.OutOrStdout(), report, f.json); err != nil {
			return err
		}
		return interruptedError{}
	}
	if err != nil {
		return err
	}
	if err := prepareOut(f.out); err != nil {
		return err
	}
	out := cmd.OutOrStdout()
	report := jsonReport{Version: sim.Version, Seed: f.seed, Designs: []sim.Report{}}
	failed := false
	for i, d := range designs {
		rep := checkOne(cmd, d, opt, f)
		failed = failed || rep.Failed(f.strict)
		report.Designs = append(report.Designs, rep)
		if !f.json {
			printReport(out, rep, f.strict)
		}
		if rep.Interrupted {
			report.Interrupted = true
			for _, rest := range designs[i+1:] {
				report.NotRun = append(report.NotRun, sim.Origin(rest))
			}
			break
		}
	}
	if err := printSummary(out, report, f.json); err != nil {
		return err
	}
	switch {
	case failed:
		return findingsError{}
	case report.Interrupted:
		return interruptedError{}
	}
	return nil
}

// checkOne checks one design, with a progress bar on a terminal.
func checkOne(cmd *cobra.Command, d sim.Design, opt sim.CheckOptions, f checkFlags) sim.Report {
	bar := progress(cmd.ErrOrStderr(), f, d.Name)
	if bar != nil {
		opt.Progress = func(runs, findings int) {
			bar.Describe(fmt.Sprintf("%s: %d finding(s)", d.Name, findings))
			_ = bar.Set(runs)
		}
	}
	// The options were validated: Check cannot fail.
	rep, _ := sim.Check(cmd.Context(), d, opt)
	if bar != nil {
		_ = bar.Finish()
		fmt.Fprintln(cmd.ErrOrStderr())
	}
	return rep
}

// printSummary prints the JSON report, or in text what an interruption left
// undone.
func printSummary(out io.Writer, report jsonReport, asJSON bool) error {
	if asJSON {
		enc := json.NewEncoder(out)
		enc.SetIndent("", "  ")
		return enc.Encode(report)
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

type jsonReport struct {
	Version     string       `json:"version"`
	Seed        uint64       `json:"seed"`
	Interrupted bool         `json:"interrupted,omitempty"`
	NotRun      []string     `json:"not_run,omitempty"`
	Designs     []sim.Report `json:"designs"`
}

// progress returns a bar on a terminal, nil on a pipe or with --json.
func progress(w io.Writer, f checkFlags, name string) *progressbar.ProgressBar {
	file, ok := w.(*os.File)
	if f.json || f.noProgress || !ok || !term.IsTerminal(int(file.Fd())) {
		return nil
	}
	return progressbar.NewOptions(f.runs,
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
