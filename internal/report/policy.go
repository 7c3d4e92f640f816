package report

import (
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/ndissim/ndissim/rule"
)

// Policy decides which findings count. The command line gives the
// threshold and --enable/--disable; a design file's rules: section gives
// Rules. Precedence, strongest first: --disable, --enable, rules:, the
// catalogue.
type Policy struct {
	// FailOn is the least severity that fails a check: rule.Error (the
	// default, also for 0) or rule.Warning (--fail-on warning, --strict).
	FailOn  rule.Severity
	Enable  []rule.Name // --enable: undo a silence of the rules: section
	Disable []rule.Name // --disable: silence the rule for this command
	Rules   map[rule.Name]RuleSetting
}

// RuleSetting is one entry of a design file's rules: section.
type RuleSetting struct {
	// Severity rule.Error raises a warning rule to an error; 0 keeps the
	// catalogue's. A setting cannot lower an error: the catalogue's errors
	// rest on a must, a DDI rule or a bug check.
	Severity rule.Severity
	// Silence keeps the rule's findings out of the verdict. Reason is
	// required with it: a reviewer reads it in every report format.
	Silence bool
	Reason  string
}

// Silence says why a finding or a rule does not count, and who said so.
type Silence struct {
	Reason string
	By     string // BySection or ByFlag
}

// Who silenced a rule.
const (
	BySection = "rules"     // the design file's rules: section
	ByFlag    = "--disable" // the command line
)

// RuleSilence is one silenced rule of a policy.
type RuleSilence struct {
	Rule rule.Name
	Silence
}

// threshold is FailOn with the zero value read as the default.
func (p Policy) threshold() rule.Severity {
	if p.FailOn == 0 {
		return rule.Error
	}
	return p.FailOn
}

// For is the policy of one check: p with the check's rules: section, whose
// entries win over any p already has.
func (p Policy) For(c Check) Policy {
	if len(c.Rules) == 0 {
		return p
	}
	merged := maps.Clone(p.Rules)
	if merged == nil {
		merged = map[rule.Name]RuleSetting{}
	}
	maps.Copy(merged, c.Rules)
	p.Rules = merged
	return p
}

// silence says whether, and why, rule r is silenced.
func (p Policy) silence(r rule.Name) *Silence {
	if slices.Contains(p.Disable, r) {
		return &Silence{Reason: "disabled on the command line", By: ByFlag}
	}
	if slices.Contains(p.Enable, r) {
		return nil
	}
	if s, ok := p.Rules[r]; ok && s.Silence {
		return &Silence{Reason: strings.TrimSpace(s.Reason), By: BySection}
	}
	return nil
}

// severity is the severity findings of r have under p.
func (p Policy) severity(r rule.Name, found rule.Severity) rule.Severity {
	if s, ok := p.Rules[r]; ok && s.Severity > found {
		return s.Severity
	}
	return found
}

// Apply splits findings into those that are judged (kept, with raised
// severities) and those that are silenced (with Silenced set). The input is
// not modified; order is kept.
func (p Policy) Apply(findings []Finding) (kept, silenced []Finding) {
	for _, f := range findings {
		if f = p.applyOne(f); f.Silenced != nil {
			silenced = append(silenced, f)
		} else {
			kept = append(kept, f)
		}
	}
	return kept, silenced
}

// Judge is Apply for one finding: its severity raised, its silence set.
func (p Policy) Judge(f Finding) Finding { return p.applyOne(f) }

// applyOne is Apply for one finding: its severity raised, its silence set.
func (p Policy) applyOne(f Finding) Finding {
	f.Severity = p.severity(f.Rule, f.Severity)
	f.Silenced = p.silence(f.Rule)
	return f
}

// Counts reports whether a finding fails the check: it is not silenced and
// its severity reaches the threshold.
func (p Policy) Counts(f Finding) bool {
	return f.Silenced == nil && f.Severity >= p.threshold()
}

// Silenced lists every rule p silences, fired or not, in catalogue order
// (rules not in the catalogue last, by name): a report shows them all so
// that a reviewer sees what was turned off.
func (p Policy) Silenced() []RuleSilence {
	names := slices.Concat(p.Disable, slices.Collect(maps.Keys(p.Rules)))
	slices.SortFunc(names, byCatalogue)
	names = slices.Compact(names)
	var out []RuleSilence
	for _, n := range names {
		if s := p.silence(n); s != nil {
			out = append(out, RuleSilence{Rule: n, Silence: *s})
		}
	}
	return out
}

// byCatalogue orders rule names as the catalogue lists them.
func byCatalogue(a, b rule.Name) int {
	ia, ib := catalogueIndex(a), catalogueIndex(b)
	if ia != ib {
		return ia - ib
	}
	return strings.Compare(string(a), string(b))
}

func catalogueIndex(n rule.Name) int {
	for i, r := range rule.Catalogue {
		if r.Name == n {
			return i
		}
	}
	return len(rule.Catalogue)
}

// ParseSeverity reads "error" or "warning", as --fail-on and a rules:
// section's severity give them.
func ParseSeverity(s string) (rule.Severity, error) {
	switch strings.TrimSpace(s) {
	case "error":
		return rule.Error, nil
	case "warning":
		return rule.Warning, nil
	}
	return 0, fmt.Errorf("severity %q: want error or warning", s)
}

// FailOn reads --fail-on and --strict, its alias for --fail-on warning,
// into the threshold. failOn "" means the flag was not given.
func FailOn(failOn string, strict bool) (rule.Severity, error) {
	if failOn == "" {
		if strict {
			return rule.Warning, nil
		}
		return rule.Error, nil
	}
	s, err := ParseSeverity(failOn)
	if err != nil {
		return 0, fmt.Errorf("--fail-on: %w", err)
	}
	if strict && s != rule.Warning {
		return 0, fmt.Errorf("--strict is --fail-on warning; it contradicts --fail-on %s", failOn)
	}
	return s, nil
}
