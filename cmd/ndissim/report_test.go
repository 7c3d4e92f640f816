package main

import (
	"bytes"
	"context"
	"encoding/json"
	"encoding/xml"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/santhosh-tekuri/jsonschema/v6"
	"github.com/stretchr/testify/require"
)

// rulesDesign is shortDesign, which draws warnings only, with a rules:
// section that raises one of them and silences the other.
const rulesDesign = shortDesign + `rules:
  - {rule: SendBackfillShortfall, severity: error}
  - {rule: SendContextShortfall, silence: "our filters allocate their context; measured"}
`

// ctx12Design breaks PoolContextAlignment by its context_size, on line 8.
const ctx12Design = `version: 1
name: ctx12
stack:
  miniport: {name: nic}
protocol:
  nbl_pool:
    allocate_net_buffer: true
    context_size: 12
  send: {api: combined}
`

// firstLine is the first line of out.
func firstLine(out string) string { l, _, _ := strings.Cut(out, "\n"); return l }

// The text report's first line is the verdict: pass, pass with N
// warnings or FAIL; --fail-on warning (and --strict, its alias) turns a
// pass with warnings into a FAIL, exit 1.
func TestFailOnWarning(t *testing.T) {
	f := writeFile(t, "short.yaml", shortDesign)
	args := []string{"check", f, "--runs", "50", "--out", t.TempDir()}
	code, out, errs := ndissim(t, args...)
	require.Equal(t, exitOK, code, errs)
	require.Regexp(t, `^pass with 2 warnings: short \(.*short.yaml\): 50 runs, \d+ steps, 2 finding\(s\)$`, firstLine(out))
	require.Contains(t, out, "(warning, does not fail the check)")

	for _, flag := range [][]string{{"--fail-on", "warning"}, {"--strict"}, {"--strict", "--fail-on", "warning"}} {
		code, out, errs = ndissim(t, append(args, flag...)...)
		require.Equal(t, exitFindings, code, errs)
		require.True(t, strings.HasPrefix(firstLine(out), "FAIL: short ("), out)
	}
	code, _, errs = ndissim(t, append(args, "--fail-on", "error")...)
	require.Equal(t, exitOK, code, errs)

	code, out, errs = ndissim(t, append(args, "--strict", "--fail-on", "error")...)
	require.Equal(t, exitInput, code)
	require.Empty(t, out)
	require.Contains(t, errs, "--strict is --fail-on warning; it contradicts --fail-on error")
	code, _, errs = ndissim(t, append(args, "--fail-on", "fatal")...)
	require.Equal(t, exitInput, code)
	require.Contains(t, errs, `--fail-on: severity "fatal": want error or warning`)
}

// --disable takes a rule out of the verdict, in any spelling of the list;
// the finding still shows, silenced.
func TestDisableRemovesARuleFromTheVerdict(t *testing.T) {
	args := []string{"check", "--design", "broken-context-12", "--runs", "20", "--out", t.TempDir()}
	code, out, _ := ndissim(t, args...)
	require.Equal(t, exitFindings, code)
	require.True(t, strings.HasPrefix(out, "FAIL: broken-context-12 (built in)"), out)

	for _, flags := range [][]string{
		{"--disable", "PoolContextAlignment"},
		{"--disable", "DoubleFree,PoolContextAlignment"},
		{"--disable", "DoubleFree", "--disable", " PoolContextAlignment"},
	} {
		code, out, errs := ndissim(t, append(args, flags...)...)
		require.Equal(t, exitOK, code, errs)
		require.Regexp(t, `^pass: broken-context-12 \(built in\): \d+ runs, \d+ steps, 1 finding\(s\) \(1 silenced\)$`, firstLine(out))
		require.Contains(t, out, "silenced by --disable: PoolContextAlignment: disabled on the command line")
		require.Contains(t, out, "PoolContextAlignment (error, silenced by --disable: disabled on the command line)")
	}
}

