package report

import (
	"bufio"
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ndissim/ndissim/rule"
	"github.com/ndissim/ndissim/sim"
)

// The fixtures are real: the trace files under testdata were written by
// `ndissim check --design broken-free-order --design
// broken-no-context-backfill --runs 200`, and the sim.Report values below
// copy that check's report.

// traceLines reads the readable lines a trace file keeps as comments.
func traceLines(t *testing.T, name string) []string {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	var lines []string
	started := false
	sc := bufio.NewScanner(bytes.NewReader(data))
	for sc.Scan() {
		l := sc.Text()
		switch {
		case strings.HasPrefix(l, "# the run, step by step"):
			started = true
		case started && strings.HasPrefix(l, "#"):
			lines = append(lines, l[1:])
		}
	}
	if len(lines) == 0 {
		t.Fatalf("%s: no trace lines", name)
	}
	return lines
}

func simFreeOrder(t *testing.T) sim.Report {
	const dir = "ndissim-traces/"
	return sim.Report{Name: "broken-free-order", File: "designs/free-order.yaml", Runs: 1, Steps: 87,
		Findings: []sim.FindingReport{
			{Rule: rule.FreeOrderNbBeforeNbl, Severity: "warning", Seed: 1, Step: 4, State: "Running",
				Message: "NBL 4 freed while NB 5, allocated separately, is still linked to it; free the NB first",
				Objects: []string{"NBL 4", "NB 5"}, ShrunkSteps: 3, Minimal: true,
				Trace:  dir + "broken-free-order-1-FreeOrderNbBeforeNbl.trace",
				Replay: "ndissim replay " + dir + "broken-free-order-1-FreeOrderNbBeforeNbl.trace",
				Lines:  traceLines(t, "broken-free-order-1-FreeOrderNbBeforeNbl.trace")},
			{Rule: rule.PoolFreedWithOutstanding, Severity: "error", Seed: 1, Step: 6, State: "Closing",
				Message: "NBL pool 2 freed with 1 NBL(s) still allocated from it (NBL 4)",
				Objects: []string{"NBL pool 2", "NBL 4"}, ShrunkSteps: 3, Minimal: true,
				Trace:  dir + "broken-free-order-1-PoolFreedWithOutstanding.trace",
				Replay: "ndissim replay " + dir + "broken-free-order-1-PoolFreedWithOutstanding.trace",
				Lines:  traceLines(t, "broken-free-order-1-PoolFreedWithOutstanding.trace")},
		}}
}

func simContext(t *testing.T) sim.Report {
	const dir = "ndissim-traces/"
	return sim.Report{Name: "broken-no-context-backfill", File: "", Runs: 200, Steps: 40000,
		Findings: []sim.FindingReport{
			{Rule: rule.SendContextShortfall, Severity: "warning", Seed: 1, Step: 3, State: "Running",
				Message: "NBL 3 has 0 bytes of unused context, the stack below needs 64 (ContextBackFillSize); NDIS will allocate for each send",
				Objects: []string{"NBL 3"}, ShrunkSteps: 3, Minimal: true,
				Trace:  dir + "broken-no-context-backfill-1-SendContextShortfall.trace",
				Replay: "ndissim replay " + dir + "broken-no-context-backfill-1-SendContextShortfall.trace",
				Lines:  traceLines(t, "broken-no-context-backfill-1-SendContextShortfall.trace")},
		}}
}

func simClean() sim.Report {
	return sim.Report{Name: "default", File: "(embedded default)", Runs: 1000, Steps: 200000,
		Findings: []sim.FindingReport{}, Verified: 10}
}

// failing is a report of three designs: one failing, one with a warning
// and one clean.
func failing(t *testing.T) Report {
	return Report{Tool: Tool{Version: sim.Version, InformationURI: "https://github.com/ndissim/ndissim"},
		Seed: 1, Root: ".",
		Checks: []Check{FromSim(simFreeOrder(t)), FromSim(simContext(t)), FromSim(simClean())}}
}

// controlled is failing with rule control: the free-order design raises
// SendContextShortfall and silences FreeOrderNbBeforeNbl; the command line
// disables PoolChangedWhileActive.
func controlled(t *testing.T) Report {
	r := failing(t)
	r.Policy = Policy{Disable: []rule.Name{rule.PoolChangedWhileActive}}
	r.Checks[0].Rules = map[rule.Name]RuleSetting{
		rule.FreeOrderNbBeforeNbl: {Silence: true, Reason: "we free the NB in the completion path of the miniport below; see DESIGN.md"},
		rule.SendContextShortfall: {Severity: rule.Error},
	}
	r.Checks[0].Findings[1].Location = &Location{Line: 14, Column: 7, Field: "protocol.unbind.free_pools"}
	return r
}

// inputError is a report of a design file that could not be read.
func inputError() Report {
	return Report{Tool: Tool{Version: sim.Version}, Error: &InputError{
		Message: "12 is not a multiple of MEMORY_ALLOCATION_ALIGNMENT (16)", File: "designs/my.yaml",
		Line: 12, Column: 19, Field: "protocol.pools[0].context_size"}}
}
