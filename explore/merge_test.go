package explore

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ndissim/ndissim/internal/designfile"
	"github.com/ndissim/ndissim/rule"
	"github.com/ndissim/ndissim/sim"
)

// shardsOf explores d in n shards and reads each back from its JSON, as
// `ndissim merge` reads the files.
func shardsOf(t *testing.T, d sim.Design, opt Options, n int) []ShardReports {
	t.Helper()
	out := make([]ShardReports, n)
	for i := range n {
		o := opt
		o.Shard = sim.Shard{Index: i, Count: n}
		data, err := json.Marshal([]Report{explore(t, d, o)})
		require.NoError(t, err)
		reps, err := ParseReports(data)
		require.NoError(t, err)
		out[i] = ShardReports{File: fmt.Sprintf("shard-%d.json", i), Reports: reps}
	}
	return out
}

func movesByRule(fs []Found) map[rule.Name]int {
	m := map[rule.Name]int{}
	for _, f := range fs {
		m[f.Rule] = f.Moves
	}
	return m
}

// The merged shards find what the whole finds: the same rules, each with a
// trace of the same (shortest) length, the same coverage and completeness;
// one shard is the whole, counts included, and more shards count the
// states below the split once per shard that reached them.
func TestMergedShardsAreTheWhole(t *testing.T) {
	designs := []sim.Design{designfile.Default(), lookup(t, "broken-send-while-pausing"),
		lookup(t, "broken-pause-no-signal"), lookup(t, "broken-backfill-from-bind")}
	for _, d := range designs {
		whole := explore(t, d, brokenOptions())
		for _, n := range []int{1, 2, 3} {
			merged, err := MergeShards(shardsOf(t, d, brokenOptions(), n))
			require.NoError(t, err)
			require.Len(t, merged, 1)
			m := merged[0]
			name := fmt.Sprintf("%s in %d shard(s)", d.Name, n)
			assert.Equal(t, movesByRule(whole.Findings), movesByRule(m.Findings), name)
			assert.Equal(t, len(whole.Lassos), len(m.Lassos), name)
			if len(whole.Lassos) > 0 && len(m.Lassos) > 0 {
				assert.Equal(t, whole.Lassos[0].Prefix, m.Lassos[0].Prefix, name)
			}
			assert.Equal(t, whole.Coverage.Pairs(), m.Coverage.Pairs(), name)
			assert.Equal(t, whole.Complete, m.Complete, name)
			assert.Equal(t, whole.Depth, m.Depth, name)
			assert.Equal(t, n, m.Shards, name)
			if n == 1 {
				assert.Equal(t, [4]int64{int64(whole.States), whole.Transitions, int64(whole.Frontier), int64(whole.Deadlocks)},
					[4]int64{int64(m.States), m.Transitions, int64(m.Frontier), int64(m.Deadlocks)}, name)
			} else {
				assert.GreaterOrEqual(t, m.States, whole.States, name)
				assert.GreaterOrEqual(t, m.Transitions, whole.Transitions, name)
			}
		}
	}
}

// Shards that split nowhere each explored the whole: the merge is any one.
func TestMergeOfShardsThatNeverSplit(t *testing.T) {
	opt := DefaultOptions()
	opt.Depth = 2
	d := designfile.Default()
	whole := explore(t, d, opt)
	shards := shardsOf(t, d, opt, 1000)
	require.Equal(t, -1, shards[0].Reports[0].ShardInfo.Split.Level, "the test needs shards that never split")
	merged, err := MergeShards(shards)
	require.NoError(t, err)
	assert.Equal(t, whole.States, merged[0].States)
	assert.Equal(t, whole.Transitions, merged[0].Transitions)
	assert.Equal(t, whole.Frontier, merged[0].Frontier)
}

// A merge refuses what is not the shards of one exploration, naming the
// file and the field.
func TestMergeRefusesOtherExplorations(t *testing.T) {
	d := lookup(t, "broken-send-while-pausing")
	good := func() []ShardReports { return shardsOf(t, d, brokenOptions(), 3) }
	cases := []struct {
		name  string
		edit  func([]ShardReports) []ShardReports
		field string
		want  string
	}{
		{"none", func([]ShardReports) []ShardReports { return nil }, "", "no shard reports"},
		{"missing", func(s []ShardReports) []ShardReports { return s[:2] }, "shard_info.index", "missing shard(s) 2 of 3"},
		{"twice", func(s []ShardReports) []ShardReports { s[2] = s[1]; s[2].File = "again.json"; return s },
			"shard_info.index", "shard 1/3 is given twice"},
		{"not a shard", func(s []ShardReports) []ShardReports { s[1].Reports[0].ShardInfo = nil; return s },
			"[0].shard_info", "not a shard's report"},
		{"bounds", func(s []ShardReports) []ShardReports { s[1].Reports[0].Bounds.Sends++; return s },
			"[0].bounds", "share the bounds"},
		{"design", func(s []ShardReports) []ShardReports { s[2].Reports[0].ShardInfo.Hash = "sha256:00"; return s },
			"[0].shard_info.hash", "the same design files"},
		{"build", func(s []ShardReports) []ShardReports { s[1].Reports[0].ShardInfo.Build = "v9"; return s },
			"[0].shard_info.build", "one ndissim build"},
		{"count", func(s []ShardReports) []ShardReports {
			s[1].Reports[0].ShardInfo.Count, s[1].Reports[0].Shard = 4, "1/4"
			return s
		}, "[0].shard_info.count", "N of --shard I/N"},
		{"top", func(s []ShardReports) []ShardReports { s[2].Reports[0].ShardInfo.Split.States++; return s },
			"[0].shard_info.split", "every shard explores alike"},
		{"liveness", func(s []ShardReports) []ShardReports { s[1].Reports[0].ShardInfo.Liveness = false; return s },
			"[0].shard_info.liveness", "--no-liveness"},
		{"shard text", func(s []ShardReports) []ShardReports { s[1].Reports[0].Shard = "2/3"; return s },
			"[0].shard", `"2/3", but shard_info says 1/3`},
	}
	for _, c := range cases {
		_, err := MergeShards(c.edit(good()))
		var se *sim.ShardError
		if !errors.As(err, &se) {
			t.Errorf("%s: want a ShardError, got %v", c.name, err)
			continue
		}
		assert.Equal(t, c.field, se.Field, c.name)
		assert.Contains(t, err.Error(), c.want, c.name)
	}
}

