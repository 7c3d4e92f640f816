package report

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"net/url"
	"path/filepath"
	"regexp"
	"strings"

	"github.com/ndissim/ndissim/rule"
)

// The SARIF 2.1.0 log, the parts of it ndissim writes.
type (
	sarifLog struct {
		Schema  string     `json:"$schema"`
		Version string     `json:"version"`
		Runs    []sarifRun `json:"runs"`
	}
	sarifRun struct {
		Tool        sarifTool         `json:"tool"`
		Invocations []sarifInvocation `json:"invocations"`
		ColumnKind  string            `json:"columnKind"`
		Results     []sarifResult     `json:"results"`
		Properties  map[string]any    `json:"properties,omitempty"`
	}
	sarifTool struct {
		Driver sarifDriver `json:"driver"`
	}
	sarifDriver struct {
		Name            string      `json:"name"`
		Version         string      `json:"version,omitempty"`
		SemanticVersion string      `json:"semanticVersion,omitempty"`
		InformationURI  string      `json:"informationUri,omitempty"`
		Rules           []sarifRule `json:"rules"`
	}
	sarifRule struct {
		ID               string          `json:"id"`
		Name             string          `json:"name"`
		ShortDescription sarifText       `json:"shortDescription"`
		FullDescription  sarifText       `json:"fullDescription"`
		HelpURI          string          `json:"helpUri,omitempty"`
		Help             sarifMultiText  `json:"help"`
		Default          sarifRuleConfig `json:"defaultConfiguration"`
		Properties       map[string]any  `json:"properties"`
	}
	sarifRuleConfig struct {
		Level string `json:"level"`
	}
	sarifText struct {
		Text string `json:"text"`
	}
	sarifMultiText struct {
		Text     string `json:"text"`
		Markdown string `json:"markdown,omitempty"`
	}
	sarifInvocation struct {
		ExecutionSuccessful bool                `json:"executionSuccessful"`
		Notifications       []sarifNotification `json:"toolExecutionNotifications,omitempty"`
	}
	sarifNotification struct {
		Level     string          `json:"level"`
		Message   sarifText       `json:"message"`
		Locations []sarifLocation `json:"locations,omitempty"`
	}
	sarifResult struct {
		RuleID              string             `json:"ruleId"`
		RuleIndex           *int               `json:"ruleIndex,omitempty"`
		Kind                string             `json:"kind"`
		Level               string             `json:"level"`
		Message             sarifText          `json:"message"`
		Locations           []sarifLocation    `json:"locations,omitempty"`
		PartialFingerprints map[string]string  `json:"partialFingerprints"`
		CodeFlows           []sarifCodeFlow    `json:"codeFlows,omitempty"`
		Suppressions        []sarifSuppression `json:"suppressions,omitempty"`
		Properties          map[string]any     `json:"properties"`
	}
	sarifLocation struct {
		Physical *sarifPhysical `json:"physicalLocation,omitempty"`
		Message  *sarifText     `json:"message,omitempty"`
	}
	sarifPhysical struct {
		Artifact sarifArtifact `json:"artifactLocation"`
		Region   *sarifRegion  `json:"region,omitempty"`
	}
	sarifArtifact struct {
		URI       string `json:"uri"`
		URIBaseID string `json:"uriBaseId,omitempty"`
	}
	sarifRegion struct {
		StartLine   int `json:"startLine"`
		StartColumn int `json:"startColumn,omitempty"`
	}
	sarifCodeFlow struct {
		Message     sarifText         `json:"message"`
		ThreadFlows []sarifThreadFlow `json:"threadFlows"`
	}
	sarifThreadFlow struct {
		Locations []sarifFlowLocation `json:"locations"`
	}
	sarifFlowLocation struct {
		Location       sarifLocation        `json:"location"`
		Kinds          []string             `json:"kinds,omitempty"`
		State          map[string]sarifText `json:"state,omitempty"`
		ExecutionOrder int                  `json:"executionOrder"`
		Importance     string               `json:"importance"`
	}
	sarifSuppression struct {
		Kind          string `json:"kind"`
		Justification string `json:"justification"`
	}
)

const (
	sarifSchema = "https://json.schemastore.org/sarif-2.1.0.json"
	// srcRoot is the base of every artifact URI: the repository root, which
	// code scanning knows as the checkout.
	srcRoot = "%SRCROOT%"
	// fingerprintKey names ndissim's partial fingerprint; the version says
	// how it is computed, and changes if that ever changes.
	fingerprintKey = "ndissimFinding/v1"
)

