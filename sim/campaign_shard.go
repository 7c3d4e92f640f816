package sim

import (
	"fmt"
	"strconv"
	"strings"
)

// MaxShards bounds --shard's N. A Kubernetes Indexed Job runs at most
// 100,000 completions and a GitHub Actions matrix 256 jobs; merge reads one
// report per shard, so the bound keeps a merge to a few thousand files.
const MaxShards = 10_000

// ShardIndexEnv is the variable a Kubernetes Indexed Job sets to each pod's
// completion index; `--shard env/N` reads the index from it.
const ShardIndexEnv = "JOB_COMPLETION_INDEX"

// Shard is one of Count parts of a check's seeds; the zero Shard is the
// whole check.
//
// The parts are contiguous blocks, not every Count-th seed: a check stops a
// design at its first error and counts the runs and steps up to it, so with
// blocks the merge can rebuild the unsharded report from each shard's totals
// alone (the shards before the first error's block ran whole, the ones after
// it are dropped). Interleaved seeds would need every run's step count.
type Shard struct {
	Index, Count int
}

// Sharded reports whether s is a part rather than the whole check.
func (s Shard) Sharded() bool { return s.Count > 0 }

func (s Shard) String() string { return fmt.Sprintf("%d/%d", s.Index, s.Count) }

// Block is the shard's seeds among runs seeds from seed: first, first+1,
// ..., first+n-1. Block i starts at floor(i*runs/Count), so the blocks
// differ in size by at most one and cover the seeds in order; when runs <
// Count some blocks are empty.
func (s Shard) Block(seed uint64, runs int) (first uint64, n int) {
	if !s.Sharded() {
		return seed, runs
	}
	start := func(i int) uint64 { return uint64(i) * uint64(runs) / uint64(s.Count) }
	lo, hi := start(s.Index), start(s.Index+1)
	return seed + lo, int(hi - lo)
}

// validate checks s against its bounds, as CheckOptions.Validate does.
func (s Shard) validate() error {
	switch {
	case !s.Sharded() && s.Index == 0:
		return nil
	case s.Count < 1 || s.Count > MaxShards:
		return &OptionError{"shard", s.String(), shardWant}
	case s.Index < 0 || s.Index >= s.Count:
		return &OptionError{"shard", s.String(), fmt.Sprintf("an index from 0 to %d for %d shards", s.Count-1, s.Count)}
	}
	return nil
}

const shardWant = "I/N: shard I (0 to N-1) of N (1 to 10000), or env/N to read I from " + ShardIndexEnv

// ParseShard reads --shard: "I/N", or "env/N" with I from the variable
// JOB_COMPLETION_INDEX as getenv reads it. Every error is an *OptionError
// naming the flag.
func ParseShard(text string, getenv func(string) string) (Shard, error) {
	idx, count, ok := strings.Cut(text, "/")
	n, err := strconv.Atoi(count)
	if !ok || err != nil || !digits(count) {
		return Shard{}, &OptionError{"shard", strconv.Quote(text), shardWant}
	}
	if n < 1 || n > MaxShards {
		return Shard{}, &OptionError{"shard", text, shardWant}
	}
	if idx == "env" {
		return envShard(text, n, getenv(ShardIndexEnv))
	}
	i, err := strconv.Atoi(idx)
	if err != nil || !digits(idx) {
		return Shard{}, &OptionError{"shard", strconv.Quote(text), shardWant}
	}
	s := Shard{Index: i, Count: n}
	return s, s.validate()
}

// envShard is --shard env/N, with the index the environment gave.
func envShard(text string, n int, val string) (Shard, error) {
	want := fmt.Sprintf("%s set to an index from 0 to %d, as a Kubernetes Indexed Job of %d completions sets it", ShardIndexEnv, n-1, n)
	if val == "" {
		return Shard{}, &OptionError{"shard", text, want + "; it is not set"}
	}
	i, err := strconv.Atoi(val)
	if err != nil || !digits(val) || i >= n {
		return Shard{}, &OptionError{"shard", text, fmt.Sprintf("%s; it is %q", want, short(val))}
	}
	return Shard{Index: i, Count: n}, nil
}

// digits reports whether s is decimal digits only: no sign, no space, so
// that "+1" or " 1" is not read as a shard number.
func digits(s string) bool {
	return s != "" && strings.Trim(s, "0123456789") == "" && len(s) <= 9
}

// short keeps a value read from the environment to a length that fits an
// error line.
func short(s string) string {
	if len(s) > 20 {
		return s[:20] + "..."
	}
	return s
}
