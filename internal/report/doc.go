// Package report turns the checks of ndissim into the documents that CI
// systems and reviewers read: a versioned JSON report (docs/report.schema.json),
// SARIF 2.1.0 for code scanning, JUnit XML for test dashboards, a
// self-contained HTML page with each shrunk trace drawn as a sequence diagram,
// and Mermaid for pasting a trace into a pull request.
//
// It also holds the rule control that decides what counts: the threshold
// (--fail-on), --enable and --disable, and a design file's rules: section,
// which raises a warning rule to an error or silences a rule with a reason.
//
// The package reads its own input types (Report, Check, Finding) rather than
// sim.Report, so that a change to the simulator touches only FromSim. Every
// writer is deterministic: the same Report gives byte-identical output.
package report
