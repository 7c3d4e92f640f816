package report

import (
	"bytes"
	"encoding/json"
	"maps"
	"slices"

	"github.com/ndissim/ndissim/rule"
	"github.com/ndissim/ndissim/sim"
)

// SchemaVersion is the version of the JSON report, its "schema_version".
// Fields are added within a version; renaming or removing one, or changing
// what one means, makes a new version.
const SchemaVersion = 1

// The JSON report, as docs/report.schema.json describes it. Slices are
// never nil, so that an empty list prints as [] and not null.
type (
	jsonReport struct {
		SchemaVersion int            `json:"schema_version"`
		Tool          jsonTool       `json:"tool"`
		Verdict       Verdict        `json:"verdict,omitempty"`
		Headline      string         `json:"headline,omitempty"`
		Seed          *uint64        `json:"seed,omitempty"`
		Policy        *jsonPolicy    `json:"policy,omitempty"`
		Summary       *jsonSummary   `json:"summary,omitempty"`
		Designs       []jsonDesign   `json:"designs,omitzero"` // nil only in an error report
		NotRun        []string       `json:"not_run,omitempty"`
		Shard         *sim.ShardInfo `json:"shard,omitempty"`
		Error         *jsonError     `json:"error,omitempty"`
	}
	jsonTool struct {
		Name    string `json:"name"`
		Version string `json:"version"`
		Engine  string `json:"engine,omitempty"`
	}
	jsonPolicy struct {
		FailOn  string      `json:"fail_on"`
		Enable  []rule.Name `json:"enable"`
		Disable []rule.Name `json:"disable"`
	}
	jsonSummary struct {
		Designs  int   `json:"designs"`
		Runs     int   `json:"runs"`
		Steps    int64 `json:"steps"`
		Errors   int   `json:"errors"`
		Warnings int   `json:"warnings"`
		Failing  int   `json:"failing"`
		Silenced int   `json:"silenced"`
	}
	jsonDesign struct {
		Name          string        `json:"name"`
		File          string        `json:"file"`
		Verdict       Verdict       `json:"verdict"`
		Runs          int           `json:"runs"`
		Steps         int64         `json:"steps"`
		Interrupted   bool          `json:"interrupted"`
		Verified      int           `json:"verified_seeds"`
		Nondeterm     []uint64      `json:"nondeterministic_seeds"`
		Rules         []jsonSetting `json:"rules"`
		SilencedRules []jsonSilence `json:"silenced_rules"`
		Raised        []rule.Name   `json:"raised_rules"`
		Findings      []jsonFinding `json:"findings"`
		// Coverage is sim.Coverage's own JSON: docs/report.schema.json's
		// $defs coverage describes it.
		Coverage     *sim.Coverage     `json:"coverage,omitempty"`
		CoverageGoal *sim.CoverageGoal `json:"coverage_goal,omitempty"`
	}
	jsonSetting struct {
		Rule     rule.Name `json:"rule"`
		Severity string    `json:"severity,omitempty"`
		Silence  string    `json:"silence,omitempty"`
	}
	jsonSilence struct {
		Rule   rule.Name `json:"rule"`
		Reason string    `json:"reason"`
		By     string    `json:"by"`
	}
	jsonFinding struct {
		Rule         rule.Name     `json:"rule"`
		Severity     string        `json:"severity"`
		RuleSeverity string        `json:"rule_severity"`
		Counts       bool          `json:"counts"`
		Silenced     *jsonSilenced `json:"silenced,omitempty"`
		Group        string        `json:"group"`
		Summary      string        `json:"summary"`
		Basis        jsonBasis     `json:"basis"`
		Page         string        `json:"page"`
		Seed         uint64        `json:"seed"`
		Step         int           `json:"step"`
		State        string        `json:"state"`
		Message      string        `json:"message"`
		Objects      []string      `json:"objects"`
		ShrunkSteps  int           `json:"shrunk_steps"`
		Minimal      bool          `json:"minimal"`
		Unshrunk     bool          `json:"unshrunk,omitempty"`
		Trace        string        `json:"trace,omitempty"`
		TraceError   string        `json:"trace_error,omitempty"`
		Replay       string        `json:"replay,omitempty"`
		Location     *jsonLocation `json:"location,omitempty"`
		TraceLines   []string      `json:"trace_lines"`
	}
	jsonSilenced struct {
		Reason string `json:"reason"`
		By     string `json:"by"`
	}
	jsonBasis struct {
		Kind  string `json:"kind"`
		Word  string `json:"word"`
		Label string `json:"label"`
	}
	jsonLocation struct {
		File   string `json:"file"`
		Line   int    `json:"line,omitempty"`
		Column int    `json:"column,omitempty"`
		Field  string `json:"field,omitempty"`
	}
	jsonError struct {
		Message string `json:"message"`
		File    string `json:"file,omitempty"`
		Line    int    `json:"line,omitempty"`
		Column  int    `json:"column,omitempty"`
		Field   string `json:"field,omitempty"`
	}
)

