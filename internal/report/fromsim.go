package report

import (
	"errors"

	"github.com/ndissim/ndissim/internal/designfile"
	"github.com/ndissim/ndissim/rule"
	"github.com/ndissim/ndissim/sim"
)

// FromSim converts the simulator's report of one design. It is the only
// place that reads sim.Report: a change there is mended here.
func FromSim(r sim.Report) Check {
	c := Check{Design: r.Name, File: r.File, Runs: r.Runs, Steps: r.Steps,
		Interrupted: r.Interrupted, Verified: r.Verified, Nondeterm: r.Nondeterm, Coverage: r.Coverage, Goal: r.Goal}
	for _, f := range r.Findings {
		c.Findings = append(c.Findings, fromSimFinding(f))
	}
	return c
}

func fromSimFinding(f sim.FindingReport) Finding {
	sev, err := ParseSeverity(f.Severity)
	if err != nil { // not a severity sim writes; trust the catalogue
		sev = severityOf(f.Rule)
	}
	return Finding{Rule: f.Rule, Severity: sev, Seed: f.Seed, Step: f.Step, State: f.State,
		Message: f.Message, Objects: f.Objects, Trace: f.Trace, Replay: f.Replay,
		ShrunkSteps: f.ShrunkSteps, Minimal: f.Minimal, Lines: f.Lines, Unshrunk: f.Unshrunk, TraceError: f.TraceError}
}

// RulesFromSim is a design file's rules: section as a policy reads it.
func RulesFromSim(rs []sim.RuleSetting) map[rule.Name]RuleSetting {
	if len(rs) == 0 {
		return nil
	}
	out := make(map[rule.Name]RuleSetting, len(rs))
	for _, s := range rs {
		switch {
		case s.Silence != "":
			out[s.Rule] = RuleSetting{Silence: true, Reason: s.Silence}
		case s.Severity != "":
			sev, err := ParseSeverity(s.Severity)
			if err != nil {
				sev = rule.Error // the parser allows error alone
			}
			out[s.Rule] = RuleSetting{Severity: sev}
		}
	}
	return out
}

// ToSim is the simulator's report of one check, as `ndissim merge` joins
// shards with sim.MergeShards: FromSim undone, severities the findings'
// own (the catalogue's), not the policy's.
func ToSim(c Check) sim.Report {
	r := sim.Report{Name: c.Design, File: c.File, Runs: c.Runs, Steps: c.Steps, Interrupted: c.Interrupted,
		Verified: c.Verified, Nondeterm: c.Nondeterm, Findings: []sim.FindingReport{}, Coverage: c.Coverage, Goal: c.Goal}
	if len(r.Nondeterm) == 0 {
		r.Nondeterm = nil
	}
	for _, f := range c.Findings {
		r.Findings = append(r.Findings, sim.FindingReport{Rule: f.Rule, Severity: severityName(f.Severity),
			Seed: f.Seed, Step: f.Step, State: f.State, Message: f.Message, Objects: f.Objects, Trace: f.Trace,
			TraceError: f.TraceError, ShrunkSteps: f.ShrunkSteps, Minimal: f.Minimal, Unshrunk: f.Unshrunk,
			Replay: f.Replay, Lines: f.Lines})
	}
	return r
}

// ErrorOf turns the error that stopped a command before anything ran into
// an InputError, keeping the file, line, column and field a design file's
// error carries.
func ErrorOf(err error) *InputError {
	for e := err; e != nil; e = errors.Unwrap(e) {
		if de, ok := e.(*designfile.Error); ok {
			return &InputError{Message: de.Msg, File: de.File, Line: de.Line, Column: de.Column, Field: de.Field}
		}
	}
	var re *RuleError
	if errors.As(err, &re) && re.Where == BySection {
		return &InputError{Message: re.Msg, Field: "rules." + string(re.Rule)}
	}
	return &InputError{Message: err.Error()}
}

// severityOf is the catalogue's severity of n, rule.Error for an unknown
// name: an unknown rule is an ndissim bug and should not pass quietly.
func severityOf(n rule.Name) rule.Severity {
	if m := lookup(n); m.Known {
		return m.Severity
	}
	return rule.Error
}
