package report

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"

	"github.com/ndissim/ndissim/fsm"
	"github.com/ndissim/ndissim/rule"
	"github.com/ndissim/ndissim/sim"
)

// someCoverage is the coverage of runs that bound, wrote, sent and
// received, paused and unbound, but never failed an allocation nor made
// an OID request.
func someCoverage() *sim.Coverage {
	c := sim.NewCoverage()
	for _, m := range []struct {
		s fsm.State
		m sim.Move
	}{
		{fsm.Unbound, sim.Move{Kind: sim.MoveBind}}, {fsm.Running, sim.Move{Kind: sim.MoveWrite}},
		{fsm.Running, sim.Move{Kind: sim.MoveCompleteSend, OK: true}}, {fsm.Running, sim.Move{Kind: sim.MoveIndicate}},
		{fsm.Running, sim.Move{Kind: sim.MovePause}}, {fsm.Paused, sim.Move{Kind: sim.MoveUnbind}},
	} {
		c.Move(m.s, m.m)
	}
	return c
}

// covered is failing with the clean design's coverage recorded, and
// --coverage-goal's outcome.
func covered(t *testing.T) Report {
	r := failing(t)
	r.Checks[2].Coverage = someCoverage()
	r.Checks[2].Goal = &sim.CoverageGoal{MaxRuns: 10000, Reached: false}
	return r
}

func TestCoverageInJSON(t *testing.T) {
	data := JSON(covered(t))
	validate(t, compileSchema(t, reportSchema), data)
	var got struct {
		Designs []struct {
			Coverage *struct {
				PairsSeen     int                            `json:"pairs_seen"`
				PairsPossible int                            `json:"pairs_possible"`
				Missed        []struct{ State, Move string } `json:"missed_pairs"`
				Rules         []struct {
					Rule  string
					Armed bool
				}
			}
			Goal *struct {
				MaxRuns int `json:"max_runs"`
				Reached bool
			} `json:"coverage_goal"`
		}
	}
	if err := json.Unmarshal(data, &got); err != nil {
		t.Fatal(err)
	}
	if got.Designs[0].Coverage != nil || got.Designs[0].Goal != nil {
		t.Error("a check without coverage shows one")
	}
	c := got.Designs[2].Coverage
	if c == nil || c.PairsSeen != 6 || c.PairsPossible != 6+len(c.Missed) || len(c.Rules) != len(rule.Catalogue) {
		t.Fatalf("coverage %+v", c)
	}
	for _, r := range c.Rules {
		if r.Rule == string(rule.AllocationFailureIgnored) && r.Armed || r.Rule == string(rule.PauseWithOutstanding) && r.Armed {
			t.Errorf("%s armed", r.Rule)
		}
		if r.Rule == string(rule.DoubleFree) && !r.Armed {
			t.Errorf("%s not armed", r.Rule)
		}
	}
	if g := got.Designs[2].Goal; g == nil || g.MaxRuns != 10000 || g.Reached {
		t.Errorf("goal %+v", g)
	}
	back, err := ParseJSON(data)
	if err != nil {
		t.Fatal(err)
	}
	if string(JSON(back)) != string(data) {
		t.Error("the coverage does not read back")
	}
}

// The schema refuses a coverage that names what is not a state or a move.
func TestSchemaRefusesABadCoverage(t *testing.T) {
	s := compileSchema(t, reportSchema)
	good := JSON(covered(t))
	for name, edit := range map[string]func(c map[string]any){
		"unknown move":  func(c map[string]any) { c["pairs"].([]any)[0].(map[string]any)["move"] = "dance" },
		"unknown state": func(c map[string]any) { c["missed_pairs"].([]any)[0].(map[string]any)["state"] = "Dozing" },
		"no rules":      func(c map[string]any) { delete(c, "rules") },
		"extra field":   func(c map[string]any) { c["colour"] = "red" },
	} {
		var m map[string]any
		if err := json.Unmarshal(good, &m); err != nil {
			t.Fatal(err)
		}
		edit(m["designs"].([]any)[2].(map[string]any)["coverage"].(map[string]any))
		data, _ := json.Marshal(m)
		doc, _ := jsonschema.UnmarshalJSON(bytes.NewReader(data))
		if s.Validate(doc) == nil {
			t.Errorf("%s: validates", name)
		}
	}
}

func TestCoverageInHTML(t *testing.T) {
	page := string(HTML(covered(t)))
	for _, want := range []string{`<b>Coverage</b>: 6/`, `<table class="never-armed">`,
		`<tr class="never"><td><code>AllocationFailureIgnored</code></td><td>an allocation failure</td></tr>`,
		`<td class="missed" title="complete-oid in Running: possible, never exercised">✗</td>`,
		`<td class="seen" title="bind in Unbound: exercised">✓</td>`, "<b>not reached</b> within 10000 runs"} {
		if !strings.Contains(page, want) {
			t.Errorf("the page lacks %q", want)
		}
	}
	if strings.Count(page, `<div class="coverage">`) != 1 {
		t.Error("a coverage shown for a check that has none")
	}
}

// A rule that neither broke nor was armed is skipped, not passed; one that
// was armed passes.
func TestJUnitSkipsRulesNeverArmed(t *testing.T) {
	s := readJUnit(t, JUnit(covered(t)))
	clean := s.Suites[2]
	cov := someCoverage()
	skipped := 0
	for _, c := range clean.Cases {
		if sim.ArmedBy(rule.Name(c.Name)) == 0 {
			continue // Determinism
		}
		armed := cov.Armed(rule.Name(c.Name))
		switch {
		case !armed && (c.Skipped == nil || !strings.Contains(*c.Skipped, "never armed in these runs")):
			t.Errorf("%s: never armed, not skipped", c.Name)
		case armed && c.Skipped != nil:
			t.Errorf("%s: armed, skipped: %s", c.Name, *c.Skipped)
		}
		if c.Skipped != nil {
			skipped++
		}
	}
	if skipped == 0 || clean.Skipped != skipped {
		t.Errorf("%d skipped, the suite says %d", skipped, clean.Skipped)
	}
	if s.Suites[0].Skipped != 0 {
		t.Errorf("a suite without coverage skips %d", s.Suites[0].Skipped)
	}
}

func TestCoverageInSARIF(t *testing.T) {
	if !strings.Contains(string(SARIF(covered(t))), `default: coverage: 6/`) {
		t.Error("no coverage note")
	}
}
