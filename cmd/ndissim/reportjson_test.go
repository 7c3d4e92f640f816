package main

import "github.com/ndissim/ndissim/rule"

// jsonReport is the JSON report (docs/report.schema.json) as the tests
// read it: the fields they look at.
type jsonReport struct {
	SchemaVersion int      `json:"schema_version"`
	Verdict       string   `json:"verdict"`
	Headline      string   `json:"headline"`
	NotRun        []string `json:"not_run"`
	Designs       []struct {
		Name          string `json:"name"`
		File          string `json:"file"`
		Verdict       string `json:"verdict"`
		Runs          int    `json:"runs"`
		Interrupted   bool   `json:"interrupted"`
		Verified      int    `json:"verified_seeds"`
		SilencedRules []struct {
			Rule   rule.Name `json:"rule"`
			Reason string    `json:"reason"`
			By     string    `json:"by"`
		} `json:"silenced_rules"`
		Raised   []rule.Name   `json:"raised_rules"`
		Findings []jsonFinding `json:"findings"`
	} `json:"designs"`
	Error *struct {
		Message string `json:"message"`
		File    string `json:"file"`
		Line    int    `json:"line"`
		Field   string `json:"field"`
	} `json:"error"`
}

type jsonFinding struct {
	Rule       rule.Name `json:"rule"`
	Severity   string    `json:"severity"`
	Counts     bool      `json:"counts"`
	Trace      string    `json:"trace"`
	TraceError string    `json:"trace_error"`
	Replay     string    `json:"replay"`
	Silenced   *struct {
		Reason string `json:"reason"`
		By     string `json:"by"`
	} `json:"silenced"`
	Location *struct {
		File   string `json:"file"`
		Line   int    `json:"line"`
		Column int    `json:"column"`
		Field  string `json:"field"`
	} `json:"location"`
}

// Interrupted reports whether a signal cut the check short.
func (r jsonReport) Interrupted() bool {
	for _, d := range r.Designs {
		if d.Interrupted {
			return true
		}
	}
	return len(r.NotRun) > 0
}