// JSON renders the report as indented JSON ending in a newline, valid
// against docs/report.schema.json: the verdict, the policy, a summary and
// each design's findings with their rules' metadata, or, for a report of an
// input error, only {"schema_version", "tool", "error"}.
func JSON(r Report) []byte {
	out := jsonReport{SchemaVersion: SchemaVersion, Tool: jsonTool{Name: r.Tool.name(), Version: r.Tool.Version, Engine: r.Tool.Engine}}
	if r.Error != nil {
		e := r.Error
		out.Error = &jsonError{Message: e.Message, File: e.File, Line: e.Line, Column: e.Column, Field: e.Field}
		return encode(out)
	}
	seed := r.Seed
	out.Seed = &seed
	out.Policy = &jsonPolicy{FailOn: severityName(r.Policy.threshold()),
		Enable: nonNil(r.Policy.Enable), Disable: nonNil(r.Policy.Disable)}
	out.Summary = &jsonSummary{}
	out.Designs = []jsonDesign{}
	js := judge(r)
	for _, j := range js {
		d := designJSON(j)
		out.Designs = append(out.Designs, d)
		s := out.Summary
		s.Designs++
		s.Runs += j.Runs
		s.Steps += j.Steps
		s.Errors += j.count(rule.Error)
		s.Warnings += j.count(rule.Warning)
		s.Failing += j.failing(rule.Error) + j.failing(rule.Warning)
		s.Silenced += len(j.shown) - len(j.kept)
	}
	var warnings int
	out.Verdict, warnings = overall(r, js)
	out.Headline = Headline(out.Verdict, warnings)
	out.NotRun = r.NotRun
	out.Shard = r.Shard
	return encode(out)
}

func designJSON(j judged) jsonDesign {
	d := jsonDesign{Name: j.Design, File: j.File, Verdict: j.verdict, Runs: j.Runs, Steps: j.Steps,
		Interrupted: j.Interrupted, Verified: j.Verified, Nondeterm: nonNil(j.Nondeterm),
		Rules: settingsJSON(j.Rules), SilencedRules: []jsonSilence{}, Raised: raised(j.policy), Findings: []jsonFinding{},
		Coverage: j.Coverage, CoverageGoal: j.Goal}
	for _, s := range j.off {
		d.SilencedRules = append(d.SilencedRules, jsonSilence{Rule: s.Rule, Reason: s.Reason, By: s.By})
	}
	for _, f := range j.shown {
		d.Findings = append(d.Findings, findingJSON(f, j))
	}
	return d
}

func findingJSON(f Finding, j judged) jsonFinding {
	m := lookup(f.Rule)
	out := jsonFinding{Rule: f.Rule, Severity: severityName(f.Severity), RuleSeverity: severityName(m.Severity),
		Counts: j.policy.Counts(f), Group: m.Group, Summary: m.Summary,
		Basis: jsonBasis{Kind: m.Kind, Word: m.Word, Label: m.Label}, Page: m.Page,
		Seed: f.Seed, Step: f.Step, State: f.State, Message: f.Message, Objects: nonNil(f.Objects),
		ShrunkSteps: f.ShrunkSteps, Minimal: f.Minimal, Unshrunk: f.Unshrunk, Trace: f.Trace,
		TraceError: f.TraceError, Replay: f.Replay, TraceLines: nonNil(f.Lines)}
	if f.Silenced != nil {
		out.Silenced = &jsonSilenced{Reason: f.Silenced.Reason, By: f.Silenced.By}
	}
	if l := f.Location; l != nil {
		out.Location = &jsonLocation{File: l.File, Line: l.Line, Column: l.Column, Field: l.Field}
		if out.Location.File == "" {
			out.Location.File = j.File
		}
	}
	return out
}

// settingsJSON is a design file's rules: section, in catalogue order.
func settingsJSON(rs map[rule.Name]RuleSetting) []jsonSetting {
	out := []jsonSetting{}
	names := slices.Collect(maps.Keys(rs))
	slices.SortFunc(names, byCatalogue)
	for _, n := range names {
		s := rs[n]
		js := jsonSetting{Rule: n, Severity: severityName(s.Severity)}
		if s.Silence {
			js.Severity, js.Silence = "", s.Reason
		}
		out = append(out, js)
	}
	return out
}

// Raised lists the warning rules p raises to an error and does not
// silence, in catalogue order.
func (p Policy) Raised() []rule.Name { return raised(p) }

// raised lists the rules a policy raises to an error, in catalogue order.
func raised(p Policy) []rule.Name {
	out := []rule.Name{}
	for _, r := range rule.Catalogue {
		if s, ok := p.Rules[r.Name]; ok && s.Severity > r.Severity && p.silence(r.Name) == nil {
			out = append(out, r.Name)
		}
	}
	return out
}

func nonNil[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}

// encode is JSON with two-space indents, HTML left unescaped (messages hold
// "<" and "&"), ending in a newline.
func encode(v any) []byte {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(v); err != nil {
		panic("report: " + err.Error()) // the types above always encode
	}
	return b.Bytes()
}
