package sim_test

import (
	"context"
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
