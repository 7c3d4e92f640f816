package report

import (
	"fmt"

	"github.com/ndissim/ndissim/rule"
)

// Verdict is the outcome of a check, or of a whole report.
type Verdict string

// The verdicts, from the best to the worst.
const (
	Pass             Verdict = "pass"
	PassWithWarnings Verdict = "pass with warnings" // findings, none reaching the threshold
	Interrupted      Verdict = "interrupted"        // stopped early; nothing found counts
	Fail             Verdict = "fail"               // a finding reached the threshold, or nondeterminism
)

func (v Verdict) rank() int {
	switch v {
	case PassWithWarnings:
		return 1
	case Interrupted:
		return 2
	case Fail:
		return 3
	}
	return 0
}

// Worst is the verdict of several checks: the worst of theirs; Pass for none.
func Worst(vs ...Verdict) Verdict {
	w := Pass
	for _, v := range vs {
		if v.rank() > w.rank() {
			w = v
		}
	}
	return w
}

// Verdict judges one check under p: p.For(c) applied to c's findings.
// Nondeterminism fails a check whatever the threshold: it is an ndissim bug,
// and a report resting on it cannot be trusted.
func (p Policy) Verdict(c Check) Verdict {
	p = p.For(c)
	kept, _ := p.Apply(c.Findings)
	return p.verdict(kept, c)
}

func (p Policy) verdict(kept []Finding, c Check) Verdict {
	for _, f := range kept {
		if p.Counts(f) {
			return Fail
		}
	}
	switch {
	case len(c.Nondeterm) > 0:
		return Fail
	case c.Interrupted:
		return Interrupted
	case len(kept) > 0:
		return PassWithWarnings
	}
	return Pass
}

// Headline is the first line of the text report: "pass", "pass with 1
// warning", "pass with N warnings", "FAIL", "interrupted" or "interrupted
// with N warnings". warnings counts the findings that do not fail it.
func Headline(v Verdict, warnings int) string {
	with := ""
	if warnings > 0 {
		with = fmt.Sprintf(" with %d warning%s", warnings, plural(warnings))
	}
	switch v {
	case Fail:
		return "FAIL"
	case Interrupted:
		return "interrupted" + with
	case PassWithWarnings, Pass:
		return "pass" + with
	}
	return string(v)
}

// FirstLine is Headline for a whole report; for a report of an input error,
// "error: " and the error.
func FirstLine(r Report) string {
	if r.Error != nil {
		return "error: " + r.Error.Error()
	}
	return Headline(Overall(r))
}

// Overall is the verdict of a whole report, the worst of its checks' (at
// best interrupted when designs were not run), and the number of findings
// that do not fail it: the warnings its headline counts.
func Overall(r Report) (Verdict, int) {
	return overall(r, judge(r))
}

func overall(r Report, js []judged) (Verdict, int) {
	v, warnings := Pass, 0
	if len(r.NotRun) > 0 {
		v = Interrupted
	}
	for _, j := range js {
		v = Worst(v, j.verdict)
		warnings += j.count(rule.Warning) - j.failing(rule.Warning)
	}
	return v, warnings
}

func plural(n int) string {
	if n == 1 {
		return ""
	}
	return "s"
}

// judged is a check with the policy applied, as every writer reads it.
type judged struct {
	Check
	policy  Policy
	kept    []Finding     // judged findings, severities raised
	shown   []Finding     // every finding in the check's order, silenced ones marked
	off     []RuleSilence // every rule the policy silences, fired or not
	verdict Verdict
}

// judge applies the report's policy to each check.
func judge(r Report) []judged {
	out := make([]judged, 0, len(r.Checks))
	for _, c := range r.Checks {
		p := r.Policy.For(c)
		kept, _ := p.Apply(c.Findings)
		shown := make([]Finding, len(c.Findings))
		for i, f := range c.Findings {
			shown[i] = p.applyOne(f)
		}
		out = append(out, judged{Check: c, policy: p, kept: kept, shown: shown,
			off: p.Silenced(), verdict: p.verdict(kept, c)})
	}
	return out
}

// count is the kept findings of severity s.
func (j judged) count(s rule.Severity) int {
	n := 0
	for _, f := range j.kept {
		if f.Severity == s {
			n++
		}
	}
	return n
}

// failing is the kept findings of severity s that fail the check.
func (j judged) failing(s rule.Severity) int {
	n := 0
	for _, f := range j.kept {
		if f.Severity == s && j.policy.Counts(f) {
			n++
		}
	}
	return n
}
