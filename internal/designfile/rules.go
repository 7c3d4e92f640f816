package designfile

import (
	"fmt"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/ndissim/ndissim/rule"
	"github.com/ndissim/ndissim/sim"
)

// maxRuleSettings bounds the rules section. A rule takes one entry at most,
// so a valid section is never longer than the catalogue; the bound only
// keeps a huge file from costing a lookup per entry.
const maxRuleSettings = 1024

// rules reads the rules section: each entry names a rule of the catalogue
// and either raises it to an error or silences it with a reason. It only
// reads them: what they do to a check's verdict is the rule-control
// policy's, which reads Design.Rules.
func (d *decoder) rules(top *object) []sim.RuleSetting {
	spec := top.spec.child("rules")
	var out []sim.RuleSetting
	seen := map[rule.Name]int{}
	for i, item := range top.list("rules") {
		path := fmt.Sprintf("rules[%d]", i)
		ro := d.object(item, item, path, spec.item)
		n := ro.need("rule", "the name of a rule, as `ndissim rules` lists it")
		name := d.ruleName(n, path+".rule")
		if line, dup := seen[name]; dup {
			d.fail(n, path+".rule", "%s already has a setting on line %d; give each rule one entry", name, line)
		}
		seen[name] = n.Line
		s := sim.RuleSetting{Rule: name, Line: item.Line, Col: item.Column}
		sev, hasSev := ro.get("severity")
		sil, hasSil := ro.get("silence")
		switch {
		case hasSev && hasSil:
			d.fail(ro.keys["silence"], path, "both severity and silence; expected one: severity: error raises %s to an error, silence: REASON silences it", name)
		case !hasSev && !hasSil:
			d.fail(item, path, "expected severity: error (raise %s to an error) or silence: REASON (silence it), got neither", name)
		case hasSev:
			s.Severity = d.severity(sev, path+".severity")
		default:
			s.Silence = d.reason(sil, path+".silence", name)
		}
		out = append(out, s)
	}
	return out
}

// ruleName is a rule of the catalogue. A name that differs only in case
// is named, since rule names are case-sensitive in reports and traces.
func (d *decoder) ruleName(n *yaml.Node, path string) rule.Name {
	const want = "the name of a rule, as `ndissim rules` lists it"
	s := d.str(n, path, want)
	if _, ok := rule.Lookup(rule.Name(s)); ok {
		return rule.Name(s)
	}
	for _, r := range rule.Catalogue {
		if strings.EqualFold(string(r.Name), s) {
			d.fail(n, path, "no rule named %q; did you mean %s? (rule names are case-sensitive)", short(s), r.Name)
		}
	}
	d.fail(n, path, "no rule named %q; expected %s", short(s), want)
	return ""
}

// severity is "error", the one severity a design file may set: a warning
// is raised to an error; an error is lowered only by silencing it, which
// takes a reason.
func (d *decoder) severity(n *yaml.Node, path string) string {
	const want = "error (a rules entry raises a warning to an error; to set a rule aside, silence it with a reason)"
	s := d.str(n, path, want)
	allowed := rulesSpec.item.child("severity").choices
	for _, c := range allowed {
		if s == c {
			return s
		}
	}
	d.fail(n, path, "expected %s, got %q", want, short(s))
	return ""
}

// reason is why a rule is silenced: required, so that a silenced rule
// always says why in the file that silences it.
func (d *decoder) reason(n *yaml.Node, path string, name rule.Name) string {
	want := fmt.Sprintf("a reason: why %s does not apply to this design", name)
	if isNull(n) {
		d.fail(n, path, "expected %s, got nothing", want)
	}
	s := d.str(n, path, want)
	if strings.TrimSpace(s) == "" {
		d.fail(n, path, "expected %s, got an empty string", want)
	}
	return s
}
