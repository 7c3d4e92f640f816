package shardtest

import (
	"errors"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/ndissim/ndissim/sim"
)

// The blocks of N shards cover the seeds in order, once each, and differ
// in size by at most one.
func TestShardBlocksPartitionTheSeeds(t *testing.T) {
	for _, runs := range []int{1, 2, 5, 7, 100, 1001, sim.MaxRuns} {
		for _, n := range []int{1, 2, 3, 7, 64, sim.MaxShards} {
			next := uint64(10)
			lo, hi := runs, 0
			for i := range n {
				first, size := sim.Shard{Index: i, Count: n}.Block(10, runs)
				require.Equal(t, next, first, "runs %d, shard %d/%d", runs, i, n)
				next += uint64(size)
				lo, hi = min(lo, size), max(hi, size)
			}
			require.Equal(t, uint64(10+runs), next, "runs %d, %d shards", runs, n)
			require.LessOrEqual(t, hi-lo, 1)
		}
	}
	first, n := sim.Shard{}.Block(10, 5)
	require.Equal(t, uint64(10), first)
	require.Equal(t, 5, n, "the zero Shard is the whole check")
}

func TestParseShard(t *testing.T) {
	env := func(v string) func(string) string {
		return func(k string) string {
			require.Equal(t, sim.ShardIndexEnv, k)
			return v
		}
	}
	good := map[string]sim.Shard{"0/1": {Index: 0, Count: 1}, "3/4": {Index: 3, Count: 4}, "9999/10000": {Index: 9999, Count: 10000}}
	for text, want := range good {
		got, err := sim.ParseShard(text, env(""))
		require.NoError(t, err, text)
		require.Equal(t, want, got)
	}
	got, err := sim.ParseShard("env/4", env("2"))
	require.NoError(t, err)
	require.Equal(t, sim.Shard{Index: 2, Count: 4}, got)

	bad := []struct{ text, env, want string }{
		{"", "", "expected I/N"},
		{"4", "", "expected I/N"},
		{"4/4", "", "an index from 0 to 3 for 4 shards"},
		{"-1/4", "", "expected I/N"},
		{"+1/4", "", "expected I/N"},
		{"1/0", "", "N (1 to 10000)"},
		{"1/10001", "", "N (1 to 10000)"},
		{"1/4/2", "", "expected I/N"},
		{" 1/4", "", "expected I/N"},
		{"x/4", "", "expected I/N"},
		{"env/4", "", "JOB_COMPLETION_INDEX set to an index from 0 to 3, as a Kubernetes Indexed Job of 4 completions sets it; it is not set"},
		{"env/4", "4", `it is "4"`},
		{"env/4", "one", `it is "one"`},
		{"env/4", "-1", `it is "-1"`},
		{"env/0", "0", "N (1 to 10000)"},
	}
	for _, c := range bad {
		_, err := sim.ParseShard(c.text, env(c.env))
		var oe *sim.OptionError
		require.True(t, errors.As(err, &oe), "%q: %v", c.text, err)
		require.Equal(t, "shard", oe.Option)
		require.Contains(t, err.Error(), "--shard ")
		require.Contains(t, err.Error(), c.want, c.text)
	}
}

// A shard outside its bounds is refused by CheckOptions.Validate, before
// anything runs.
func TestShardOptionIsValidated(t *testing.T) {
	for _, s := range []sim.Shard{{Index: 4, Count: 4}, {Index: -1, Count: 2}, {Index: 0, Count: sim.MaxShards + 1}, {Index: 1, Count: 0}} {
		err := sim.CheckOptions{Runs: 1, Shard: s}.Validate()
		var oe *sim.OptionError
		require.True(t, errors.As(err, &oe), "%v: %v", s, err)
		require.Equal(t, "shard", oe.Option)
	}
}
