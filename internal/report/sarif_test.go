package report

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/ndissim/ndissim/rule"
	"github.com/ndissim/ndissim/sim"
)

// testdata/sarif-2.1.0-rtm.5.json is the SARIF 2.1.0 schema as the npm
// package @microsoft/jest-sarif ships it (see testdata/README.md).
const sarifSchemaFile = "testdata/sarif-2.1.0-rtm.5.json"

func TestSARIFValidates(t *testing.T) {
	s := compileSchema(t, sarifSchemaFile)
	for name, r := range map[string]Report{
		"failing": failing(t), "controlled": controlled(t), "error": inputError(), "empty": {},
		"odd": {Checks: []Check{{Design: "d", File: "/abs/d.yaml", Interrupted: true, Nondeterm: []uint64{3},
			Findings: []Finding{{Rule: "NotARule", Severity: rule.Error, Message: "m", Lines: []string{"x"}}}}}},
	} {
		t.Run(name, func(t *testing.T) { validate(t, s, SARIF(r)) })
	}
}

// sarifDoc is what the tests read back of a log.
type sarifDoc struct {
	Version string
	Runs    []struct {
		Tool struct {
			Driver struct {
				Name, Version  string
				InformationURI string `json:"informationUri"`
				Rules          []struct {
					ID         string
					HelpURI    string                 `json:"helpUri"`
					Default    struct{ Level string } `json:"defaultConfiguration"`
					Properties struct {
						Severity string
						Basis    struct{ Kind, Word string }
					}
				}
			}
		}
		Invocations []struct {
			ExecutionSuccessful bool `json:"executionSuccessful"`
			Notes               []struct {
				Level   string
				Message struct{ Text string }
			} `json:"toolExecutionNotifications"`
		}
		Results []struct {
			RuleID    string `json:"ruleId"`
			RuleIndex *int   `json:"ruleIndex"`
			Level     string
			Message   struct{ Text string }
			Locations []struct {
				Physical struct {
					Artifact struct {
						URI       string `json:"uri"`
						URIBaseID string `json:"uriBaseId"`
					} `json:"artifactLocation"`
					Region struct{ StartLine, StartColumn int }
				} `json:"physicalLocation"`
			}
			Fingerprints map[string]string `json:"partialFingerprints"`
			CodeFlows    []struct {
				ThreadFlows []struct {
					Locations []struct {
						Location struct {
							Message struct{ Text string }
						}
						State      map[string]struct{ Text string }
						Importance string
					}
				}
			}
			Suppressions []struct{ Kind, Justification string }
		}
	}
}

func readSARIF(t *testing.T, data []byte) sarifDoc {
	t.Helper()
	var d sarifDoc
	if err := json.Unmarshal(data, &d); err != nil {
		t.Fatal(err)
	}
	if d.Version != "2.1.0" || len(d.Runs) != 1 {
		t.Fatalf("version %q, %d runs", d.Version, len(d.Runs))
	}
	return d
}