// Rule names are checked before anything runs: exit 2, naming the flag
// and the nearest rule; with --json the error is the JSON error object.
func TestUnknownRulesAreRefusedBeforeAnythingRuns(t *testing.T) {
	out := filepath.Join(t.TempDir(), "never")
	cases := map[string]struct {
		flags []string
		want  []string
	}{
		"typo":    {[]string{"--enable", "DoubleFre"}, []string{"--enable DoubleFre: unknown rule; did you mean DoubleFree?"}},
		"case":    {[]string{"--disable", "doublefree"}, []string{"--disable doublefree: unknown rule; did you mean DoubleFree?"}},
		"unknown": {[]string{"--disable", "NoSuchThingAtAll"}, []string{"--disable NoSuchThingAtAll: unknown rule (see `ndissim rules`)"}},
		"both":    {[]string{"--enable", "DoubleFree", "--disable", "DoubleFree"}, []string{"--enable DoubleFree: is also given to --disable"}},
		"empty":   {[]string{"--disable", "DoubleFree,"}, []string{`--disable "DoubleFree,": an empty rule name`}},
		"two":     {[]string{"--enable", "DoubleFre", "--disable", "UseAfterFre"}, []string{"did you mean DoubleFree?", "\nndissim: --disable UseAfterFre: unknown rule; did you mean UseAfterFree?"}},
	}
	for name, c := range cases {
		code, stdout, errs := ndissim(t, append([]string{"check", "--out", out}, c.flags...)...)
		require.Equal(t, exitInput, code, name)
		require.Empty(t, stdout, name)
		for _, w := range c.want {
			require.Contains(t, errs, w, name)
		}
		require.NoDirExists(t, out, "%s: nothing ran", name)
	}
	code, stdout, _ := ndissim(t, "merge", "--disable", "DoubleFre", "x.json")
	require.Equal(t, exitInput, code)
	require.Empty(t, stdout)

	code, stdout, _ = ndissim(t, "check", "--json", "--enable", "DoubleFre", "--out", out)
	require.Equal(t, exitInput, code)
	var rep jsonReport
	require.NoError(t, json.Unmarshal([]byte(stdout), &rep), stdout)
	require.Equal(t, 1, rep.SchemaVersion)
	require.NotNil(t, rep.Error)
	require.Contains(t, rep.Error.Message, "did you mean DoubleFree?")
	validateReport(t, []byte(stdout))
}

// A design file's rules: section raises a warning to an error (and so
// fails the check) and silences a rule with its reason; --enable undoes the
// silence for one command.
func TestRulesSectionSilencesAndRaises(t *testing.T) {
	f := writeFile(t, "rules.yaml", rulesDesign)
	args := []string{"check", f, "--runs", "50", "--out", t.TempDir()}
	code, out, errs := ndissim(t, args...)
	require.Equal(t, exitFindings, code, errs)
	require.Regexp(t, `^FAIL: short \(.*rules.yaml\): 50 runs, \d+ steps, 2 finding\(s\) \(1 silenced\)$`, firstLine(out))
	require.Contains(t, out, "\n  silenced by the rules: section: SendContextShortfall: our filters allocate their context; measured\n")
	require.Contains(t, out, "\n  raised to error by the rules: section: SendBackfillShortfall\n")
	require.Contains(t, out, "SendBackfillShortfall (error, raised from warning by the rules: section)")
	require.Contains(t, out, "SendContextShortfall (warning, silenced by the rules: section: our filters")

	code, out, errs = ndissim(t, append(args, "--enable", "SendContextShortfall", "--disable", "SendBackfillShortfall")...)
	require.Equal(t, exitOK, code, errs)
	require.True(t, strings.HasPrefix(out, "pass with 1 warning: short ("), out)
	require.NotContains(t, out, "silenced by the rules: section")

	// Silencing only: the design passes, the silence shown.
	silenceOnly := strings.Replace(rulesDesign, "{rule: SendBackfillShortfall, severity: error}", "{rule: SendBackfillShortfall, silence: reviewed}", 1)
	code, out, errs = ndissim(t, "check", writeFile(t, "s.yaml", silenceOnly), "--runs", "50", "--fail-on", "warning", "--out", t.TempDir())
	require.Equal(t, exitOK, code, errs)
	require.True(t, strings.HasPrefix(out, "pass: short ("), out)
}

