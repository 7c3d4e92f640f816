package report

import (
	"errors"
	"strings"
	"testing"

	"github.com/ndissim/ndissim/internal/designfile"
	"github.com/ndissim/ndissim/rule"
)

func finding(n rule.Name) Finding { return Finding{Rule: n, Severity: rule.MustLookup(n).Severity} }

var (
	aWarning = finding(rule.SendContextShortfall)     // a should rule
	anError  = finding(rule.PoolFreedWithOutstanding) // a must rule
)

func TestApply(t *testing.T) {
	p := Policy{
		Disable: []rule.Name{rule.DoubleFree},
		Enable:  []rule.Name{rule.LeakAtUnbind},
		Rules: map[rule.Name]RuleSetting{
			rule.SendContextShortfall:     {Severity: rule.Error},
			rule.PoolFreedWithOutstanding: {Silence: true, Reason: " we know "},
			rule.LeakAtUnbind:             {Silence: true, Reason: "enabled again on the command line"},
			rule.DoubleFree:               {Severity: rule.Error},
		},
	}
	in := []Finding{aWarning, anError, finding(rule.LeakAtUnbind), finding(rule.DoubleFree), finding(rule.SendBackfillShortfall)}
	kept, silenced := p.Apply(in)
	names := func(fs []Finding) string {
		var s []string
		for _, f := range fs {
			s = append(s, string(f.Rule)+"/"+f.Severity.String())
		}
		return strings.Join(s, " ")
	}
	if got := names(kept); got != "SendContextShortfall/error LeakAtUnbind/error SendBackfillShortfall/warning" {
		t.Errorf("kept: %s", got)
	}
	if got := names(silenced); got != "PoolFreedWithOutstanding/error DoubleFree/error" {
		t.Errorf("silenced: %s", got)
	}
	if s := silenced[0].Silenced; s.Reason != "we know" || s.By != BySection {
		t.Errorf("silence %+v", s)
	}
	if s := silenced[1].Silenced; s.By != ByFlag {
		t.Errorf("--disable wins over rules:, got %+v", s)
	}
	if in[0].Severity != rule.Warning || in[1].Silenced != nil {
		t.Error("Apply modified its input")
	}
	var off []string
	for _, s := range p.Silenced() {
		off = append(off, string(s.Rule))
	}
	if strings.Join(off, " ") != "PoolFreedWithOutstanding DoubleFree" { // catalogue order
		t.Errorf("Silenced: %v", off)
	}
}

func TestVerdict(t *testing.T) {
	strict := Policy{FailOn: rule.Warning}
	silenceAll := Policy{Disable: []rule.Name{aWarning.Rule, anError.Rule}}
	for _, c := range []struct {
		name string
		p    Policy
		c    Check
		want Verdict
	}{
		{"nothing", Policy{}, Check{}, Pass},
		{"a warning", Policy{}, Check{Findings: []Finding{aWarning}}, PassWithWarnings},
		{"a warning, strict", strict, Check{Findings: []Finding{aWarning}}, Fail},
		{"an error", Policy{}, Check{Findings: []Finding{aWarning, anError}}, Fail},
		{"all silenced", silenceAll, Check{Findings: []Finding{aWarning, anError}}, Pass},
		{"raised", Policy{}, Check{Findings: []Finding{aWarning},
			Rules: map[rule.Name]RuleSetting{aWarning.Rule: {Severity: rule.Error}}}, Fail},
		{"interrupted", Policy{}, Check{Interrupted: true, Findings: []Finding{aWarning}}, Interrupted},
		{"interrupted with an error", Policy{}, Check{Interrupted: true, Findings: []Finding{anError}}, Fail},
		{"nondeterministic", silenceAll, Check{Nondeterm: []uint64{7}}, Fail},
	} {
		if got := c.p.Verdict(c.c); got != c.want {
			t.Errorf("%s: %q, want %q", c.name, got, c.want)
		}
	}
	if Worst() != Pass || Worst(Pass, Fail, Interrupted) != Fail || Worst(PassWithWarnings, Interrupted) != Interrupted {
		t.Error("Worst")
	}
}

func TestHeadline(t *testing.T) {
	for _, c := range []struct {
		v    Verdict
		n    int
		want string
	}{
		{Pass, 0, "pass"}, {PassWithWarnings, 1, "pass with 1 warning"}, {PassWithWarnings, 3, "pass with 3 warnings"},
		{Fail, 2, "FAIL"}, {Interrupted, 0, "interrupted"}, {Interrupted, 2, "interrupted with 2 warnings"},
	} {
		if got := Headline(c.v, c.n); got != c.want {
			t.Errorf("Headline(%q, %d) = %q, want %q", c.v, c.n, got, c.want)
		}
	}
	r := failing(t)
	if got := FirstLine(r); got != "FAIL" {
		t.Errorf("failing: %q", got)
	}
	r.Checks = r.Checks[1:] // the warning and the clean design
	if got := FirstLine(r); got != "pass with 1 warning" {
		t.Errorf("warnings: %q", got)
	}
	r.Policy.FailOn = rule.Warning
	if got := FirstLine(r); got != "FAIL" {
		t.Errorf("strict: %q", got)
	}
	if got := FirstLine(inputError()); got != "error: designs/my.yaml:12:19: protocol.pools[0].context_size: 12 is not a multiple of MEMORY_ALLOCATION_ALIGNMENT (16)" {
		t.Errorf("error: %q", got)
	}
}

