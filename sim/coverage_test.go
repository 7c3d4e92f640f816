package sim_test

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/ndissim/ndissim/rule"
	"github.com/ndissim/ndissim/sim"
)

func TestEveryRuleHasAnArmingCondition(t *testing.T) {
	for _, r := range rule.Catalogue {
		if sim.ArmedBy(r.Name) == 0 {
			t.Errorf("%s has no entry in the armed-by table (coverage_table.go)", r.Name)
		}
	}
}

// A check whose workload never fails an allocation cannot arm
// AllocationFailureIgnored, and its coverage says so.
func TestCheckReportsAnUnarmedRule(t *testing.T) {
	d := demo(t)
	d.Workload.AllocationFailure = 0
	rep, err := sim.Check(context.Background(), d, sim.CheckOptions{Seed: 1, Runs: 200, Workers: 2})
	if err != nil {
		t.Fatal(err)
	}
	cov := rep.Coverage
	if cov.Armed(rule.AllocationFailureIgnored) {
		t.Fatal("AllocationFailureIgnored armed with no allocation failure")
	}
	if !cov.Armed(rule.PauseWithOutstanding) || !strings.Contains(cov.Text(), "never armed: AllocationFailureIgnored") {
		t.Fatalf("coverage:\n%s", cov.Text())
	}
	if len(cov.Pairs()) == 0 {
		t.Fatal("no (state, move) pair exercised")
	}
}

func TestCheckCoverageIsTheSameForAnyWorkers(t *testing.T) {
	d := demo(t)
	var texts []string
	for _, w := range []int{1, 2, 4} {
		rep, err := sim.Check(context.Background(), d, sim.CheckOptions{Seed: 3, Runs: 300, Workers: w})
		if err != nil {
			t.Fatal(err)
		}
		b, _ := rep.Coverage.MarshalJSON()
		texts = append(texts, rep.Coverage.Text()+string(b))
	}
	if texts[0] != texts[1] || texts[0] != texts[2] {
		t.Fatal("coverage differs by worker count")
	}
}

// The JSON of a coverage reads back to the same coverage, and a document
// whose parts disagree is refused.
func TestCoverageJSONReadsBack(t *testing.T) {
	rep, err := sim.Check(context.Background(), demo(t), sim.CheckOptions{Seed: 1, Runs: 50, Workers: 2})
	if err != nil {
		t.Fatal(err)
	}
	b, err := json.Marshal(rep.Coverage)
	if err != nil {
		t.Fatal(err)
	}
	var back sim.Coverage
	if err := json.Unmarshal(b, &back); err != nil {
		t.Fatal(err)
	}
	again, _ := json.Marshal(&back)
	if string(again) != string(b) || back.Summary() != rep.Coverage.Summary() {
		t.Fatalf("read back:\n%s\nwrote:\n%s", again, b)
	}
	bad := map[string]string{
		"impossible pair": strings.Replace(string(b), `"move":"bind"`, `"move":"pause"`, 1),
		"unknown move":    strings.Replace(string(b), `"move":"bind"`, `"move":"dance"`, 1),
		"wrong count":     strings.Replace(string(b), `"pairs_seen":`, `"pairs_seen":1`, 1),
		"unknown rule":    strings.Replace(string(b), `"rule":"DoubleFree"`, `"rule":"DoubleFee"`, 1),
		"armed by half":   strings.Replace(string(b), `{"rule":"DoubleFree","armed":true`, `{"rule":"DoubleFree","armed":false`, 1),
		"unknown field":   strings.Replace(string(b), `{"pairs_seen"`, `{"extra":1,"pairs_seen"`, 1),
	}
	for name, doc := range bad {
		if doc == string(b) {
			t.Fatalf("%s: the edit did not apply to %s", name, b)
		}
		if err := json.Unmarshal([]byte(doc), new(sim.Coverage)); err == nil {
			t.Errorf("%s: read without an error", name)
		}
	}
}

// The summary names every rule never armed, on one line.
func TestCoverageSummaryNamesTheRulesNeverArmed(t *testing.T) {
	d := demo(t)
	d.Workload.AllocationFailure = 0
	rep, err := sim.Check(context.Background(), d, sim.CheckOptions{Seed: 1, Runs: 100, Workers: 2})
	if err != nil {
		t.Fatal(err)
	}
	s := rep.Coverage.Summary()
	seen, possible, armed, rules := rep.Coverage.Counts()
	want := fmt.Sprintf("coverage: %d/%d (state, move) pairs; %d/%d rules armed\nrules never armed in these runs: ", seen, possible, armed, rules)
	if !strings.HasPrefix(s, want) || !strings.Contains(s, "AllocationFailureIgnored") || strings.Count(s, "\n") != 2 {
		t.Fatalf("summary:\n%s", s)
	}
}

// A shard report written without coverage leaves the merged report
// without one, rather than with the other shards' part of it.
func TestMergeWithoutACoverageHasNone(t *testing.T) {
	var shards []sim.ShardReport
	for i := range 2 {
		opt := sim.CheckOptions{Seed: 1, Runs: 40, Workers: 1, Shard: sim.Shard{Index: i, Count: 2}}
		run, err := sim.CheckDesigns(context.Background(), []sim.Design{demo(t)}, opt, sim.CheckHooks{})
		if err != nil {
			t.Fatal(err)
		}
		shards = append(shards, sim.ShardReport{File: fmt.Sprint(i), Report: run})
	}
	merged, err := sim.MergeShards(shards)
	if err != nil || merged.Designs[0].Coverage == nil {
		t.Fatalf("merged coverage missing: %v", err)
	}
	shards[1].Report.Designs[0].Coverage = nil
	merged, err = sim.MergeShards(shards)
	if err != nil || merged.Designs[0].Coverage != nil {
		t.Fatalf("merged coverage of a shard without one: %v", err)
	}
}