// checkWithFiles runs check on the rules design with every report file and
// JSON on stdout, and returns the files' contents and stdout.
func checkWithFiles(t *testing.T, dir string, extra ...string) (sarif, junit, html []byte, stdout string) {
	t.Helper()
	f := filepath.Join(dir, "rules.yaml")
	require.NoError(t, os.WriteFile(f, []byte(rulesDesign), 0o644))
	s, j, h := filepath.Join(dir, "r.sarif"), filepath.Join(dir, "sub", "r.xml"), filepath.Join(dir, "r.html")
	args := append([]string{"check", f, "--runs", "50", "--out", filepath.Join(dir, "traces"), "--json",
		"--sarif", s, "--junit", j, "--html", h}, extra...)
	code, out, errs := ndissim(t, args...)
	require.Equal(t, exitFindings, code, errs)
	left, _ := filepath.Glob(filepath.Join(dir, ".ndissim-*"))
	require.Empty(t, left, "no temporary files left")
	read := func(p string) []byte { b, err := os.ReadFile(p); require.NoError(t, err); return b }
	return read(s), read(j), read(h), out
}

// A silenced rule shows, as silenced, in JSON, SARIF, JUnit and HTML (the
// text is TestRulesSectionSilencesAndRaises).
func TestSilencedRulesShowInEveryFormat(t *testing.T) {
	sarif, junit, html, js := checkWithFiles(t, t.TempDir())
	const reason = "our filters allocate their context; measured"

	var rep jsonReport
	require.NoError(t, json.Unmarshal([]byte(js), &rep))
	d := rep.Designs[0]
	require.Equal(t, "fail", rep.Verdict)
	require.Len(t, d.SilencedRules, 1)
	require.Equal(t, "SendContextShortfall", string(d.SilencedRules[0].Rule))
	require.Equal(t, "rules", d.SilencedRules[0].By)
	require.Equal(t, reason, d.SilencedRules[0].Reason)
	require.Equal(t, "SendBackfillShortfall", string(d.Raised[0]))
	for _, fr := range d.Findings {
		if fr.Rule == "SendContextShortfall" {
			require.NotNil(t, fr.Silenced)
			require.False(t, fr.Counts)
		} else {
			require.Equal(t, "error", fr.Severity)
			require.True(t, fr.Counts)
		}
	}

	var log struct {
		Runs []struct {
			Results []struct {
				RuleID       string `json:"ruleId"`
				Level        string `json:"level"`
				Suppressions []struct {
					Kind          string `json:"kind"`
					Justification string `json:"justification"`
				} `json:"suppressions"`
			} `json:"results"`
		} `json:"runs"`
	}
	require.NoError(t, json.Unmarshal(sarif, &log))
	suppressed := 0
	for _, r := range log.Runs[0].Results {
		if r.RuleID == "SendContextShortfall" {
			suppressed++
			require.Equal(t, "note", r.Level)
			require.Equal(t, "inSource", r.Suppressions[0].Kind)
			require.Equal(t, reason, r.Suppressions[0].Justification)
		}
	}
	require.Equal(t, 1, suppressed)

	var suites struct {
		Suites []struct {
			Skipped int `xml:"skipped,attr"`
			Cases   []struct {
				Name    string  `xml:"name,attr"`
				Skipped *string `xml:"skipped"`
			} `xml:"testcase"`
		} `xml:"testsuite"`
	}
	require.NoError(t, xml.Unmarshal(junit, &suites))
	// One rule is skipped as silenced; the others skipped were never armed.
	skipped := 0
	for _, c := range suites.Suites[0].Cases {
		if c.Name == "SendContextShortfall" {
			require.NotNil(t, c.Skipped)
			require.Contains(t, *c.Skipped, reason)
		} else if c.Skipped != nil {
			require.Contains(t, *c.Skipped, "never armed in these runs", c.Name)
		}
		if c.Skipped != nil {
			skipped++
		}
	}
	require.Equal(t, skipped, suites.Suites[0].Skipped)

	require.Contains(t, string(html), `class="silenced-rule"`)
	require.Contains(t, string(html), "sev-silenced")
	require.Contains(t, string(html), "our filters allocate their context")
}

