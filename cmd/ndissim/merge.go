package main

import (
	"fmt"

	"github.com/spf13/cobra"

	"github.com/ndissim/ndissim/internal/report"
	"github.com/ndissim/ndissim/rule"
	"github.com/ndissim/ndissim/sim"
)

// incompleteError says a merge joined shards of which one was interrupted
// and found nothing that counts: exit 130, as the interrupted check itself
// would have, never 0.
type incompleteError struct{}

func (incompleteError) Error() string {
	return "a shard was interrupted: the merged report covers the runs its shards finished"
}

func newMerge() *cobra.Command {
	var f reportFlags
	cmd := &cobra.Command{
		Use:   "merge REPORT.json...",
		Short: "join the --json reports of check (or explore) --shard I/N into the report of the whole",
		Long: `merge reads the reports that ndissim check --shard I/N --json printed, one per
shard, and prints the report the unsharded check gives: with --json byte for
byte what check --json prints, given the same --fail-on, --enable and
--disable. It refuses (exit 2) reports that are not the shards 0 to N-1 of one
check: another version, --seed, --runs, --steps, --verify or N, other designs,
or a shard missing or given twice. It takes check's report flags (--format,
--sarif, --junit, --html) and rule control, and exits as check does: 1 when a
finding counts, 130 when a shard was interrupted and nothing counts, else 0.
See docs/sharding.md.

It joins the reports of ndissim explore --shard I/N --json the same way, when
every file given is one: the rules broken with a shortest trace, the pended
operations that can never complete, the coverage, and the states counted as
docs/explore.md says; as text, or the JSON explore prints with --json. Exit 1
for an error finding or an operation that can never complete, 130 when a
shard was interrupted, else 0.`,
		Args: positional(cobra.MinimumNArgs(1)),
		RunE: func(cmd *cobra.Command, args []string) error { return runMerge(cmd, args, f) },
	}
	f.register(cmd.Flags())
	return cmd
}

func runMerge(cmd *cobra.Command, args []string, f reportFlags) error {
	outs, err := f.resolve()
	if err != nil {
		return err
	}
	if err := nonEmptyReports(args); err != nil {
		return err
	}
	files, err := interruptible(cmd.Context(), func() ([]rawFile, error) { return readFiles(args) })
	if err != nil {
		return err
	}
	explored, err := exploreReports(files)
	if err != nil {
		return err
	}
	if explored {
		return runMergeExplore(cmd, files, f, outs)
	}
	shards, err := parseShards(files)
	if err != nil {
		return err
	}
	merged, err := sim.MergeShards(simShards(shards))
	if err != nil {
		return inputError{err}
	}
	if err := outs.prepare(); err != nil {
		return err
	}
	rep := mergedReport(merged, shards, outs.policy)
	out := cmd.OutOrStdout()
	if outs.stdout == formatText {
		for i, c := range rep.Checks {
			if i > 0 {
				fmt.Fprintln(out) // a blank line between designs
			}
			printCheck(out, outs, c)
		}
		printEnd(out, rep)
	}
	if err := outs.emit(out, rep); err != nil {
		return err
	}
	return verdictOf(rep, incompleteError{})
}

// nonEmptyReports refuses an empty argument by its position.
func nonEmptyReports(files []string) error {
	for i, f := range files {
		if f == "" {
			return inputError{fmt.Errorf("argument %d is empty (\"\"); expected the path of a shard's JSON report", i+1)}
		}
	}
	return nil
}

// shardFile is one shard's report as read.
type shardFile struct {
	file string
	rep  report.Report
}

// rawFile is a report as read.
type rawFile struct {
	file string
	data []byte
}

// readFiles reads every report, printing nothing, so that an interruption
// can leave it behind.
func readFiles(files []string) ([]rawFile, error) {
	out := make([]rawFile, 0, len(files))
	for _, f := range files {
		data, err := sim.ReadRegularFile(f, sim.MaxReportSize)
		if err != nil {
			return nil, inputError{&sim.ShardError{File: f, Msg: "cannot read the report: " + err.Error()}}
		}
		out = append(out, rawFile{file: f, data: data})
	}
	return out, nil
}

// parseShards reads the reports of check's shards.
func parseShards(files []rawFile) ([]shardFile, error) {
	out := make([]shardFile, 0, len(files))
	for _, f := range files {
		rep, err := report.ParseJSON(f.data)
		if err != nil {
			return nil, inputError{&sim.ShardError{File: f.file, Msg: "not a JSON report of ndissim check: " + err.Error()}}
		}
		out = append(out, shardFile{file: f.file, rep: rep})
	}
	return out, nil
}

// simShards are the shards as sim.MergeShards joins them.
func simShards(shards []shardFile) []sim.ShardReport {
	out := make([]sim.ShardReport, len(shards))
	for i, s := range shards {
		run := sim.RunReport{Version: s.rep.Tool.Engine, Seed: s.rep.Seed, Shard: s.rep.Shard,
			NotRun: s.rep.NotRun, Designs: []sim.Report{}}
		for _, c := range s.rep.Checks {
			run.Designs = append(run.Designs, report.ToSim(c))
			run.Interrupted = run.Interrupted || c.Interrupted
		}
		run.Interrupted = run.Interrupted || len(run.NotRun) > 0
		out[i] = sim.ShardReport{File: s.file, Report: run}
	}
	return out
}

// mergedReport is the merged check as the unsharded check reports it: the
// shards' tool, each design's rules: section and the settings responsible
// for its findings, as the shards recorded them, judged by this command's
// policy.
func mergedReport(merged sim.RunReport, shards []shardFile, pol report.Policy) report.Report {
	r := report.Report{Tool: shards[0].rep.Tool, Seed: merged.Seed, Policy: pol, Root: ".", NotRun: merged.NotRun}
	for i, d := range merged.Designs {
		c := report.FromSim(d)
		from := shardChecks(shards, i)
		if len(from) > 0 {
			c.Rules = from[0].Rules
		}
		for j := range c.Findings {
			c.Findings[j].Location = locationIn(from, c.Findings[j].Rule)
		}
		r.Checks = append(r.Checks, c)
	}
	return r
}

// shardChecks are the shards' checks of design i, from the shards that got
// to it.
func shardChecks(shards []shardFile, i int) []report.Check {
	var out []report.Check
	for _, s := range shards {
		if i < len(s.rep.Checks) {
			out = append(out, s.rep.Checks[i])
		}
	}
	return out
}

// locationIn is the setting a shard's report names for a finding of rule
// r: it depends on the design and the rule alone.
func locationIn(checks []report.Check, r rule.Name) *report.Location {
	for _, c := range checks {
		for _, f := range c.Findings {
			if f.Rule == r && f.Location != nil {
				return f.Location
			}
		}
	}
	return nil
}
