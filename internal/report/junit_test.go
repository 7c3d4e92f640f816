package report

import (
	"encoding/xml"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ndissim/ndissim/rule"
)

// TestJUnitXSD validates with xmllint against the Jenkins JUnit schema
// (testdata/jenkins-junit.xsd). Go has no XSD validator; xmllint comes with
// the Debian package libxml2-utils.
func TestJUnitXSD(t *testing.T) {
	xmllint, err := exec.LookPath("xmllint")
	if err != nil {
		t.Skip("xmllint not found: apt-get install -y libxml2-utils to validate JUnit XML against its XSD")
	}
	dir := t.TempDir()
	for name, r := range map[string]Report{
		"failing": failing(t), "controlled": controlled(t), "error": inputError(), "empty": {},
		"odd": oddReport(),
	} {
		path := filepath.Join(dir, name+".xml")
		if err := os.WriteFile(path, JUnit(r), 0o644); err != nil {
			t.Fatal(err)
		}
		out, err := exec.Command(xmllint, "--noout", "--schema", "testdata/jenkins-junit.xsd", path).CombinedOutput()
		if err != nil {
			t.Errorf("%s does not validate: %v\n%s", name, err, out)
		}
	}
}

// oddReport holds what is rare: nondeterminism, an interruption, a rule
// the catalogue lacks, and text XML cannot hold as it is.
func oddReport() Report {
	return Report{Checks: []Check{{Design: "d", Verified: 5, Nondeterm: []uint64{3}, Interrupted: true,
		Findings: []Finding{{Rule: "NotARule", Severity: rule.Error, Message: "a \x01 b ]]> c <&>",
			Lines: []string{"    1  NDIS     state Opening  [Opening pools=0 nbls=0 nbs=0 sent=0 held=0]"}}}}}}
}

type xmlSuites struct {
	Tests    int `xml:"tests,attr"`
	Failures int `xml:"failures,attr"`
	Errors   int `xml:"errors,attr"`
	Suites   []struct {
		Name     string `xml:"name,attr"`
		Tests    int    `xml:"tests,attr"`
		Failures int    `xml:"failures,attr"`
		Errors   int    `xml:"errors,attr"`
		Skipped  int    `xml:"skipped,attr"`
		Props    []struct {
			Name  string `xml:"name,attr"`
			Value string `xml:"value,attr"`
		} `xml:"properties>property"`
		Cases []struct {
			Name      string  `xml:"name,attr"`
			Classname string  `xml:"classname,attr"`
			Skipped   *string `xml:"skipped"`
			Errors    []struct {
				Message string `xml:"message,attr"`
			} `xml:"error"`
			Failures []struct {
				Message string `xml:"message,attr"`
				Type    string `xml:"type,attr"`
				Body    string `xml:",chardata"`
			} `xml:"failure"`
			SystemOut string `xml:"system-out"`
		} `xml:"testcase"`
		SystemErr string `xml:"system-err"`
	} `xml:"testsuite"`
}

func readJUnit(t *testing.T, data []byte) xmlSuites {
	t.Helper()
	var s xmlSuites
	if err := xml.Unmarshal(data, &s); err != nil {
		t.Fatalf("%v\n%s", err, data)
	}
	// The counts must agree with the testcases, at both levels.
	var tests, failures, errors int
	for _, su := range s.Suites {
		var f, e, sk int
		for _, c := range su.Cases {
			switch {
			case len(c.Errors) > 0:
				e++
			case len(c.Failures) > 0:
				f++
			case c.Skipped != nil:
				sk++
			}
		}
		if su.Tests != len(su.Cases) || su.Failures != f || su.Errors != e || su.Skipped != sk {
			t.Errorf("suite %s counts %d/%d/%d/%d, testcases say %d/%d/%d/%d", su.Name,
				su.Tests, su.Failures, su.Errors, su.Skipped, len(su.Cases), f, e, sk)
		}
		tests, failures, errors = tests+su.Tests, failures+su.Failures, errors+su.Errors
	}
	if s.Tests != tests || s.Failures != failures || s.Errors != errors {
		t.Errorf("testsuites counts %d/%d/%d, suites say %d/%d/%d", s.Tests, s.Failures, s.Errors, tests, failures, errors)
	}
	return s
}