// Every report is the same for any --workers, byte for byte.
func TestReportFilesAreDeterministic(t *testing.T) {
	dir := t.TempDir()
	s1, j1, h1, o1 := checkWithFiles(t, dir, "--workers", "1")
	require.NoError(t, os.RemoveAll(filepath.Join(dir, "traces")))
	s2, j2, h2, o2 := checkWithFiles(t, dir, "--workers", "4")
	require.Equal(t, string(s1), string(s2))
	require.Equal(t, string(j1), string(j2))
	require.Equal(t, string(h1), string(h2))
	require.Equal(t, o1, o2)
}

// --format puts a report on stdout, beside any report file.
func TestFormatOnStdout(t *testing.T) {
	f := writeFile(t, "rules.yaml", rulesDesign)
	for format, prefix := range map[string]string{
		"json": "{\n  \"schema_version\": 1", "sarif": "{\n  \"$schema\"", "junit": "<?xml", "html": "<!DOCTYPE html>", "text": "FAIL: short (",
	} {
		code, out, errs := ndissim(t, "check", f, "--runs", "20", "--format", format, "--out", t.TempDir())
		require.Equal(t, exitFindings, code, errs)
		require.True(t, strings.HasPrefix(out, prefix), "%s: %.80s", format, out)
	}
	code, a, _ := ndissim(t, "check", f, "--runs", "20", "--format", "json", "--out", t.TempDir())
	_, b, _ := ndissim(t, "check", f, "--runs", "20", "--json", "--format", "json", "--out", t.TempDir())
	require.Equal(t, exitFindings, code)
	require.Equal(t, strings.Count(a, "\n"), strings.Count(b, "\n"), "--json is --format json")
}

// Bad report flags are exit 2 before anything runs.
func TestBadReportFlagsAreRefused(t *testing.T) {
	dir := t.TempDir()
	out := filepath.Join(dir, "never")
	blocker := writeFile(t, "file", "x")
	cases := map[string]struct {
		flags []string
		want  string
	}{
		"format":       {[]string{"--format", "xml"}, `--format "xml": expected text, json, sarif, junit or html`},
		"json+sarif":   {[]string{"--json", "--format", "sarif"}, "--json is --format json; it contradicts --format sarif"},
		"a directory":  {[]string{"--sarif", dir}, "--sarif " + dir + ": a directory; expected the path of the sarif file to write"},
		"unwritable":   {[]string{"--html", filepath.Join(blocker, "r.html")}, "--html " + filepath.Join(blocker, "r.html") + ": cannot create its directory"},
		"same file":    {[]string{"--sarif", "r.out", "--junit", "./r.out"}, "--junit ./r.out: the same file as --sarif"},
		"bad rules on": {[]string{"--fail-on", "warnings"}, `--fail-on: severity "warnings"`},
	}
	for name, c := range cases {
		code, stdout, errs := ndissim(t, append([]string{"check", "--out", out}, c.flags...)...)
		require.Equal(t, exitInput, code, name)
		if name != "json+sarif" { // --json asks for the JSON error object
			require.Empty(t, stdout, name)
		}
		require.Contains(t, errs, c.want, name)
		require.NoDirExists(t, out, "%s: nothing ran", name)
	}
}

