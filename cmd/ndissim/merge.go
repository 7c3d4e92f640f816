package main

import (
	"fmt"

	"github.com/spf13/cobra"

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
	var asJSON, strict bool
	cmd := &cobra.Command{
		Use:   "merge REPORT.json...",
		Short: "join the --json reports of check --shard I/N into the report of the whole check",
		Long: `merge reads the reports that ndissim check --shard I/N --json printed, one per
shard, and prints the report the unsharded check gives: with --json byte for
byte what check --json prints. It refuses (exit 2) reports that are not the
shards 0 to N-1 of one check: another version, --seed, --runs, --steps,
--verify or N, other designs, or a shard missing or given twice. It exits 1
when the findings count (--strict as for check), 130 when a shard was
interrupted and nothing counts, else 0. See docs/sharding.md.`,
		Args: positional(cobra.MinimumNArgs(1)),
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := nonEmptyReports(args); err != nil {
				return err
			}
			shards, err := interruptible(cmd.Context(), func() ([]sim.ShardReport, error) { return readShards(args) })
			if err != nil {
				return err
			}
			report, err := sim.MergeShards(shards)
			if err != nil {
				return inputError{err}
			}
			out := cmd.OutOrStdout()
			if !asJSON {
				for _, rep := range report.Designs {
					printReport(out, rep, strict)
				}
			}
			if err := printSummary(out, report, asJSON); err != nil {
				return err
			}
			switch {
			case report.Failed(strict):
				return findingsError{}
			case report.Interrupted:
				return incompleteError{}
			}
			return nil
		},
	}
	cmd.Flags().BoolVar(&asJSON, "json", false, "print the merged report as JSON, as check --json does")
	cmd.Flags().BoolVar(&strict, "strict", false, "warnings fail the merged check too")
	return cmd
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

// readShards reads every report, printing nothing, so that an interruption
// can leave it behind.
func readShards(files []string) ([]sim.ShardReport, error) {
	out := make([]sim.ShardReport, 0, len(files))
	for _, f := range files {
		s, err := sim.ReadShardReport(f)
		if err != nil {
			return nil, inputError{err}
		}
		out = append(out, s)
	}
	return out, nil
}