// SARIF renders the report as a SARIF 2.1.0 log of one run: the catalogue
// as the driver's rules, with their NDIS pages as helpUri; a result per
// finding, on the design file (at the setting responsible when Location
// says, else at line 1: the design as a whole), with a partial fingerprint
// that stays the same across runs and the shrunk trace as a code flow.
// Silenced findings are results with a suppression. A report of an input
// error is a run that did not execute, with the error as a notification.
func SARIF(r Report) []byte {
	run := sarifRun{Tool: sarifTool{Driver: sarifDriver{Name: r.Tool.name(), Version: r.Tool.Version,
		SemanticVersion: r.Tool.Version, InformationURI: r.Tool.infoURI(), Rules: sarifRules()}},
		ColumnKind: "unicodeCodePoints", Results: []sarifResult{}}
	inv := sarifInvocation{ExecutionSuccessful: r.Error == nil}
	if e := r.Error; e != nil {
		n := sarifNotification{Level: "error", Message: sarifText{e.Error()}}
		if e.File != "" {
			n.Locations = []sarifLocation{{Physical: physical(r.Root, e.File, e.Line, e.Column)}}
		}
		inv.Notifications = append(inv.Notifications, n)
	}
	js := judge(r)
	for _, j := range js {
		inv.Notifications = append(inv.Notifications, checkNotes(j)...)
		for _, f := range j.shown {
			run.Results = append(run.Results, sarifResultOf(r, j, f))
		}
	}
	for _, o := range r.NotRun {
		inv.Notifications = append(inv.Notifications, sarifNotification{Level: "warning",
			Message: sarifText{o + ": not run: the check was interrupted before it"}})
	}
	run.Invocations = []sarifInvocation{inv}
	if r.Error == nil {
		verdict, _ := overall(r, js)
		run.Properties = map[string]any{"verdict": verdict, "failOn": severityName(r.Policy.threshold()), "seed": r.Seed}
	}
	return encode(sarifLog{Schema: sarifSchema, Version: "2.1.0", Runs: []sarifRun{run}})
}

// sarifRules is the catalogue as reporting descriptors, in catalogue order,
// so that a result's ruleIndex is its rule's place in the catalogue.
func sarifRules() []sarifRule {
	out := make([]sarifRule, 0, len(rule.Catalogue))
	for _, r := range rule.Catalogue {
		m := lookup(r.Name)
		help := fmt.Sprintf("%s.\nSeverity: %s, resting on %s.", m.Summary, m.Severity, m.Label)
		md := fmt.Sprintf("**%s** (%s): %s.\n\nSeverity rests on *%s*.", m.Name, m.Severity, m.Summary, m.Label)
		if m.Page != "" {
			help += "\nSee " + m.Page
			md += fmt.Sprintf(" See [%s](%s).", m.PageName, m.Page)
		}
		out = append(out, sarifRule{ID: string(r.Name), Name: string(r.Name),
			ShortDescription: sarifText{m.Summary},
			FullDescription:  sarifText{fmt.Sprintf("%s (%s: %s)", m.Summary, m.Severity, m.Label)},
			HelpURI:          m.Page, Help: sarifMultiText{Text: help, Markdown: md},
			Default: sarifRuleConfig{Level: m.Severity.String()},
			Properties: map[string]any{
				"severity": m.Severity.String(), "group": m.Group,
				"basis":            map[string]string{"kind": m.Kind, "word": m.Word, "label": m.Label},
				"tags":             []string{"ndis", strings.ToLower(m.Group)},
				"precision":        "very-high", // every finding comes with a run that replays it
				"problem.severity": m.Severity.String(),
			}})
	}
	return out
}

func sarifResultOf(r Report, j judged, f Finding) sarifResult {
	m := lookup(f.Rule)
	res := sarifResult{RuleID: string(f.Rule), Kind: "fail", Level: sarifLevel(f), Message: sarifText{resultMessage(j, f, m)},
		PartialFingerprints: map[string]string{fingerprintKey: Fingerprint(f.Rule, j.Design, f.Message)},
		Properties: map[string]any{"design": j.Design, "seed": f.Seed, "step": f.Step, "state": f.State,
			"objects": nonNil(f.Objects), "severity": severityName(f.Severity), "ruleSeverity": severityName(m.Severity),
			"counts": j.policy.Counts(f), "shrunkSteps": f.ShrunkSteps, "minimal": f.Minimal}}
	if i := catalogueIndex(f.Rule); i < len(rule.Catalogue) {
		res.RuleIndex = &i
	}
	if f.Replay != "" {
		res.Properties["replay"] = f.Replay
	}
	if f.Trace != "" {
		res.Properties["trace"] = f.Trace
	}
	if loc := findingLocation(r.Root, j, f); loc != nil {
		res.Locations = []sarifLocation{*loc}
	}
	if len(f.Lines) > 0 {
		res.CodeFlows = []sarifCodeFlow{codeFlow(f)}
	}
	if s := f.Silenced; s != nil {
		kind := "external" // --disable: outside the design
		if s.By == BySection {
			kind = "inSource" // the design file's own rules: section
		}
		res.Suppressions = []sarifSuppression{{Kind: kind, Justification: s.Reason}}
	}
	return res
}

// sarifLevel maps the severity to SARIF's level; a silenced finding is a
// note, since it no longer asks for anything.
func sarifLevel(f Finding) string {
	switch {
	case f.Silenced != nil:
		return "note"
	case f.Severity == rule.Error:
		return "error"
	}
	return "warning"
}