// An input error with --json is the JSON error object on stdout, with the
// file, line and field, and the same error in each report file asked for.
func TestInputErrorReports(t *testing.T) {
	dir := t.TempDir()
	bad := writeFile(t, "bad.yaml", strings.Replace(shortDesign, "sizing: pool", "sizing: pooled", 1))
	sarif := filepath.Join(dir, "e.sarif")
	code, stdout, errs := ndissim(t, "check", bad, "--json", "--sarif", sarif, "--out", filepath.Join(dir, "t"))
	require.Equal(t, exitInput, code)
	require.Contains(t, errs, "bad.yaml:10:11: protocol.sizing:")
	var rep jsonReport
	require.NoError(t, json.Unmarshal([]byte(stdout), &rep), stdout)
	require.Equal(t, bad, rep.Error.File)
	require.Equal(t, 10, rep.Error.Line)
	require.Equal(t, "protocol.sizing", rep.Error.Field)
	validateReport(t, []byte(stdout))
	data, err := os.ReadFile(sarif)
	require.NoError(t, err)
	require.Contains(t, string(data), `"executionSuccessful": false`)

	// A flag cobra refuses still answers --json given before it.
	code, stdout, _ = ndissim(t, "check", "--json", "--runs", "many")
	require.Equal(t, exitInput, code)
	require.Contains(t, stdout, `"error": {`)
	// Text gets nothing on stdout.
	code, stdout, _ = ndissim(t, "check", bad)
	require.Equal(t, exitInput, code)
	require.Empty(t, stdout)
}

// compileSchema loads docs/report.schema.json with the pinned validator.
func compileSchema(t *testing.T) *jsonschema.Schema {
	t.Helper()
	f, err := os.Open("../../docs/report.schema.json")
	require.NoError(t, err)
	defer f.Close()
	doc, err := jsonschema.UnmarshalJSON(f)
	require.NoError(t, err)
	c := jsonschema.NewCompiler()
	require.NoError(t, c.AddResource("file:///report.schema.json", doc))
	s, err := c.Compile("file:///report.schema.json")
	require.NoError(t, err)
	return s
}

func validateReport(t *testing.T, data []byte) {
	t.Helper()
	doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(data))
	require.NoError(t, err)
	require.NoError(t, compileSchema(t).Validate(doc), "%s", data)
}

// Real check --json output is valid against docs/report.schema.json: a
// failing design, rule control, a Go design, a shard, a merge, a clean
// check, an interrupted one.
func TestCheckJSONValidatesAgainstTheSchema(t *testing.T) {
	out := t.TempDir()
	f := writeFile(t, "rules.yaml", rulesDesign)
	runs := [][]string{
		{"check", f, "--design", "broken-context-12", "--disable", "DoubleFree", "--runs", "30"},
		{"check", "--runs", "30", "--verify", "3"},
		{"check", f, "--runs", "30", "--shard", "1/2"},
	}
	for _, args := range runs {
		code, js, errs := ndissim(t, append(args, "--json", "--out", out)...)
		require.Contains(t, []int{exitOK, exitFindings}, code, errs)
		validateReport(t, []byte(js))
	}
	files := shardReports(t, 2, "check", f, "--runs", "30", "--out", out)
	code, js, errs := ndissim(t, append([]string{"merge", "--json"}, files...)...)
	require.Equal(t, exitFindings, code, errs)
	validateReport(t, []byte(js))

	ctx, cancel := context.WithCancelCause(context.Background())
	cancel(signalCause{os.Interrupt})
	_, js, _ = ndissimCtx(t, ctx, "check", "--json", "--design", "ndisprot", "--out", out)
	validateReport(t, []byte(js))
	var rep jsonReport
	require.NoError(t, json.Unmarshal([]byte(js), &rep))
	require.Equal(t, "interrupted", rep.Verdict)
}

// lineOf is the 1-based line of the first line of text holding s.
func lineOf(t *testing.T, text, s string) int {
	t.Helper()
	for i, l := range strings.Split(text, "\n") {
		if strings.Contains(l, s) {
			return i + 1
		}
	}
	t.Fatalf("%q not in the text", s)
	return 0
}

