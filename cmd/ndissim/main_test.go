package main

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/ndissim/ndissim/rule"
)

// ndissim runs one command line in-process and returns its exit code,
// stdout and stderr.
func ndissim(t *testing.T, args ...string) (int, string, string) {
	t.Helper()
	var out, errb bytes.Buffer
	code := run(context.Background(), args, &out, &errb)
	return code, out.String(), errb.String()
}

func writeFile(t *testing.T, name, body string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	require.NoError(t, os.WriteFile(p, []byte(body), 0o644))
	return p
}

const shortDesign = `version: 1
name: short
stack:
  miniport: {name: nic}
  filters:
    - {name: qos, data_backfill: 32, context_backfill: 16}
  changes:
    - insert: {name: vpn, data_backfill: 64, context_backfill: 16}
protocol:
  sizing: pool
  rebuild: never
`

func TestCheckDefaultPasses(t *testing.T) {
	code, out, _ := ndissim(t, "check", "--runs", "200", "--strict", "--out", t.TempDir())
	require.Equal(t, exitOK, code, out)
	require.Contains(t, out, "pass: default (")
}

func TestCheckJSONIsIdenticalForAnyWorkerCount(t *testing.T) {
	dir := t.TempDir()
	f := writeFile(t, "short.yaml", shortDesign)
	var outs []string
	for _, w := range []string{"1", "2"} {
		code, out, _ := ndissim(t, "check", f, "--json", "--strict", "--runs", "300", "--workers", w, "--out", dir)
		require.Equal(t, exitFindings, code)
		outs = append(outs, out)
	}
	require.Equal(t, outs[0], outs[1])

	var rep jsonReport
	require.NoError(t, json.Unmarshal([]byte(outs[0]), &rep))
	require.Len(t, rep.Designs, 1)
	d := rep.Designs[0]
	require.Equal(t, "short", d.Name)
	require.Equal(t, f, d.File)
	require.NotEmpty(t, d.Findings)
	for _, fr := range d.Findings {
		require.Equal(t, "warning", fr.Severity)
		require.FileExists(t, fr.Trace)
	}
}

func TestWarningsFailOnlyWithStrict(t *testing.T) {
	f := writeFile(t, "short.yaml", shortDesign)
	code, _, _ := ndissim(t, "check", f, "--runs", "50", "--out", t.TempDir())
	require.Equal(t, exitOK, code)
	code, _, _ = ndissim(t, "check", f, "--runs", "50", "--strict", "--out", t.TempDir())
	require.Equal(t, exitFindings, code)
}

func TestFoundTraceReplaysToTheSameFinding(t *testing.T) {
	dir := t.TempDir()
	f := writeFile(t, "short.yaml", shortDesign)
	code, out, _ := ndissim(t, "check", f, "--json", "--strict", "--runs", "50", "--out", dir)
	require.Equal(t, exitFindings, code)
	var rep jsonReport
	require.NoError(t, json.Unmarshal([]byte(out), &rep))
	fr := rep.Designs[0].Findings[0]
	// The design file is outside the trace's directory: replay is told it.
	require.Equal(t, "ndissim replay "+fr.Trace+" "+f, fr.Replay)

	code, out, _ = ndissim(t, "replay", fr.Trace, f)
	require.Equal(t, exitFindings, code, out)
	require.Contains(t, out, "reproduced: "+string(fr.Rule))

	// The design is fixed: replay says so, and that the rest needs a check.
	require.NoError(t, os.WriteFile(f, []byte(strings.Replace(shortDesign, "rebuild: never", "rebuild: when-grown", 1)), 0o644))
	code, out, _ = ndissim(t, "replay", fr.Trace, f)
	require.Equal(t, exitOK, code, out)
	require.Contains(t, out, "the design has changed since this trace was recorded")
	require.Contains(t, out, "fixed on these moves")
	require.Contains(t, out, "run check again for the rest")
}

func TestReplayRefusesAnEditedTrace(t *testing.T) {
	p := writeFile(t, "x.trace", "# ndissim trace v3\nversion: 0.3.0\ndesign: \"d\"\norigin: \"\"\nhash: h\nseed: 1\nrule: NoSuchRule\n")
	code, _, errs := ndissim(t, "replay", p)
	require.Equal(t, exitInput, code)
	require.Contains(t, errs, "x.trace:7")
	require.Contains(t, errs, "not a rule")
}

func TestRunPrintsAWholeTrace(t *testing.T) {
	f := writeFile(t, "short.yaml", shortDesign)
	code, out, _ := ndissim(t, "run", f, "--seed", "4", "--steps", "30")
	require.Equal(t, exitOK, code)
	require.Contains(t, out, "# short, seed 4, 30 steps")
	require.Contains(t, out, "ProtocolBindAdapterEx")
	require.Contains(t, out, "state Unbound", "every run ends unbound")
	code2, out2, _ := ndissim(t, "run", f, "--seed", "4", "--steps", "30")
	require.Equal(t, code, code2)
	require.Equal(t, out, out2)
}

func TestBadInputExitsTwoAndNamesTheLine(t *testing.T) {
	bad := writeFile(t, "bad.yaml", strings.Replace(shortDesign, "sizing: pool", "sizing: pools", 1))
	for _, args := range [][]string{{"check", bad}, {"validate", bad}, {"run", bad}} {
		code, _, errs := ndissim(t, args...)
		require.Equal(t, exitInput, code, args)
		require.Contains(t, errs, "bad.yaml:10")
		require.Contains(t, errs, "protocol.sizing")
	}
	code, _, errs := ndissim(t, "check", "--runs", "x")
	require.Equal(t, exitInput, code)
	require.Contains(t, errs, "--runs")
	code, _, _ = ndissim(t, "check", "--nope")
	require.Equal(t, exitInput, code)
	code, _, _ = ndissim(t, "nope")
	require.Equal(t, exitInput, code)
	code, _, errs = ndissim(t, "check", "--design", "no-such-design")
	require.Equal(t, exitInput, code)
	require.Contains(t, errs, "ndisprot")
	code, _, _ = ndissim(t, "diagram", "--format", "svg")
	require.Equal(t, exitInput, code)
}

func TestValidate(t *testing.T) {
	f := writeFile(t, "short.yaml", shortDesign)
	code, out, _ := ndissim(t, "validate", f)
	require.Equal(t, exitOK, code)
	require.Contains(t, out, "ok: design short")
}

func TestRulesListsTheCatalogue(t *testing.T) {
	code, out, _ := ndissim(t, "rules")
	require.Equal(t, exitOK, code)
	for _, r := range rule.Catalogue {
		require.Contains(t, out, string(r.Name))
	}
}

func TestDiagram(t *testing.T) {
	code, out, _ := ndissim(t, "diagram")
	require.Equal(t, exitOK, code)
	require.Contains(t, out, "stateDiagram")
	code, out, _ = ndissim(t, "diagram", "--format", "dot")
	require.Equal(t, exitOK, code)
	require.Contains(t, out, "digraph")
}

func TestDesignsListsBuiltIns(t *testing.T) {
	code, out, _ := ndissim(t, "designs")
	require.Equal(t, exitOK, code)
	require.Contains(t, out, "default")
	require.Contains(t, out, "ndisprot")
}

func TestCheckAGoDesignByName(t *testing.T) {
	code, out, _ := ndissim(t, "check", "--design", "ndisprot", "--runs", "100", "--out", t.TempDir())
	require.Equal(t, exitOK, code, out)
	require.Contains(t, out, "SendBackfillShortfall (warning)")
}