func TestSARIFContent(t *testing.T) {
	d := readSARIF(t, SARIF(controlled(t)))
	run := d.Runs[0]
	drv := run.Tool.Driver
	if drv.Name != "ndissim" || drv.Version != sim.Version || drv.InformationURI == "" || len(drv.Rules) != len(rule.Catalogue) {
		t.Errorf("driver %s %s %s, %d rules", drv.Name, drv.Version, drv.InformationURI, len(drv.Rules))
	}
	for i, r := range drv.Rules {
		m := lookup(rule.Name(r.ID))
		if r.ID != string(rule.Catalogue[i].Name) || r.HelpURI != m.Page || (m.Page != "" && !strings.HasPrefix(r.HelpURI, "https://learn.microsoft.com/")) ||
			r.Default.Level != m.Severity.String() || r.Properties.Basis.Kind != m.Kind {
			t.Errorf("rule %d: %+v", i, r)
		}
	}
	if len(run.Results) != 3 {
		t.Fatalf("%d results", len(run.Results))
	}
	silenced, counted, builtin := run.Results[0], run.Results[1], run.Results[2]
	if silenced.Level != "note" || len(silenced.Suppressions) != 1 || silenced.Suppressions[0].Kind != "inSource" ||
		!strings.Contains(silenced.Suppressions[0].Justification, "DESIGN.md") {
		t.Errorf("silenced: %+v", silenced)
	}
	if counted.RuleID != "PoolFreedWithOutstanding" || counted.Level != "error" ||
		*counted.RuleIndex != catalogueIndex(rule.PoolFreedWithOutstanding) {
		t.Errorf("counted: %s %s", counted.RuleID, counted.Level)
	}
	loc := counted.Locations[0].Physical
	if loc.Artifact.URI != "designs/free-order.yaml" || loc.Artifact.URIBaseID != "%SRCROOT%" ||
		loc.Region.StartLine != 14 || loc.Region.StartColumn != 7 {
		t.Errorf("location %+v", loc)
	}
	if r := silenced.Locations[0].Physical.Region; r.StartLine != 1 || r.StartColumn != 0 {
		t.Errorf("no Location: the design as a whole, line 1; got %+v", r)
	}
	if len(builtin.Locations) != 0 || builtin.Level != "warning" {
		t.Errorf("a built-in design has no file: %+v", builtin)
	}
	for _, want := range []string{"NBL pool 2 freed with 1 NBL(s)", "Design broken-free-order, seed 1, step 6, in Closing",
		"must: NdisFreeNetBufferListPool page", "Replay: ndissim replay ndissim-traces/broken-free-order-1-PoolFreedWithOutstanding.trace"} {
		if !strings.Contains(counted.Message.Text, want) {
			t.Errorf("message %q lacks %q", counted.Message.Text, want)
		}
	}
	flow := counted.CodeFlows[0].ThreadFlows[0].Locations
	if len(flow) != len(controlled(t).Checks[0].Findings[1].Lines) {
		t.Errorf("%d flow locations", len(flow))
	}
	last := flow[len(flow)-1]
	if last.Importance != "essential" || last.State["state"].Text != "Closing" || last.State["pools"].Text != "1" ||
		!strings.HasPrefix(last.Location.Message.Text, "6 NDIS: finding PoolFreedWithOutstanding") {
		t.Errorf("last flow location %+v", last)
	}
}

func TestSARIFFingerprints(t *testing.T) {
	a := readSARIF(t, SARIF(failing(t))).Runs[0].Results[1]
	// Another seed: other object numbers, the same problem.
	r := failing(t)
	f := &r.Checks[0].Findings[1]
	f.Seed, f.Message = 907, "NBL pool 7 freed with 3 NBL(s) still allocated from it (NBL 12)"
	b := readSARIF(t, SARIF(r)).Runs[0].Results[1]
	if a.Fingerprints[fingerprintKey] == "" || a.Fingerprints[fingerprintKey] != b.Fingerprints[fingerprintKey] {
		t.Errorf("fingerprints differ across seeds: %v %v", a.Fingerprints, b.Fingerprints)
	}
	if Fingerprint(rule.DoubleFree, "a", "m") == Fingerprint(rule.DoubleFree, "b", "m") ||
		Fingerprint(rule.DoubleFree, "a", "m") == Fingerprint(rule.UseAfterFree, "a", "m") ||
		Fingerprint(rule.DoubleFree, "a", "NBL freed") == Fingerprint(rule.DoubleFree, "a", "NB freed") {
		t.Error("fingerprints collide")
	}
}

func TestSARIFError(t *testing.T) {
	d := readSARIF(t, SARIF(inputError()))
	inv := d.Runs[0].Invocations[0]
	if inv.ExecutionSuccessful || len(inv.Notes) != 1 || inv.Notes[0].Level != "error" ||
		!strings.HasPrefix(inv.Notes[0].Message.Text, "designs/my.yaml:12:19: protocol.pools[0].context_size:") {
		t.Errorf("%+v", inv)
	}
	if len(d.Runs[0].Results) != 0 {
		t.Error("results in an error log")
	}
}

func TestArtifactURI(t *testing.T) {
	for _, c := range []struct{ root, file, want string }{
		{"", "designs/a.yaml", "designs/a.yaml"},
		{".", "./designs/a.yaml", "designs/a.yaml"},
		{"/repo", "/repo/drivers/my proto.yaml", "drivers/my%20proto.yaml"},
		{"/repo", "/elsewhere/a.yaml", "/elsewhere/a.yaml"},
		{"repo", "repo/x/a.yaml", "x/a.yaml"},
	} {
		if got := artifactURI(c.root, c.file); got != c.want {
			t.Errorf("artifactURI(%q, %q) = %q, want %q", c.root, c.file, got, c.want)
		}
	}
}