func TestJUnitContent(t *testing.T) {
	s := readJUnit(t, JUnit(controlled(t)))
	if len(s.Suites) != 3 {
		t.Fatalf("%d suites", len(s.Suites))
	}
	fo := s.Suites[0]
	if fo.Name != "broken-free-order" || fo.Tests != len(rule.Catalogue) || fo.Failures != 1 || fo.Skipped != 2 {
		t.Errorf("suite %s: %d tests, %d failures, %d skipped", fo.Name, fo.Tests, fo.Failures, fo.Skipped)
	}
	for _, c := range fo.Cases {
		if c.Classname != "broken-free-order" {
			t.Errorf("classname %q", c.Classname)
		}
		switch c.Name {
		case "PoolFreedWithOutstanding":
			f := c.Failures[0]
			if f.Type != "error" || !strings.HasPrefix(f.Message, "PoolFreedWithOutstanding (error): NBL pool 2 freed") ||
				!strings.Contains(f.Body, "replay: ndissim replay ndissim-traces/broken-free-order-1-PoolFreedWithOutstanding.trace") ||
				!strings.Contains(f.Body, "NDIS     finding PoolFreedWithOutstanding") {
				t.Errorf("failure %+v", f)
			}
		case "FreeOrderNbBeforeNbl":
			if c.Skipped == nil || !strings.Contains(*c.Skipped, "silenced by rules: we free the NB") ||
				!strings.Contains(c.SystemOut, "silenced, found anyway") {
				t.Errorf("silenced case %+v", c)
			}
		case "PoolChangedWhileActive":
			if c.Skipped == nil || !strings.Contains(*c.Skipped, "--disable") {
				t.Errorf("disabled case %+v", c)
			}
		default:
			if c.Skipped != nil || len(c.Failures) > 0 {
				t.Errorf("%s should pass", c.Name)
			}
		}
	}
	cb := s.Suites[1] // a warning below the threshold passes, and says so
	for _, c := range cb.Cases {
		if c.Name == "SendContextShortfall" && (len(c.Failures) > 0 || !strings.Contains(c.SystemOut, "below the threshold")) {
			t.Errorf("warning case %+v", c)
		}
	}
	if cb.Failures != 0 {
		t.Errorf("warnings fail only with --fail-on warning")
	}
	r := controlled(t)
	r.Policy.FailOn = rule.Warning
	if s := readJUnit(t, JUnit(r)); s.Suites[1].Failures != 1 || s.Suites[1].Props[5].Value != "warning" {
		t.Errorf("strict: %d failures, %+v", s.Suites[1].Failures, s.Suites[1].Props)
	}
}

func TestJUnitOdd(t *testing.T) {
	data := JUnit(oddReport())
	s := readJUnit(t, data)
	su := s.Suites[0]
	last := su.Cases[len(su.Cases)-1]
	prev := su.Cases[len(su.Cases)-2]
	if last.Name != "Determinism" || len(last.Errors) != 1 || prev.Name != "NotARule" || len(prev.Failures) != 1 {
		t.Errorf("last cases %+v %+v", prev, last)
	}
	if !strings.Contains(prev.Failures[0].Body, "a \uFFFD b ]]> c <&>") {
		t.Errorf("body %q", prev.Failures[0].Body)
	}
	if !strings.Contains(su.SystemErr, "interrupted after 0 runs") {
		t.Errorf("system-err %q", su.SystemErr)
	}
	e := readJUnit(t, JUnit(inputError()))
	if e.Errors != 1 || e.Suites[0].Cases[0].Name != "input" ||
		!strings.Contains(e.Suites[0].Cases[0].Errors[0].Message, "designs/my.yaml:12:19") {
		t.Errorf("input error %+v", e)
	}
}