// SARIF places a PoolContextAlignment finding on the design file's
// context_size line and column; JSON and text name the same setting.
func TestSARIFPointsAtTheSetting(t *testing.T) {
	dir := t.TempDir()
	f := writeFile(t, "ctx12.yaml", ctx12Design)
	sarif := filepath.Join(dir, "r.sarif")
	code, out, errs := ndissim(t, "check", f, "--runs", "10", "--sarif", sarif, "--out", dir)
	require.Equal(t, exitFindings, code, errs)
	line := lineOf(t, ctx12Design, "context_size: 12")
	require.Contains(t, out, "  setting: "+f+":8:5 protocol.nbl_pool.context_size\n")
	require.Equal(t, 8, line)

	var log struct {
		Runs []struct {
			Results []struct {
				RuleID    string `json:"ruleId"`
				Locations []struct {
					Physical struct {
						Artifact struct {
							URI string `json:"uri"`
						} `json:"artifactLocation"`
						Region struct {
							StartLine   int `json:"startLine"`
							StartColumn int `json:"startColumn"`
						} `json:"region"`
					} `json:"physicalLocation"`
				} `json:"locations"`
			} `json:"results"`
		} `json:"runs"`
	}
	data, err := os.ReadFile(sarif)
	require.NoError(t, err)
	require.NoError(t, json.Unmarshal(data, &log))
	res := log.Runs[0].Results
	require.Len(t, res, 1)
	require.Equal(t, "PoolContextAlignment", res[0].RuleID)
	loc := res[0].Locations[0].Physical
	require.True(t, strings.HasSuffix(loc.Artifact.URI, "/ctx12.yaml"), loc.Artifact.URI)
	require.Equal(t, line, loc.Region.StartLine)
	require.Equal(t, 5, loc.Region.StartColumn)

	// A built-in Go design has no file: no location.
	code, _, _ = ndissim(t, "check", "--design", "broken-context-12", "--runs", "10", "--sarif", sarif, "--out", dir)
	require.Equal(t, exitFindings, code)
	data, err = os.ReadFile(sarif)
	require.NoError(t, err)
	var goLog struct {
		Runs []struct {
			Results []struct {
				Locations []any `json:"locations"`
			} `json:"results"`
		} `json:"runs"`
	}
	require.NoError(t, json.Unmarshal(data, &goLog))
	require.Empty(t, goLog.Runs[0].Results[0].Locations)
}

// The JUnit file is valid against the Jenkins XSD.
func TestJUnitFileValidatesWithXmllint(t *testing.T) {
	xmllint, err := exec.LookPath("xmllint")
	if err != nil {
		t.Skip("xmllint not found: apt-get install -y libxml2-utils to validate JUnit XML against its XSD")
	}
	dir := t.TempDir()
	f := writeFile(t, "rules.yaml", rulesDesign)
	junit := filepath.Join(dir, "r.xml")
	code, _, errs := ndissim(t, "check", f, "--design", "broken-context-12", "--runs", "20", "--junit", junit, "--out", dir)
	require.Equal(t, exitFindings, code, errs)
	out, err := exec.Command(xmllint, "--noout", "--schema", "../../internal/report/testdata/jenkins-junit.xsd", junit).CombinedOutput()
	require.NoError(t, err, "%s", out)
}

// chromium finds a Chromium or Chrome binary, or skips the test.
func chromium(t *testing.T) string {
	t.Helper()
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome", "google-chrome-stable"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	t.Skip("no chromium, chromium-browser or google-chrome on PATH: apt-get install -y chromium to open the HTML report")
	return ""
}

// The HTML file opens in headless Chromium, which builds the verdict, the
// silenced rule and a diagram row per trace line.
func TestHTMLFileOpensInChromium(t *testing.T) {
	bin := chromium(t)
	dir := t.TempDir()
	f := writeFile(t, "rules.yaml", rulesDesign)
	page := filepath.Join(dir, "r.html")
	code, _, errs := ndissim(t, "check", f, "--runs", "20", "--html", page, "--out", dir)
	require.Equal(t, exitFindings, code, errs)
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, bin, "--headless", "--disable-gpu", "--no-sandbox", "--no-first-run",
		"--user-data-dir="+t.TempDir(), "--dump-dom", "file://"+page)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	dom, err := cmd.Output()
	require.NoError(t, err, stderr.String())
	require.Contains(t, string(dom), `id="verdict">FAIL<`)
	require.Contains(t, string(dom), `<tr class="silenced-rule"><td><code>SendContextShortfall</code>`)
	require.Contains(t, string(dom), `data-rule="SendBackfillShortfall"`)
}

