package main

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// noAllocFailures is a correct design with no allocation failure in its
// workload: AllocationFailureIgnored cannot be armed.
const noAllocFailures = `version: 1
name: no-alloc-failures
stack:
  miniport: {name: nic}
  filters:
    - {name: qos, data_backfill: 32, context_backfill: 16}
  changes:
    - insert: {name: vpn, data_backfill: 64, context_backfill: 16}
protocol:
  sizing: allocation
  rebuild: when-grown
workload:
  faults: {allocation_failure: 0}
`

// A pass whose rule was never in reach says so, by rule, in the text
// report and in the JSON report, which validates against the schema.
func TestCheckReportsARuleNeverArmed(t *testing.T) {
	f := writeFile(t, "design.yaml", noAllocFailures)
	code, text, errs := ndissim(t, "check", f, "--runs", "200", "--out", t.TempDir())
	require.Equal(t, exitOK, code, errs)
	lines := strings.Split(text, "\n")
	require.True(t, strings.HasPrefix(lines[0], "pass: no-alloc-failures"), text)
	require.Regexp(t, `^  coverage: \d+/\d+ \(state, move\) pairs; \d+/\d+ rules armed$`, lines[1])
	require.True(t, strings.HasPrefix(lines[2], "  rules never armed in these runs: "), text)
	require.Contains(t, lines[2], "AllocationFailureIgnored")

	code, out, errs := ndissim(t, "check", f, "--runs", "200", "--json", "--out", t.TempDir())
	require.Equal(t, exitOK, code, errs)
	validateReport(t, []byte(out))
	var rep struct {
		Designs []struct {
			Verdict  string
			Coverage struct {
				PairsSeen     int `json:"pairs_seen"`
				PairsPossible int `json:"pairs_possible"`
				Rules         []struct {
					Rule  string
					Armed bool
					Needs string
				}
			}
		}
	}
	require.NoError(t, json.Unmarshal([]byte(out), &rep))
	d := rep.Designs[0]
	require.Equal(t, "pass", d.Verdict)
	require.Positive(t, d.Coverage.PairsSeen)
	require.Contains(t, lines[1], fmt.Sprintf("coverage: %d/%d", d.Coverage.PairsSeen, d.Coverage.PairsPossible))
	found := false
	for _, r := range d.Coverage.Rules {
		if r.Rule == "AllocationFailureIgnored" {
			found = true
			require.False(t, r.Armed)
			require.Equal(t, "an allocation failure", r.Needs)
		}
	}
	require.True(t, found)

	// --coverage prints the whole table instead.
	_, full, _ := ndissim(t, "check", f, "--runs", "200", "--coverage", "--out", t.TempDir())
	require.Contains(t, full, "  rules armed (precondition reached): ")
	require.Contains(t, full, "    never armed: AllocationFailureIgnored (needs an allocation failure)")
}

// --coverage-goal runs past --runs up to --max-runs when a pair stays
// unseen, and says which; its flags are checked before anything runs.
func TestCheckCoverageGoal(t *testing.T) {
	code, text, errs := ndissim(t, "check", "--runs", "20", "--coverage-goal", "--max-runs", "60", "--out", t.TempDir())
	require.Equal(t, exitOK, code, errs)
	require.Contains(t, text, "pass: default (embedded default): 60 runs")
	require.Contains(t, text, "  coverage goal: NOT reached in 60 runs (budget 60); never seen: complete-oid in Opening")

	code, out, errs := ndissim(t, "check", "--runs", "20", "--coverage-goal", "--max-runs", "60", "--json", "--out", t.TempDir())
	require.Equal(t, exitOK, code, errs)
	validateReport(t, []byte(out))
	require.Contains(t, out, `"coverage_goal": {
        "max_runs": 60,
        "reached": false
      }`)

	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"--max-runs", "50"}, "--max-runs 50: expected --coverage-goal with it"},
		{[]string{"--coverage-goal", "--max-runs", "5"}, "--max-runs 5: expected --runs (20) to"},
		{[]string{"--coverage-goal", "--shard", "0/2"}, "--coverage-goal with --shard 0/2: expected no --shard"},
	} {
		code, _, errs := ndissim(t, append([]string{"check", "--runs", "20", "--out", t.TempDir()}, c.args...)...)
		require.Equal(t, exitInput, code, c.args)
		require.Contains(t, errs, c.want)
	}
}
