package report

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"

	"github.com/ndissim/ndissim/rule"
)

// ParseError is a document that is not a JSON report ParseJSON can read
// back. Line is where, when known (0 otherwise).
type ParseError struct {
	Line int
	Msg  string
}

func (e *ParseError) Error() string {
	if e.Line > 0 {
		return fmt.Sprintf("line %d: %s", e.Line, e.Msg)
	}
	return e.Msg
}

// ParseJSON reads a report JSON printed back into a Report, strictly:
// unknown fields, a schema_version other than SchemaVersion, a report of an
// input error and anything after the report are errors, each a
// *ParseError. What JSON computes (the verdict, the summary, each finding's
// rule metadata) is read and dropped: the writers compute it again under
// their own policy. Severities are the catalogue's, as the checks found
// them; a rules: section raises them again when the report is judged.
func ParseJSON(data []byte) (Report, error) {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	var in jsonReport
	if err := dec.Decode(&in); err != nil {
		return Report{}, decodeError(err, data)
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return Report{}, &ParseError{Msg: "more after the report; expected one JSON object"}
	}
	switch {
	case in.SchemaVersion != SchemaVersion:
		return Report{}, &ParseError{Msg: fmt.Sprintf("schema_version %d; expected %d", in.SchemaVersion, SchemaVersion)}
	case in.Error != nil:
		return Report{}, &ParseError{Msg: "the report of an input error: nothing ran (" + in.Error.Message + ")"}
	case in.Designs == nil || in.Policy == nil || in.Seed == nil:
		return Report{}, &ParseError{Msg: "no designs, policy or seed; expected the JSON report of ndissim check"}
	}
	r := Report{Tool: Tool{Name: in.Tool.Name, Version: in.Tool.Version, Engine: in.Tool.Engine},
		Seed: *in.Seed, NotRun: in.NotRun, Shard: in.Shard}
	pol, err := policyOf(*in.Policy)
	if err != nil {
		return Report{}, err
	}
	r.Policy = pol
	for i, d := range in.Designs {
		c, err := checkOf(d)
		if err != nil {
			return Report{}, &ParseError{Msg: fmt.Sprintf("designs[%d]: %v", i, err)}
		}
		r.Checks = append(r.Checks, c)
	}
	return r, nil
}

func policyOf(p jsonPolicy) (Policy, error) {
	sev, err := ParseSeverity(p.FailOn)
	if err != nil {
		return Policy{}, &ParseError{Msg: "policy.fail_on: " + err.Error()}
	}
	return Policy{FailOn: sev, Enable: p.Enable, Disable: p.Disable}, nil
}

func checkOf(d jsonDesign) (Check, error) {
	c := Check{Design: d.Name, File: d.File, Runs: d.Runs, Steps: d.Steps, Interrupted: d.Interrupted,
		Verified: d.Verified, Nondeterm: d.Nondeterm, Coverage: d.Coverage, Goal: d.CoverageGoal}
	for _, s := range d.Rules {
		if c.Rules == nil {
			c.Rules = map[rule.Name]RuleSetting{}
		}
		if s.Silence != "" {
			c.Rules[s.Rule] = RuleSetting{Silence: true, Reason: s.Silence}
			continue
		}
		sev, err := ParseSeverity(s.Severity)
		if err != nil {
			return Check{}, fmt.Errorf("rules: %s: %w", s.Rule, err)
		}
		c.Rules[s.Rule] = RuleSetting{Severity: sev}
	}
	for j, f := range d.Findings {
		fd, err := findingOf(f)
		if err != nil {
			return Check{}, fmt.Errorf("findings[%d]: %w", j, err)
		}
		c.Findings = append(c.Findings, fd)
	}
	return c, nil
}

func findingOf(f jsonFinding) (Finding, error) {
	sevText := f.RuleSeverity
	if sevText == "" { // a rule the catalogue lacks
		sevText = f.Severity
	}
	sev, err := ParseSeverity(sevText)
	if err != nil {
		return Finding{}, err
	}
	out := Finding{Rule: f.Rule, Severity: sev, Seed: f.Seed, Step: f.Step, State: f.State, Message: f.Message,
		Objects: f.Objects, Trace: f.Trace, Replay: f.Replay, ShrunkSteps: f.ShrunkSteps, Minimal: f.Minimal,
		Lines: f.TraceLines, Unshrunk: f.Unshrunk, TraceError: f.TraceError}
	if l := f.Location; l != nil {
		out.Location = &Location{File: l.File, Line: l.Line, Column: l.Column, Field: l.Field}
	}
	return out, nil
}

// decodeError says where a JSON error is, as a line, when encoding/json
// knows the offset.
func decodeError(err error, data []byte) error {
	var se *json.SyntaxError
	var te *json.UnmarshalTypeError
	switch {
	case errors.As(err, &se):
		return &ParseError{Line: lineAt(data, se.Offset), Msg: err.Error()}
	case errors.As(err, &te):
		return &ParseError{Line: lineAt(data, te.Offset), Msg: fmt.Sprintf("%s: expected %s, got JSON %s", te.Field, te.Type, te.Value)}
	case errors.Is(err, io.EOF):
		return &ParseError{Msg: "the file is empty"}
	}
	return &ParseError{Msg: err.Error()}
}

func lineAt(data []byte, off int64) int {
	off = min(max(off, 0), int64(len(data)))
	return bytes.Count(data[:off], []byte("\n")) + 1
}
