package shardtest

import (
	"context"
	"fmt"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/ndissim/ndissim/sim"
)

// designs are three checks in one: a broken sender whose first error
// (DoubleFree) comes at seed 70 and the next at 114, after three warnings,
// the backfill's two at seed 1 and the failed pause's at seed 21 and again
// at 64 and 91; a correct sender; and one that draws warnings only, so
// that every shard runs whole.
func designs(t testing.TB) []sim.Design {
	return []sim.Design{
		senderDesign(t, "broken", sender{shallow: true, failPauses: 5, doubleFreeAt: 30}),
		senderDesign(t, "correct", sender{}),
		senderDesign(t, "warned", sender{shallow: true, failPauses: 2}),
	}
}

// checkJSON is what `check --json` prints for the options.
func checkJSON(t *testing.T, opt sim.CheckOptions) []byte {
	t.Helper()
	rep, err := sim.CheckDesigns(context.Background(), designs(t), opt, sim.CheckHooks{})
	require.NoError(t, err)
	b, err := rep.JSON()
	require.NoError(t, err)
	return b
}

// shardsJSON runs the check as n shards, each with its own worker count,
// reads each shard's JSON back as merge does, and merges them.
func mergedJSON(t *testing.T, opt sim.CheckOptions, n int) []byte {
	t.Helper()
	var shards []sim.ShardReport
	for i := n - 1; i >= 0; i-- { // merge does not depend on the order given
		o := opt
		o.Shard, o.Workers = sim.Shard{Index: i, Count: n}, 1+i%3
		b := checkJSON(t, o)
		name := fmt.Sprintf("shard-%d.json", i)
		rep, err := sim.ParseReport(name, b)
		require.NoError(t, err)
		shards = append(shards, sim.ShardReport{File: name, Report: rep})
	}
	merged, err := sim.MergeShards(shards)
	require.NoError(t, err)
	b, err := merged.JSON()
	require.NoError(t, err)
	return b
}

// Merging the shards' reports gives the unsharded report, byte for byte:
// findings in seed order with the first of each rule, runs and steps up to
// the first error, the same shrunk traces and replay commands.
func TestShardedAndMergedIsTheUnshardedReport(t *testing.T) {
	out := filepath.Join(t.TempDir(), "traces")
	cases := []struct {
		seed uint64
		runs int
		ns   []int
	}{
		{1, 120, []int{1, 2, 3}}, // the error in the middle shard of 3
		{30, 90, []int{1, 2, 3}}, // the failed pause first met in a later shard
		{1, 5, []int{7}},         // more shards than seeds: some are empty
		{71, 40, []int{2, 3, 4}}, // past the error seed: warnings only, the failed pause at 91
	}
	for _, c := range cases {
		opt := sim.CheckOptions{Seed: c.seed, Runs: c.runs, Workers: 2, OutDir: out}
		want := checkJSON(t, opt)
		require.Contains(t, string(want), `"pairs_seen"`, "the coverage is part of what merges")
		for _, n := range c.ns {
			got := mergedJSON(t, opt, n)
			require.Equal(t, string(want), string(got), "seed %d, runs %d, %d shards", c.seed, c.runs, n)
		}
	}
}
