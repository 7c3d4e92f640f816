package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"time"

	"github.com/spf13/cobra"

	"github.com/ndissim/ndissim/explore"
	"github.com/ndissim/ndissim/sim"
)

type exploreFlags struct {
	depth, sends, receives, edits, pends int
	faults                               string
	passive                              bool
	maxStates, workers                   int
	shard, out                           string
	designs                              []string
	noDedup, noLiveness, json, noTime    bool
	noProgress                           bool
}

func newExplore() *cobra.Command {
	var f exploreFlags
	def := explore.DefaultOptions()
	cmd := &cobra.Command{
		Use:   "explore [FILE...]",
		Short: "enumerate every behaviour of the environment within bounds, breadth-first",
		Long: `explore enumerates every choice the environment can make within the bounds:
which move, which send or request completes first and with what status, the IRQL
of a callback, whether NDIS pends, and the faults in play. It searches
breadth-first, so the first path that breaks a rule is a shortest one, and
merges states with the same fingerprint. It prints the distinct states,
transitions and depth reached, and either the shortest trace per rule broken
(replayed with ndissim replay, as check's) or that no rule broke in any state
within the bounds; then pended operations that can never complete, as a prefix
and a cycle, and which rules' preconditions were reached. A long exploration
prints a progress line on stderr every 10 s. The shards of --shard I/N join
with ndissim merge. docs/explore.md explains the bounds.`,
		RunE: func(cmd *cobra.Command, args []string) error { return runExplore(cmd, args, f) },
	}
	fl := cmd.Flags()
	b := def.Bounds
	fl.IntVar(&f.depth, "depth", def.Depth, "most environment moves on a path")
	fl.IntVar(&f.sends, "sends", b.Sends, "most sends in flight (no write is offered at the bound)")
	fl.IntVar(&f.receives, "receives", b.Receives, "most received NBLs the design holds (no indication past it)")
	fl.IntVar(&f.edits, "edits", b.Edits, "how many of the design's stack edits may be applied")
	fl.IntVar(&f.pends, "pends", b.Pends, "most OID requests, opens and closes NDIS holds pending at once")
	fl.StringVar(&f.faults, "faults", "none", "faults in play: none, all, or a comma-separated list of alloc, oid, send")
	fl.BoolVar(&f.passive, "passive", false, "run every callback at PASSIVE_LEVEL (default: both IRQLs where NDIS may use DISPATCH_LEVEL)")
	fl.IntVar(&f.maxStates, "max-states", def.MaxStates, "stop after storing this many states (bounds the memory: for the default design about 600 bytes a state, 1.1 KB with the liveness check)")
	fl.IntVar(&f.workers, "workers", 0, "parallel workers (0: one per CPU); the report does not depend on it")
	fl.StringVar(&f.shard, "shard", "", "explore shard I of N (I/N, or env/N): the shard's share of the states at the first level with 8 per shard")
	fl.StringVar(&f.out, "out", DefaultOutDir, "directory for trace files")
	fl.StringArrayVar(&f.designs, "design", nil, "explore a built-in Go design by name (repeatable)")
	fl.BoolVar(&f.noDedup, "no-dedup", false, "a tree search: no state is merged with another")
	fl.BoolVar(&f.noLiveness, "no-liveness", false, "skip the check for pended operations that can never complete")
	fl.BoolVar(&f.json, "json", false, "print the reports as JSON")
	fl.BoolVar(&f.noTime, "no-time", false, "leave out the time, so that two runs print the same bytes")
	fl.BoolVar(&f.noProgress, "no-progress", false, "no progress lines on stderr (one every 10 s of a long exploration)")
	return cmd
}

// options turns the flags into the explorer's options.
func (f exploreFlags) options() (explore.Options, error) {
	faults, err := explore.ParseFaults(f.faults)
	if err != nil {
		return explore.Options{}, inputError{err}
	}
	shard, err := shardFlag(f.shard)
	if err != nil {
		return explore.Options{}, err
	}
	opt := explore.DefaultOptions()
	opt.Bounds = sim.ExploreBounds{Sends: f.sends, Receives: f.receives, Edits: f.edits, Pends: f.pends,
		Faults: faults, Dispatch: !f.passive}
	opt.Depth, opt.MaxStates, opt.Workers, opt.Shard = f.depth, f.maxStates, f.workers, shard
	opt.NoDedup, opt.Liveness, opt.OutDir = f.noDedup, !f.noLiveness, f.out
	return opt, nil
}

func runExplore(cmd *cobra.Command, args []string, f exploreFlags) error {
	opt, err := f.options()
	if err != nil {
		return err
	}
	designs, err := loadDesigns(cmd.Context(), args, f.designs)
	if errors.As(err, new(interruptedError)) {
		return err
	}
	if err != nil {
		return err
	}
	if err := prepareOut(f.out); err != nil {
		return err
	}
	var reports []explore.Report
	for _, d := range designs {
		if !f.noProgress {
			opt.Progress = progressLines(cmd.ErrOrStderr(), d.Name)
		}
		rep, err := explore.Explore(cmd.Context(), d, opt)
		if err != nil {
			return inputError{err}
		}
		if rep.ShardInfo != nil {
			rep.ShardInfo.Build = buildID()
		}
		reports = append(reports, rep)
		if !f.json {
			printExplore(cmd, rep, f.noTime)
		}
	}
	if f.json {
		enc := json.NewEncoder(cmd.OutOrStdout())
		enc.SetIndent("", "  ")
		if err := enc.Encode(reports); err != nil {
			return err
		}
	}
	return exploreVerdict(cmd, reports)
}

func printExplore(cmd *cobra.Command, rep explore.Report, noTime bool) {
	out := cmd.OutOrStdout()
	rep.Text(out)
	if !noTime {
		rep.WriteTime(out)
	}
	fmt.Fprintln(out)
}

// exploreVerdict is exit 1 for an error finding or a pended operation that
// can never complete, and the interrupted exit when a signal stopped it.
func exploreVerdict(cmd *cobra.Command, reports []explore.Report) error {
	for _, r := range reports {
		for _, f := range r.Findings {
			if f.Severity == "error" {
				return findingsError{}
			}
		}
		if len(r.Lassos) > 0 {
			return findingsError{}
		}
	}
	if cmd.Context().Err() != nil {
		return interruptedError{}
	}
	return nil
}

// exploreProgressEvery is how often a long exploration says how far it has
// got (a variable for the tests).
var exploreProgressEvery = 10 * time.Second

// progressLines prints a line to w at most every exploreProgressEvery, as
// SPIN and TLC do, so that a long exploration in a CI log is not silent.
func progressLines(w io.Writer, design string) func(explore.Progress) {
	start := time.Now()
	last := start
	return func(p explore.Progress) {
		now := time.Now()
		if now.Sub(last) < exploreProgressEvery {
			return
		}
		last = now
		fmt.Fprintf(w, "explore %s: %s, %.0f s\n", design, p, now.Sub(start).Seconds())
	}
}