// replay --format mermaid prints the replayed run as a Mermaid sequence
// diagram, what replay says as comments; --markdown fences it.
func TestReplayAsMermaid(t *testing.T) {
	dir := t.TempDir()
	f := writeFile(t, "short.yaml", shortDesign)
	trace := firstTrace(t, f, dir)
	code, out, errs := ndissim(t, "replay", trace, f, "--format", "mermaid")
	require.Equal(t, exitFindings, code, errs)
	require.True(t, strings.HasPrefix(out, "sequenceDiagram\n    %% replay of "+trace), out)
	require.Contains(t, out, "\n    %% reproduced: ")
	require.Contains(t, out, "\n    participant Protocol\n")
	require.Contains(t, out, "\n    Protocol->>NDIS: NdisSendNetBufferLists NBL ")

	code, md, _ := ndissim(t, "replay", trace, f, "--format", "mermaid", "--markdown")
	require.Equal(t, exitFindings, code)
	require.Equal(t, "```mermaid\n"+out+"```\n", md)

	for _, flags := range [][]string{{"--format", "svg"}, {"--markdown"}} {
		code, _, errs = ndissim(t, append([]string{"replay", trace, f}, flags...)...)
		require.Equal(t, exitInput, code, flags)
		require.Contains(t, errs, "expected", flags)
	}
}

// diagram --markdown fences the diagram for a Markdown file.
func TestDiagramMarkdown(t *testing.T) {
	_, plain, _ := ndissim(t, "diagram")
	code, md, _ := ndissim(t, "diagram", "--markdown")
	require.Equal(t, exitOK, code)
	require.Equal(t, "```mermaid\n"+plain+"```\n", md)
	_, dot, _ := ndissim(t, "diagram", "--format", "dot", "--markdown")
	require.True(t, strings.HasPrefix(dot, "```dot\ndigraph"), dot)
}

// designs --json lists what the table lists.
func TestDesignsJSON(t *testing.T) {
	code, out, errs := ndissim(t, "designs", "--json")
	require.Equal(t, exitOK, code, errs)
	var ds []struct {
		Name, Kind, Breaks, Summary string
	}
	require.NoError(t, json.Unmarshal([]byte(out), &ds))
	_, table, _ := ndissim(t, "designs")
	require.Len(t, ds, strings.Count(table, "\n")-1)
	require.Equal(t, "default", ds[0].Name)
	byName := map[string]string{}
	for _, d := range ds {
		byName[d.Name] = d.Breaks
		require.NotEmpty(t, d.Summary)
	}
	require.Equal(t, "PoolContextAlignment", byName["broken-context-12"])
	require.Contains(t, out, "e1000 < qos", "no HTML escapes")
}

// A rule broken at bind, before the run draws any choice, still gets a
// trace file (of an empty stream) and a replay command that reproduces it.
func TestFindingAtBindSavesAReplayableTrace(t *testing.T) {
	dir := t.TempDir()
	code, out, _ := ndissim(t, "check", "--design", "broken-context-12", "--runs", "5", "--out", dir)
	require.Equal(t, exitFindings, code)
	trace := filepath.Join(dir, "broken-context-12-1-PoolContextAlignment.trace")
	require.Contains(t, out, "replay: ndissim replay "+trace)
	code, out, errs := ndissim(t, "replay", trace)
	require.Equal(t, exitFindings, code, errs)
	require.Contains(t, out, "reproduced: PoolContextAlignment (error) in Opening at step 1")
}