func resultMessage(j judged, f Finding, m meta) string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s: %s. Design %s, seed %d, step %d, in %s.", f.Rule, strings.TrimSuffix(f.Message, "."),
		j.Design, f.Seed, f.Step, f.State)
	if m.Known {
		fmt.Fprintf(&b, " The rule: %s (%s, %s).", m.Summary, severityName(f.Severity), m.Label)
	}
	if f.Replay != "" {
		fmt.Fprintf(&b, " Replay: %s", f.Replay)
	}
	if f.Silenced != nil {
		fmt.Fprintf(&b, " Silenced (%s): %s", f.Silenced.By, f.Silenced.Reason)
	}
	return b.String()
}

// findingLocation is the design file, at the finding's Location if it has
// one, else at line 1; nil for a built-in design, which has no file.
func findingLocation(root string, j judged, f Finding) *sarifLocation {
	file, line, col := j.File, 1, 0
	if l := f.Location; l != nil {
		if l.File != "" {
			file = l.File
		}
		if l.Line > 0 {
			line, col = l.Line, l.Column
		}
	}
	if file == "" || strings.HasPrefix(file, "(") {
		return nil
	}
	return &sarifLocation{Physical: physical(root, file, line, col)}
}

func physical(root, file string, line, col int) *sarifPhysical {
	p := &sarifPhysical{Artifact: sarifArtifact{URI: artifactURI(root, file), URIBaseID: srcRoot}}
	if line > 0 {
		p.Region = &sarifRegion{StartLine: line, StartColumn: col}
	}
	return p
}

// artifactURI is file relative to root, with forward slashes and each
// segment escaped. A file outside root keeps its own path.
func artifactURI(root, file string) string {
	p := filepath.Clean(file)
	if root != "" {
		r, f := filepath.Clean(root), p
		if filepath.IsAbs(r) != filepath.IsAbs(f) {
			// Relative paths are the working directory's; make both absolute.
			r, _ = filepath.Abs(r)
			f, _ = filepath.Abs(f)
		}
		if rel, err := filepath.Rel(r, f); err == nil && rel != ".." && !strings.HasPrefix(rel, ".."+string(filepath.Separator)) {
			p = rel
		}
	}
	segs := strings.Split(filepath.ToSlash(p), "/")
	for i, s := range segs {
		segs[i] = url.PathEscape(s)
	}
	return strings.Join(segs, "/")
}

// checkNotes are the notifications of one check: nondeterminism, which is
// an ndissim bug, and an interruption.
func checkNotes(j judged) []sarifNotification {
	var out []sarifNotification
	for _, s := range j.Nondeterm {
		out = append(out, sarifNotification{Level: "error", Message: sarifText{fmt.Sprintf(
			"%s: seed %d gave different traces on two runs; this is an ndissim bug, please report it", j.Design, s)}})
	}
	if j.Interrupted {
		out = append(out, sarifNotification{Level: "warning", Message: sarifText{fmt.Sprintf(
			"%s: interrupted after %d runs; the results cover those runs only", j.Design, j.Runs)}})
	}
	if c := j.Coverage; c != nil {
		out = append(out, sarifNotification{Level: "note", Message: sarifText{j.Design + ": " + strings.ReplaceAll(strings.TrimSuffix(c.Summary(), "\n"), "\n", "; ")}})
	}
	return out
}

// codeFlow is the shrunk trace, one thread flow location per line, with
// the binding's state and counters as the location's state.
func codeFlow(f Finding) sarifCodeFlow {
	d := ReadTrace(f.Lines)
	tf := sarifThreadFlow{}
	for i, e := range d.Events {
		loc := sarifFlowLocation{Location: sarifLocation{Message: &sarifText{flowText(e)}},
			ExecutionOrder: i + 1, Importance: "important"}
		if e.Kind != Note {
			loc.Kinds = []string{string(e.Kind)}
		}
		switch {
		case e.Kind == Flagged && e.Rule == f.Rule:
			loc.Importance = "essential"
		case e.Kind == State || e.Kind == Note:
			loc.Importance = "unimportant"
		}
		if e.State != "" {
			loc.State = map[string]sarifText{"state": {e.State}}
			for _, c := range e.Counters {
				loc.State[c.Name] = sarifText{fmt.Sprint(c.Value)}
			}
		}
		tf.Locations = append(tf.Locations, loc)
	}
	return sarifCodeFlow{Message: sarifText{fmt.Sprintf("the shrunk run of seed %d", f.Seed)},
		ThreadFlows: []sarifThreadFlow{tf}}
}

// flowText is one trace line as "tick actor: text", without the padding.
func flowText(e Event) string {
	if e.Kind == Note {
		return e.Text
	}
	return fmt.Sprintf("%d %s: %s", e.Tick, e.Actor, e.Text)
}

var digits = regexp.MustCompile(`[0-9]+`)

// Fingerprint identifies a finding across runs, for code scanning to
// recognise an alert it has seen: the rule, the design and the message with
// its numbers taken out, since object numbers and sizes change from one
// seed or shrink to the next while the problem stays the same.
func Fingerprint(r rule.Name, design, message string) string {
	sum := sha256.Sum256([]byte(string(r) + "\x00" + design + "\x00" + digits.ReplaceAllString(message, "#")))
	return hex.EncodeToString(sum[:16])
}