func TestParseReportsNamesTheLine(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"{}", "line 1"},
		{"[\n{\"design\": 3}]", "line 2: design: expected string, got JSON number"},
		{"[\n{\"nonsense\": 1}]", `unknown field "nonsense"`},
		{"[] []", "more after the reports"},
		{"null", "expected a JSON array"},
	} {
		_, err := ParseReports([]byte(c.in))
		if assert.Error(t, err, c.in) {
			assert.Contains(t, err.Error(), c.want, c.in)
		}
	}
}

func FuzzParseReports(f *testing.F) {
	var shards [2][]Report
	for i := range shards {
		opt := DefaultOptions()
		opt.Depth, opt.Shard = 4, sim.Shard{Index: i, Count: 2}
		rep, err := Explore(context.Background(), designfile.Default(), opt)
		if err != nil {
			f.Fatal(err)
		}
		shards[i] = []Report{rep}
	}
	data, _ := json.Marshal(shards[0])
	f.Add(data)
	f.Add([]byte("[]"))
	f.Fuzz(func(t *testing.T, data []byte) {
		reps, err := ParseReports(data)
		if err != nil {
			if strings.Contains(err.Error(), "line 0") {
				t.Fatalf("a line number below 1: %v", err)
			}
			return
		}
		// Whatever parses, a merge with the other shard joins or refuses
		// it: never a panic.
		_, _ = MergeShards([]ShardReports{{File: "f.json", Reports: reps}, {File: "g.json", Reports: shards[1]}})
		_, _ = MergeShards([]ShardReports{{File: "f.json", Reports: reps}})
	})
}

// Each rule keeps the shortest trace any shard found, the lowest shard's
// on a tie, and the lasso with the shortest prefix, then cycle.
func TestMergeKeepsTheShortestTraces(t *testing.T) {
	shards := shardsOf(t, designfile.Default(), brokenOptions(), 3)
	found := func(r rule.Name, moves int, trace string) Found {
		return Found{Rule: r, Moves: moves, Trace: trace, Severity: "error"}
	}
	shards[0].Reports[0].Findings = []Found{found(rule.DoubleFree, 7, "a"), found(rule.UseAfterFree, 4, "b")}
	shards[1].Reports[0].Findings = []Found{found(rule.DoubleFree, 5, "c")}
	shards[2].Reports[0].Findings = []Found{found(rule.DoubleFree, 5, "d"), found(rule.UseAfterFree, 4, "e")}
	shards[0].Reports[0].Lassos = []Lasso{{Prefix: 6, Cycle: 1, Trace: "x"}}
	shards[1].Reports[0].Lassos = []Lasso{{Prefix: 4, Cycle: 3, Trace: "y"}}
	shards[2].Reports[0].Lassos = []Lasso{{Prefix: 4, Cycle: 2, Trace: "z"}}
	merged, err := MergeShards(shards)
	require.NoError(t, err)
	var got []string
	for _, f := range merged[0].Findings {
		got = append(got, fmt.Sprintf("%s %d %s", f.Rule, f.Moves, f.Trace))
	}
	assert.Equal(t, []string{"UseAfterFree 4 b", "DoubleFree 5 c"}, got)
	require.Len(t, merged[0].Lassos, 1)
	assert.Equal(t, "z", merged[0].Lassos[0].Trace)
}

// A shard says how many states it cannot decide the liveness of: those
// whose pended operation only states it leaves to the other shards could
// complete. The whole exploration has none, and a merge sums them.
func TestShardsCountTheLivenessTheyCannotDecide(t *testing.T) {
	d := lookup(t, "broken-pause-no-signal")
	require.Zero(t, explore(t, d, brokenOptions()).Undecided)
	shards := shardsOf(t, d, brokenOptions(), 3)
	sum := 0
	for _, s := range shards {
		sum += s.Reports[0].Undecided
	}
	require.Positive(t, sum, "the test needs a shard that cannot decide some state")
	merged, err := MergeShards(shards)
	require.NoError(t, err)
	require.Equal(t, sum, merged[0].Undecided)
	var b strings.Builder
	merged[0].Text(&b)
	require.Contains(t, b.String(), fmt.Sprintf("liveness not decided for %d state(s)", sum))
}