func TestValidate(t *testing.T) {
	ok := Policy{FailOn: rule.Warning, Enable: []rule.Name{rule.DoubleFree}, Disable: []rule.Name{rule.LeakAtUnbind},
		Rules: map[rule.Name]RuleSetting{
			rule.SendContextShortfall: {Severity: rule.Error},
			rule.DoubleFree:           {Severity: rule.Error}, // an error stays an error
			rule.LeakAtUnbind:         {Silence: true, Reason: "leaks are checked by Driver Verifier in our lab"},
		}}
	if err := ok.Validate(); err != nil {
		t.Fatalf("valid policy: %v", err)
	}
	bad := Policy{
		Enable:  []rule.Name{"DoubleFre", rule.LeakAtUnbind},
		Disable: []rule.Name{"NoSuchThing", rule.LeakAtUnbind},
		Rules: map[rule.Name]RuleSetting{
			rule.PoolFreedWithOutstanding: {Severity: rule.Warning},
			rule.SendContextShortfall:     {Silence: true, Reason: "  "},
			rule.SendBackfillShortfall:    {Reason: "forgot silence"},
			rule.DoubleFree:               {Silence: true, Reason: "x", Severity: rule.Error},
			"doublefree":                  {},
		},
	}
	err := bad.Validate()
	want := []string{
		"--enable DoubleFre: unknown rule; did you mean DoubleFree?",
		"--enable LeakAtUnbind: is also given to --disable; give it to one of them",
		"--disable NoSuchThing: unknown rule (see `ndissim rules`)",
		"rules.DoubleFree: a rule is either silenced or given a severity, not both",
		"rules.PoolFreedWithOutstanding: is an error (must: NdisFreeNetBufferListPool page); a rules: section can raise a warning to an error, not lower an error",
		"rules.SendBackfillShortfall: a reason is given but the rule is not silenced",
		"rules.SendContextShortfall: silencing a rule needs a reason: a reviewer reads it in every report",
		"rules.doublefree: unknown rule; did you mean DoubleFree?",
	}
	if err == nil || err.Error() != strings.Join(want, "\n") {
		t.Errorf("got\n%v\nwant\n%s", err, strings.Join(want, "\n"))
	}
	var re *RuleError
	if !errors.As(err, &re) || re.Where != "--enable" || re.Rule != "DoubleFre" {
		t.Errorf("first RuleError %+v", re)
	}
}

func TestFailOn(t *testing.T) {
	for _, c := range []struct {
		flag   string
		strict bool
		want   rule.Severity
		err    string
	}{
		{"", false, rule.Error, ""}, {"", true, rule.Warning, ""}, {"warning", false, rule.Warning, ""},
		{"error", false, rule.Error, ""}, {"warning", true, rule.Warning, ""},
		{"error", true, 0, "--strict is --fail-on warning; it contradicts --fail-on error"},
		{"fatal", false, 0, `--fail-on: severity "fatal": want error or warning`},
	} {
		got, err := FailOn(c.flag, c.strict)
		if got != c.want || (err == nil) != (c.err == "") || (err != nil && err.Error() != c.err) {
			t.Errorf("FailOn(%q, %v) = %v, %v", c.flag, c.strict, got, err)
		}
	}
}

// ErrorOf keeps the position of a design file's error, also when wrapped.
type fileError = designfile.Error

func TestErrorOf(t *testing.T) {
	err := errors.Join(errors.New("loading"), &fileError{File: "a.yaml", Line: 3, Column: 5, Field: "stack", Msg: "want a list"})
	got := ErrorOf(&fileError{File: "a.yaml", Line: 3, Column: 5, Field: "stack", Msg: "want a list"})
	if *got != (InputError{Message: "want a list", File: "a.yaml", Line: 3, Column: 5, Field: "stack"}) {
		t.Errorf("%+v", got)
	}
	if got := ErrorOf(err); got.File != "" || got.Message != err.Error() {
		t.Errorf("joined: %+v", got)
	}
	wrapped := ErrorOf(&wrapErr{&fileError{File: "b.yaml", Msg: "m"}})
	if wrapped.File != "b.yaml" {
		t.Errorf("wrapped: %+v", wrapped)
	}
	if got := ErrorOf(&RuleError{Where: BySection, Rule: "X", Msg: "unknown"}); got.Field != "rules.X" {
		t.Errorf("rule error: %+v", got)
	}
}

type wrapErr struct{ err error }

func (w *wrapErr) Error() string { return "check: " + w.err.Error() }
func (w *wrapErr) Unwrap() error { return w.err }
