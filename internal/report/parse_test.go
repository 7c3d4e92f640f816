package report

import (
	"errors"
	"strings"
	"testing"

	"github.com/ndissim/ndissim/sim"
)

// What JSON prints, ParseJSON reads back to the same JSON: what merge needs
// of a shard's report is all there.
func TestParseJSONRoundTrips(t *testing.T) {
	shard := failing(t)
	shard.Tool.Engine = sim.Version
	shard.Shard = &sim.ShardInfo{Index: 1, Count: 2, Build: "b", Runs: 10, FirstSeed: 6, Seeds: 5,
		Designs: []sim.ShardDesign{{Origin: "designs/free-order.yaml", Hash: "h"}}}
	shard.Checks[0].Findings[0].Unshrunk = true
	shard.Checks[0].Findings[1].TraceError = "disk full"
	interrupted := Report{Checks: []Check{{Design: "d", Interrupted: true}}, NotRun: []string{"go:ndisprot"}}
	for name, r := range map[string]Report{"failing": failing(t), "controlled": controlled(t), "shard": shard, "interrupted": interrupted} {
		want := JSON(r)
		back, err := ParseJSON(want)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if got := JSON(back); string(got) != string(want) {
			t.Errorf("%s: the report read back prints otherwise:\n%s\nwant\n%s", name, got, want)
		}
	}
}

func TestParseJSONRefuses(t *testing.T) {
	good := string(JSON(failing(t)))
	for name, c := range map[string]struct{ doc, want string }{
		"empty":       {"", "the file is empty"},
		"yaml":        {"version: 1\n", "line 1: invalid character"},
		"unknown":     {strings.Replace(good, `"seed"`, `"colour": 1, "seed"`, 1), `unknown field "colour"`},
		"two":         {good + good, "more after the report"},
		"version 2":   {strings.Replace(good, `"schema_version": 1`, `"schema_version": 2`, 1), "schema_version 2; expected 1"},
		"input error": {string(JSON(inputError())), "the report of an input error"},
	} {
		_, err := ParseJSON([]byte(c.doc))
		var pe *ParseError
		if !errors.As(err, &pe) || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: got %v, want a *ParseError saying %q", name, err, c.want)
		}
	}
}

// ToSim undoes FromSim.
func TestToSimUndoesFromSim(t *testing.T) {
	in := simFreeOrder(t)
	in.Findings[0].Unshrunk, in.Findings[1].TraceError = true, "disk full"
	out := ToSim(FromSim(in))
	if len(out.Findings) != 2 || out.Findings[0].Severity != "warning" || !out.Findings[0].Unshrunk ||
		out.Findings[1].TraceError != "disk full" || len(out.Findings[1].Lines) == 0 || out.Name != in.Name {
		t.Fatalf("ToSim(FromSim(r)) lost something: %+v", out)
	}
}

// A check interrupted before some designs is at best interrupted.
func TestNotRunIsInterrupted(t *testing.T) {
	r := Report{Checks: []Check{FromSim(simClean())}, NotRun: []string{"go:ndisprot"}}
	if got := FirstLine(r); got != "interrupted" {
		t.Fatalf("FirstLine = %q, want interrupted", got)
	}
}

// Designs not run show in the HTML page and as SARIF notifications.
func TestNotRunShows(t *testing.T) {
	r := Report{Checks: []Check{FromSim(simClean())}, NotRun: []string{"go:ndisprot"}}
	if page := string(HTML(r)); !strings.Contains(page, `id="not-run"`) || !strings.Contains(page, "<code>go:ndisprot</code>") {
		t.Errorf("the HTML page does not list the design not run")
	}
	if log := string(SARIF(r)); !strings.Contains(log, "go:ndisprot: not run") || !strings.Contains(log, `"verdict": "interrupted"`) {
		t.Errorf("the SARIF log does not say the design was not run:\n%s", log)
	}
}
