package report

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"

	"github.com/ndissim/ndissim/sim"
)

// compileSchema loads a JSON Schema file; its own $schema picks the draft.
func compileSchema(t *testing.T, path string) *jsonschema.Schema {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	doc, err := jsonschema.UnmarshalJSON(f)
	if err != nil {
		t.Fatal(err)
	}
	c := jsonschema.NewCompiler()
	url := "file:///" + filepath.Base(path)
	if err := c.AddResource(url, doc); err != nil {
		t.Fatal(err)
	}
	s, err := c.Compile(url)
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	return s
}

func validate(t *testing.T, s *jsonschema.Schema, data []byte) {
	t.Helper()
	doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Validate(doc); err != nil {
		t.Fatalf("does not validate: %v\n%s", err, data)
	}
}

const reportSchema = "../../docs/report.schema.json"

func TestJSONValidates(t *testing.T) {
	s := compileSchema(t, reportSchema)
	for name, r := range map[string]Report{
		"failing": failing(t), "controlled": controlled(t), "error": inputError(),
		"empty": {}, "interrupted": {Checks: []Check{{Design: "d", Interrupted: true}}},
		"not run": {NotRun: []string{"go:ndisprot"}, Tool: Tool{Engine: sim.Version}},
		"shard": {Shard: &sim.ShardInfo{Index: 0, Count: 2, Runs: 4, FirstSeed: 1, Seeds: 2,
			Designs: []sim.ShardDesign{{Origin: "a.yaml", Hash: "h"}}}, Checks: controlled(t).Checks},
	} {
		t.Run(name, func(t *testing.T) { validate(t, s, JSON(r)) })
	}
}

// The schema must refuse what the report must never hold, or validating
// against it proves nothing.
func TestSchemaRefuses(t *testing.T) {
	s := compileSchema(t, reportSchema)
	good := JSON(failing(t))
	for name, edit := range map[string]func(m map[string]any){
		"version 2":       func(m map[string]any) { m["schema_version"] = 2 },
		"unknown verdict": func(m map[string]any) { m["verdict"] = "ok" },
		"extra field":     func(m map[string]any) { m["colour"] = "red" },
		"bad severity": func(m map[string]any) {
			m["designs"].([]any)[0].(map[string]any)["findings"].([]any)[0].(map[string]any)["severity"] = "fatal"
		},
		"error and designs": func(m map[string]any) { m["error"] = map[string]any{"message": "x"} },
	} {
		var m map[string]any
		if err := json.Unmarshal(good, &m); err != nil {
			t.Fatal(err)
		}
		edit(m)
		data, _ := json.Marshal(m)
		doc, _ := jsonschema.UnmarshalJSON(bytes.NewReader(data))
		if s.Validate(doc) == nil {
			t.Errorf("%s: validates", name)
		}
	}
}

func TestJSONContent(t *testing.T) {
	var got struct {
		SchemaVersion int    `json:"schema_version"`
		Verdict       string `json:"verdict"`
		Headline      string `json:"headline"`
		Summary       struct{ Errors, Warnings, Failing, Silenced int }
		Designs       []struct {
			Verdict       string
			SilencedRules []struct{ Rule, Reason, By string } `json:"silenced_rules"`
			RaisedRules   []string                            `json:"raised_rules"`
			Findings      []struct {
				Rule, Severity, Page string
				RuleSeverity         string `json:"rule_severity"`
				Counts               bool
				Silenced             *struct{ Reason, By string }
				Basis                struct{ Kind, Word string }
				Location             *struct {
					File         string
					Line, Column int
				}
				TraceLines []string `json:"trace_lines"`
			}
		}
	}
	if err := json.Unmarshal(JSON(controlled(t)), &got); err != nil {
		t.Fatal(err)
	}
	if got.SchemaVersion != 1 || got.Verdict != "fail" || got.Headline != "FAIL" {
		t.Errorf("version %d, verdict %q, headline %q", got.SchemaVersion, got.Verdict, got.Headline)
	}
	// free-order: FreeOrderNbBeforeNbl silenced, PoolFreedWithOutstanding
	// counts; no-context-backfill: a warning. Raising SendContextShortfall
	// is the first design's, so the second's stays a warning.
	if s := got.Summary; s.Errors != 1 || s.Warnings != 1 || s.Failing != 1 || s.Silenced != 1 {
		t.Errorf("summary %+v", s)
	}
	d := got.Designs[0]
	f0, f1 := d.Findings[0], d.Findings[1]
	if f0.Silenced == nil || f0.Silenced.By != "rules" || f0.Counts || !strings.Contains(f0.Silenced.Reason, "DESIGN.md") {
		t.Errorf("silenced finding: %+v", f0)
	}
	if f1.Rule != "PoolFreedWithOutstanding" || !f1.Counts || f1.Basis.Kind != "must" || f1.Basis.Word != "must" ||
		!strings.HasPrefix(f1.Page, "https://learn.microsoft.com/") || len(f1.TraceLines) == 0 {
		t.Errorf("counted finding: %+v", f1)
	}
	if f1.Location == nil || f1.Location.File != "designs/free-order.yaml" || f1.Location.Line != 14 {
		t.Errorf("location %+v", f1.Location)
	}
	var rules []string
	for _, s := range d.SilencedRules {
		rules = append(rules, s.Rule+"/"+s.By)
	}
	if strings.Join(rules, " ") != "PoolChangedWhileActive/--disable FreeOrderNbBeforeNbl/rules" {
		t.Errorf("silenced rules %v", rules)
	}
	if strings.Join(d.RaisedRules, " ") != "SendContextShortfall" {
		t.Errorf("raised %v", d.RaisedRules)
	}
	if got.Designs[1].Verdict != "pass with warnings" || got.Designs[2].Verdict != "pass" {
		t.Errorf("verdicts %q %q", got.Designs[1].Verdict, got.Designs[2].Verdict)
	}
}

func TestJSONError(t *testing.T) {
	got := string(JSON(inputError()))
	want := `{
  "schema_version": 1,
  "tool": {
    "name": "ndissim",
    "version": "` + sim.Version + `"
  },
  "error": {
    "message": "12 is not a multiple of MEMORY_ALLOCATION_ALIGNMENT (16)",
    "file": "designs/my.yaml",
    "line": 12,
    "column": 19,
    "field": "protocol.pools[0].context_size"
  }
}
`
	if got != want {
		t.Errorf("got\n%s", got)
	}
}

func TestJSONDeterministic(t *testing.T) {
	a, b := JSON(controlled(t)), JSON(controlled(t))
	if !bytes.Equal(a, b) {
		t.Error("two renderings differ")
	}
}
