package report

import (
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/ndissim/ndissim/rule"
)

// RuleError is one problem of a policy. Where says which input holds it
// ("--enable", "--disable", "--fail-on" or "rules"), so that the caller can
// point at the flag or the design file's line.
type RuleError struct {
	Where string
	Rule  rule.Name // empty for a problem that names no rule
	Msg   string
}

func (e *RuleError) Error() string {
	if e.Rule == "" {
		return e.Where + ": " + e.Msg
	}
	if e.Where == BySection {
		return fmt.Sprintf("rules.%s: %s", e.Rule, e.Msg)
	}
	return fmt.Sprintf("%s %s: %s", e.Where, e.Rule, e.Msg)
}

// Validate reports every problem of p, each a *RuleError, joined, in a
// fixed order: the threshold, --enable, --disable, then the rules: section
// by rule name. An unknown rule is named, with the nearest known name.
func (p Policy) Validate() error {
	var errs []error
	if p.FailOn != 0 && p.FailOn != rule.Error && p.FailOn != rule.Warning {
		errs = append(errs, &RuleError{Where: "--fail-on", Msg: fmt.Sprintf("unknown severity %d", p.FailOn)})
	}
	for _, n := range p.Enable {
		errs = append(errs, known("--enable", n))
		if slices.Contains(p.Disable, n) {
			errs = append(errs, &RuleError{Where: "--enable", Rule: n, Msg: "is also given to --disable; give it to one of them"})
		}
	}
	for _, n := range p.Disable {
		errs = append(errs, known("--disable", n))
	}
	for _, n := range slices.Sorted(maps.Keys(p.Rules)) {
		errs = append(errs, checkSetting(n, p.Rules[n]))
	}
	return errors.Join(errs...)
}

// known is nil for a rule of the catalogue, else an error naming it.
func known(where string, n rule.Name) error {
	if _, ok := rule.Lookup(n); ok {
		return nil
	}
	msg := "unknown rule (see `ndissim rules`)"
	if near := nearest(n); near != "" {
		msg = fmt.Sprintf("unknown rule; did you mean %s?", near)
	}
	return &RuleError{Where: where, Rule: n, Msg: msg}
}

// checkSetting checks one entry of a rules: section.
func checkSetting(n rule.Name, s RuleSetting) error {
	if err := known(BySection, n); err != nil {
		return err
	}
	r := rule.MustLookup(n)
	bad := func(format string, args ...any) error {
		return &RuleError{Where: BySection, Rule: n, Msg: fmt.Sprintf(format, args...)}
	}
	switch {
	case s.Silence && strings.TrimSpace(s.Reason) == "":
		return bad("silencing a rule needs a reason: a reviewer reads it in every report")
	case !s.Silence && s.Reason != "":
		return bad("a reason is given but the rule is not silenced")
	case s.Silence && s.Severity != 0:
		return bad("a rule is either silenced or given a severity, not both")
	case s.Severity != 0 && s.Severity != rule.Error && s.Severity != rule.Warning:
		return bad("unknown severity %d", s.Severity)
	case s.Severity != 0 && s.Severity < r.Severity:
		return bad("is an error (%s); a rules: section can raise a warning to an error, not lower an error", r.Primary().Label())
	}
	return nil
}

// nearest is the catalogue name closest to n, if one is close enough to be
// a typo of it: the same letters in another case, or a few edits away.
func nearest(n rule.Name) rule.Name {
	best, bestDist := rule.Name(""), 1<<30
	for _, r := range rule.Catalogue {
		d := distance(strings.ToLower(string(n)), strings.ToLower(string(r.Name)))
		if d < bestDist {
			best, bestDist = r.Name, d
		}
	}
	if bestDist <= max(2, len(n)/4) {
		return best
	}
	return ""
}

// distance is the Levenshtein distance between a and b, in bytes: rule
// names are ASCII.
func distance(a, b string) int {
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}
