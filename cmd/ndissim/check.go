package main

import (
	"encoding/json"
	"fmt"
	"io"
	"os"
	"strings"

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
	fl.IntVar(&f.runs, "runs", sim.DefaultRuns, "runs per design")
	fl.IntVar(&f.steps, "steps", 0, "environment moves per run (0: the design's workload.steps)")
	fl.IntVar(&f.workers, "workers", 0, "parallel workers (0: one per CPU); the report does not depend on it")
	fl.BoolVar(&f.strict, "strict", false, "warnings fail the check too")
	fl.BoolVar(&f.json, "json", false, "print the report as JSON on stdout")
	fl.StringVar(&f.out, "out", DefaultOutDir, "directory for trace files")
	fl.StringArrayVar(&f.designs, "design", nil, "check a built-in Go design by name (repeatable; see `ndissim designs`)")
	fl.IntVar(&f.verify, "verify", 0, "determinism self-check: re-run this many seeds and compare their traces")
	fl.BoolVar(&f.noProgress, "no-progress", false, "no progress bar, even on a terminal")
	return cmd
}

func runCheck(cmd *cobra.Command, args []string, f checkFlags) error {
	if f.runs < 1 || f.steps < 0 || f.workers < 0 || f.verify < 0 {
		return inputError{fmt.Errorf("--runs must be at least 1; --steps, --workers and --verify at least 0")}
	}
	designs, err := loadDesigns(args, f.designs)
	if err != nil {
		return err
	}
	out := cmd.OutOrStdout()
	report := jsonReport{Version: sim.Version, Seed: f.seed, Designs: []sim.Report{}}
	failed := false
	for _, d := range designs {
		opt := sim.CheckOptions{Seed: f.seed, Runs: f.runs, Steps: f.steps, Workers: f.workers,
			OutDir: f.out, Verify: f.verify}
		bar := progress(cmd.ErrOrStderr(), f, d.Name)
		if bar != nil {
			opt.Progress = func(runs, findings int) {
				bar.Describe(fmt.Sprintf("%s: %d finding(s)", d.Name, findings))
				_ = bar.Set(runs)
			}
		}
		rep, err := sim.Check(cmd.Context(), d, opt)
		if bar != nil {
			_ = bar.Finish()
			fmt.Fprintln(cmd.ErrOrStderr())
		}
		if err != nil {
			return fmt.Errorf("check %s: %w", d.Name, err)
		}
		failed = failed || rep.Failed(f.strict)
		report.Designs = append(report.Designs, rep)
		if !f.json {
			printReport(out, rep, f.strict)
		}
	}
	if f.json {
		enc := json.NewEncoder(out)
		enc.SetIndent("", "  ")
		if err := enc.Encode(report); err != nil {
			return err
		}
	}
	if failed {
		return findingsError{}
	}
	return nil
}

type jsonReport struct {
	Version string       `json:"version"`
	Seed    uint64       `json:"seed"`
	Designs []sim.Report `json:"designs"`
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
	from := " (" + rep.File + ")"
	switch {
	case rep.File == "":
		from = " (built in)"
	case strings.HasPrefix(rep.File, "("):
		from = " " + rep.File
	}
	verdict := "pass"
	if rep.Failed(strict) {
		verdict = "FAIL"
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
		fmt.Fprintf(w, "  shrunk to %d step(s)%s:\n", f.ShrunkSteps, min)
		for _, l := range f.Lines {
			fmt.Fprintln(w, "   ", l)
		}
		if f.Trace != "" {
			fmt.Fprintf(w, "  trace: %s\n  replay: %s\n", f.Trace, f.Replay)
		}
	}
}
