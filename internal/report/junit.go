package report

import (
	"encoding/xml"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/ndissim/ndissim/rule"
	"github.com/ndissim/ndissim/sim"
)

// The JUnit XML that CI systems read, as the Jenkins junit-4.xsd
// (internal/report/testdata/jenkins-junit.xsd) allows it. That schema gives
// <skipped> no attributes and <testsuites> no skipped count.
type (
	junitSuites struct {
		XMLName  xml.Name     `xml:"testsuites"`
		Name     string       `xml:"name,attr"`
		Tests    int          `xml:"tests,attr"`
		Failures int          `xml:"failures,attr"`
		Errors   int          `xml:"errors,attr"`
		Suites   []junitSuite `xml:"testsuite"`
	}
	junitSuite struct {
		Name       string           `xml:"name,attr"`
		Tests      int              `xml:"tests,attr"`
		Failures   int              `xml:"failures,attr"`
		Errors     int              `xml:"errors,attr"`
		Skipped    int              `xml:"skipped,attr"`
		Properties *junitProperties `xml:"properties"` // nil: the schema wants at least one`
		Cases      []junitCase      `xml:"testcase"`
		SystemErr  *junitText       `xml:"system-err"`
	}
	junitProperties struct {
		List []junitProperty `xml:"property"`
	}
	junitProperty struct {
		Name  string `xml:"name,attr"`
		Value string `xml:"value,attr"`
	}
	junitCase struct {
		Name      string         `xml:"name,attr"`
		Classname string         `xml:"classname,attr"`
		Skipped   *junitText     `xml:"skipped"`
		Errors    []junitProblem `xml:"error"`
		Failures  []junitProblem `xml:"failure"`
		SystemOut *junitText     `xml:"system-out"`
	}
	junitProblem struct {
		Message string `xml:"message,attr"`
		Type    string `xml:"type,attr"`
		Body    string `xml:",cdata"`
	}
	junitText struct {
		Body string `xml:",cdata"`
	}
)

// JUnit renders the report as JUnit XML: a testsuite per design and in it
// a testcase per rule of the catalogue (classname the design). A rule
// fails when it broke at or above the threshold, with the finding's
// message, its severity as the type, and the shrunk trace and replay
// command as the body; it is skipped, with the reason, when silenced; it
// is skipped too when the check's coverage says its precondition was never
// reached ("never armed in these runs": it could not have broken); it
// passes otherwise, a finding below the threshold in its system-out. A
// nondeterministic check adds a Determinism testcase in error. A report of
// an input error is one suite with one testcase in error.
func JUnit(r Report) []byte {
	out := junitSuites{Name: r.Tool.name()}
	if e := r.Error; e != nil {
		out.Suites = []junitSuite{{Name: r.Tool.name(), Cases: []junitCase{{Name: "input", Classname: r.Tool.name(),
			Errors: []junitProblem{{Message: xmlClean(e.Error()), Type: "input", Body: xmlClean(e.Error())}}}}}}
	} else {
		for _, j := range judge(r) {
			out.Suites = append(out.Suites, junitSuiteOf(r, j))
		}
	}
	for i := range out.Suites {
		s := &out.Suites[i]
		count(s)
		out.Tests += s.Tests
		out.Failures += s.Failures
		out.Errors += s.Errors
	}
	data, err := xml.MarshalIndent(out, "", "  ")
	if err != nil {
		panic("report: " + err.Error()) // the types above always marshal
	}
	return append([]byte(xml.Header), append(data, '\n')...)
}

func junitSuiteOf(r Report, j judged) junitSuite {
	s := junitSuite{Name: j.Design, Properties: &junitProperties{[]junitProperty{
		{"file", j.File}, {"seed", strconv.FormatUint(r.Seed, 10)}, {"runs", strconv.Itoa(j.Runs)},
		{"steps", strconv.FormatInt(j.Steps, 10)}, {"verdict", string(j.verdict)},
		{"fail_on", severityName(j.policy.threshold())},
	}}}
	names := make([]rule.Name, 0, len(rule.Catalogue))
	for _, cr := range rule.Catalogue {
		names = append(names, cr.Name)
	}
	for _, f := range j.shown { // a rule the catalogue lacks still shows
		if catalogueIndex(f.Rule) == len(rule.Catalogue) && !slices.Contains(names, f.Rule) {
			names = append(names, f.Rule)
		}
	}
	for _, n := range names {
		s.Cases = append(s.Cases, junitCaseOf(j, n))
	}
	if j.Verified > 0 || len(j.Nondeterm) > 0 {
		s.Cases = append(s.Cases, determinismCase(j))
	}
	if j.Interrupted {
		s.SystemErr = &junitText{fmt.Sprintf("interrupted after %d runs: the results cover those runs only", j.Runs)}
	}
	return s
}

