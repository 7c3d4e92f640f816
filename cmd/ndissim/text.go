package main

import (
	"fmt"
	"io"
	"strings"

	"github.com/ndissim/ndissim/internal/report"
	"github.com/ndissim/ndissim/rule"
)

// printCheck prints one design's check as text. Its first line is the
// design's verdict as the report's headline words say it (pass, pass with
// N warnings, FAIL, interrupted), then the design, its file and its
// counts; then the rules its policy silences or raises, its coverage, and
// each finding.
func printCheck(w io.Writer, outs outputs, c report.Check) {
	p := outs.policy.For(c)
	kept, silenced := p.Apply(c.Findings)
	warnings := 0
	for _, f := range kept {
		if !p.Counts(f) {
			warnings++
		}
	}
	fmt.Fprintf(w, "%s: %s%s: %d runs, %d steps, %d finding(s)", report.Headline(p.Verdict(c), warnings),
		c.Design, fromText(c.File), c.Runs, c.Steps, len(c.Findings))
	if len(silenced) > 0 {
		fmt.Fprintf(w, " (%d silenced)", len(silenced))
	}
	if c.Interrupted {
		fmt.Fprint(w, ", interrupted")
	}
	if c.Verified > 0 {
		fmt.Fprintf(w, ", determinism verified on %d seed(s)", c.Verified)
	}
	fmt.Fprintln(w)
	for _, s := range c.Nondeterm {
		fmt.Fprintf(w, "  NONDETERMINISM: seed %d gave different traces on two runs; this is an ndissim bug, please report it\n", s)
	}
	printControl(w, p)
	printCoverage(w, c, outs.full)
	for _, f := range c.Findings {
		printFinding(w, p, c, p.Judge(f))
	}
}

// printCoverage says what the check's runs covered, indented under it: in
// two lines (the pairs and rules armed, then the rules never armed by
// name), or with full the whole table; then how --coverage-goal ended.
func printCoverage(w io.Writer, c report.Check, full bool) {
	cov := c.Coverage
	if cov == nil {
		return
	}
	text := cov.Summary()
	if full {
		text = cov.Text()
	}
	for _, l := range strings.SplitAfter(strings.TrimSuffix(text, "\n"), "\n") {
		fmt.Fprint(w, "  ", l)
	}
	fmt.Fprintln(w)
	g := c.Goal
	switch {
	case g == nil:
	case g.Reached:
		fmt.Fprintf(w, "  coverage goal: every possible pair seen within %d runs\n", c.Runs)
	case full:
		fmt.Fprintf(w, "  coverage goal: NOT reached in %d runs (budget %d); the pairs never seen are listed above\n", c.Runs, g.MaxRuns)
	default:
		var unseen []string
		for _, p := range cov.Missed() {
			unseen = append(unseen, fmt.Sprintf("%s in %s", p.Move, p.State))
		}
		fmt.Fprintf(w, "  coverage goal: NOT reached in %d runs (budget %d); never seen: %s\n", c.Runs, g.MaxRuns, strings.Join(unseen, ", "))
	}
}

// fromText is how the text report names a design's file.
func fromText(file string) string {
	switch {
	case file == "":
		return " (built in)"
	case strings.HasPrefix(file, "("):
		return " " + file
	case shellSafe(file):
		return " (" + file + ")"
	}
	return fmt.Sprintf(" (%q)", file)
}

// printControl lists the rules the policy silences, with who silenced them
// and why, and those a rules: section raises to an error.
func printControl(w io.Writer, p report.Policy) {
	for _, s := range p.Silenced() {
		fmt.Fprintf(w, "  silenced by %s: %s: %s\n", byText(s.By), s.Rule, s.Reason)
	}
	if r := p.Raised(); len(r) > 0 {
		names := make([]string, len(r))
		for i, n := range r {
			names[i] = string(n)
		}
		fmt.Fprintf(w, "  raised to error by the rules: section: %s\n", strings.Join(names, ", "))
	}
}

// byText names who silenced a rule.
func byText(by string) string {
	if by == report.BySection {
		return "the rules: section"
	}
	return by
}

// printFinding prints one judged finding: the rule, its severity and what
// the policy made of it, where it broke, the setting responsible, the
// shrunk trace, and the trace file with the command that replays it.
func printFinding(w io.Writer, p report.Policy, c report.Check, f report.Finding) {
	fmt.Fprintf(w, "\n  %s (%s) at seed %d, step %d, in %s\n  %s\n", f.Rule, severityText(p, f), f.Seed, f.Step, f.State, f.Message)
	if l := f.Location; l != nil {
		file := l.File
		if file == "" {
			file = c.File
		}
		fmt.Fprintf(w, "  setting: %s:%d:%d %s\n", file, l.Line, l.Column, l.Field)
	}
	printShrunk(w, f)
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

// severityText is the finding's severity, and, when the policy changed
// what it means, how: silenced (by whom, why) or raised.
func severityText(p report.Policy, f report.Finding) string {
	sev := f.Severity.String()
	if s := f.Silenced; s != nil {
		return fmt.Sprintf("%s, silenced by %s: %s", sev, byText(s.By), s.Reason)
	}
	if r, ok := rule.Lookup(f.Rule); ok && f.Severity > r.Severity {
		return fmt.Sprintf("%s, raised from %s by the rules: section", sev, r.Severity)
	}
	if !p.Counts(f) {
		return sev + ", does not fail the check"
	}
	return sev
}

// printShrunk says how far the finding's run was shrunk.
func printShrunk(w io.Writer, f report.Finding) {
	minimal := ""
	if f.Minimal {
		minimal = ", no single step can be dropped"
	}
	switch {
	case f.Unshrunk && len(f.Lines) == 0:
		fmt.Fprintf(w, "  not shrunk (interrupted): %d step(s); replay prints them\n", f.ShrunkSteps)
	case f.Unshrunk:
		fmt.Fprintf(w, "  not shrunk, %d step(s):\n", f.ShrunkSteps)
	case len(f.Lines) == 0:
		fmt.Fprintf(w, "  shrunk to %d step(s)%s; replay prints them\n", f.ShrunkSteps, minimal)
	default:
		fmt.Fprintf(w, "  shrunk to %d step(s)%s:\n", f.ShrunkSteps, minimal)
	}
}

// printEnd closes a text report: what an interruption left undone and,
// for several designs, the whole report's verdict.
func printEnd(w io.Writer, r report.Report) {
	if interrupted(r) {
		fmt.Fprintln(w, "\ninterrupted: the report covers the runs done so far")
	}
	if len(r.NotRun) > 0 {
		fmt.Fprintf(w, "not run: %s\n", strings.Join(r.NotRun, ", "))
	}
	if len(r.Checks) > 1 {
		fmt.Fprintf(w, "\n%s: %d designs\n", report.FirstLine(r), len(r.Checks))
	}
}

// interrupted reports whether a signal cut the report short.
func interrupted(r report.Report) bool {
	for _, c := range r.Checks {
		if c.Interrupted {
			return true
		}
	}
	return len(r.NotRun) > 0
}