func junitCaseOf(j judged, n rule.Name) junitCase {
	c := junitCase{Name: string(n), Classname: j.Design}
	var out []string
	for _, f := range j.shown {
		switch {
		case f.Rule != n:
		case f.Silenced != nil:
			out = append(out, "silenced, found anyway:\n"+findingBody(j, f))
		case j.policy.Counts(f):
			c.Failures = append(c.Failures, junitProblem{Type: severityName(f.Severity),
				Message: xmlClean(fmt.Sprintf("%s (%s): %s", f.Rule, severityName(f.Severity), f.Message)),
				Body:    xmlClean(findingBody(j, f))})
		default:
			out = append(out, fmt.Sprintf("%s below the threshold (--fail-on %s), not a failure:\n%s",
				severityName(f.Severity), severityName(j.policy.threshold()), findingBody(j, f)))
		}
	}
	if s := j.policy.silence(n); s != nil {
		c.Skipped = &junitText{xmlClean(fmt.Sprintf("silenced by %s: %s", s.By, s.Reason))}
	}
	// A rule that neither broke nor was armed was not tested: its pass
	// would be no evidence.
	if c.Skipped == nil && len(c.Failures) == 0 && len(out) == 0 && j.Coverage != nil && sim.ArmedBy(n) != 0 && !j.Coverage.Armed(n) {
		c.Skipped = &junitText{fmt.Sprintf("never armed in these runs: its precondition (%s) was never reached", sim.ArmedBy(n))}
	}
	if len(out) > 0 {
		c.SystemOut = &junitText{xmlClean(strings.Join(out, "\n"))}
	}
	return c
}

// findingBody is what a reader needs to act on a finding: the message,
// where it happened, the rule's basis and page, the shrunk trace and the
// command that replays it.
func findingBody(j judged, f Finding) string {
	m := lookup(f.Rule)
	var b strings.Builder
	fmt.Fprintf(&b, "%s\ndesign %s, seed %d, step %d, in %s\n", f.Message, j.Design, f.Seed, f.Step, f.State)
	if m.Known {
		fmt.Fprintf(&b, "rule: %s (%s; %s)", m.Summary, m.Severity, m.Label)
		if m.Page != "" {
			fmt.Fprintf(&b, " %s", m.Page)
		}
		b.WriteString("\n")
	}
	if len(f.Lines) > 0 {
		minimal := ""
		if f.Minimal {
			minimal = ", no single step can be dropped"
		}
		fmt.Fprintf(&b, "shrunk to %d step(s)%s:\n", f.ShrunkSteps, minimal)
		for _, l := range f.Lines {
			b.WriteString("  " + l + "\n")
		}
	}
	if f.Trace != "" {
		fmt.Fprintf(&b, "trace: %s\n", f.Trace)
	}
	if f.Replay != "" {
		fmt.Fprintf(&b, "replay: %s\n", f.Replay)
	}
	return b.String()
}

func determinismCase(j judged) junitCase {
	c := junitCase{Name: "Determinism", Classname: j.Design}
	for _, s := range j.Nondeterm {
		msg := fmt.Sprintf("seed %d gave different traces on two runs; this is an ndissim bug, please report it", s)
		c.Errors = append(c.Errors, junitProblem{Message: msg, Type: "nondeterminism", Body: msg})
	}
	return c
}

// count sets a suite's counts from its testcases: a testcase counts once
// however many failures it holds.
func count(s *junitSuite) {
	s.Tests, s.Failures, s.Errors, s.Skipped = len(s.Cases), 0, 0, 0
	for _, c := range s.Cases {
		switch {
		case len(c.Errors) > 0:
			s.Errors++
		case len(c.Failures) > 0:
			s.Failures++
		case c.Skipped != nil:
			s.Skipped++
		}
	}
}

// xmlClean replaces what XML 1.0 cannot hold, even escaped, by U+FFFD:
// control characters other than tab, newline and carriage return.
func xmlClean(s string) string {
	return strings.Map(func(r rune) rune {
		switch {
		case r == '\t' || r == '\n' || r == '\r':
			return r
		case r < 0x20, r == 0xFFFE, r == 0xFFFF, r >= 0xD800 && r <= 0xDFFF:
			return '\uFFFD'
		}
		return r
	}, s)
}
