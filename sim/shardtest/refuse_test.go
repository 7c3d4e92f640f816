package shardtest

import (
	"context"
	"errors"
	"fmt"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/ndissim/ndissim/sim"
)

// threeShards is a check of 120 seeds as 3 shards, ready to merge.
func threeShards(t *testing.T) []sim.ShardReport {
	t.Helper()
	var out []sim.ShardReport
	for i := range 3 {
		opt := sim.CheckOptions{Seed: 1, Runs: 120, Workers: 2, Shard: sim.Shard{Index: i, Count: 3}}
		rep, err := sim.CheckDesigns(context.Background(), designs(t), opt, sim.CheckHooks{})
		require.NoError(t, err)
		out = append(out, sim.ShardReport{File: fmt.Sprintf("shard-%d.json", i), Report: rep})
	}
	return out
}

// clone copies the shards deeply enough for one edit.
func clone(shards []sim.ShardReport) []sim.ShardReport {
	out := make([]sim.ShardReport, len(shards))
	for i, s := range shards {
		info := *s.Report.Shard
		info.Designs = append([]sim.ShardDesign(nil), info.Designs...)
		s.Report.Shard = &info
		s.Report.Designs = append([]sim.Report(nil), s.Report.Designs...)
		out[i] = s
	}
	return out
}

// Reports that are not the shards of one check are refused, naming the
// file and the field at fault.
func TestMismatchedShardsAreRefused(t *testing.T) {
	base := threeShards(t)
	cases := []struct {
		name  string
		edit  func([]sim.ShardReport) []sim.ShardReport
		file  string
		field string
		msg   string
	}{
		{"missing", func(s []sim.ShardReport) []sim.ShardReport { return s[:2] }, "", "shard.index", "missing shard(s) 2 of 3"},
		{"duplicate", func(s []sim.ShardReport) []sim.ShardReport {
			return append(s, sim.ShardReport{File: "again.json", Report: s[1].Report})
		},
			"again.json", "shard.index", "shard 1/3 is given twice: shard-1.json is shard 1 too"},
		{"other seed", func(s []sim.ShardReport) []sim.ShardReport { s[1].Report.Seed = 2; return s }, "shard-1.json", "seed", "2, but shard-0.json has 1; the shards of one check share --seed"},
		{"other runs", func(s []sim.ShardReport) []sim.ShardReport {
			s[2].Report.Shard.Runs, s[2].Report.Shard.FirstSeed, s[2].Report.Shard.Seeds = 121, 81, 41
			return s
		}, "shard-2.json", "shard.runs", "121, but shard-0.json has 120; the shards of one check share --runs"},
		{"other count", func(s []sim.ShardReport) []sim.ShardReport {
			s[1].Report.Shard.Count, s[1].Report.Shard.FirstSeed, s[1].Report.Shard.Seeds = 4, 31, 30
			return s
		}, "shard-1.json", "shard.count", "4, but shard-0.json has 3"},
		{"other steps", func(s []sim.ShardReport) []sim.ShardReport { s[1].Report.Shard.Steps = 5; return s }, "shard-1.json", "shard.steps", "--steps"},
		{"other build", func(s []sim.ShardReport) []sim.ShardReport { s[1].Report.Shard.Build = "v1.0.1 abc"; return s },
			"shard-1.json", "shard.build", "v1.0.1 abc, but shard-0.json has ; the shards of one check share one ndissim build"},
		{"other version", func(s []sim.ShardReport) []sim.ShardReport { s[2].Report.Version = "0.1.9"; return s }, "shard-2.json", "version", "one ndissim version"},
		{"other design", func(s []sim.ShardReport) []sim.ShardReport { s[1].Report.Shard.Designs[0].Hash = "sha256:00"; return s },
			"shard-1.json", "shard.designs[0].hash", "design go:broken differs from the one shard-0.json checked"},
		{"designs reordered", func(s []sim.ShardReport) []sim.ShardReport {
			d := s[1].Report.Shard.Designs
			d[0], d[1] = d[1], d[0]
			return s
		}, "shard-1.json", "shard.designs[0].origin", "the designs checked, in order"},
		{"not a shard", func(s []sim.ShardReport) []sim.ShardReport { s[1].Report.Shard = nil; return s }, "shard-1.json", "shard", "not a shard's report"},
		{"index out of range", func(s []sim.ShardReport) []sim.ShardReport { s[1].Report.Shard.Index = 3; return s }, "shard-1.json", "shard", "expected 0 <= index < count"},
		{"wrong block", func(s []sim.ShardReport) []sim.ShardReport { s[1].Report.Shard.FirstSeed = 1; return s }, "shard-1.json", "shard.first_seed", "has seeds 41 (+40)"},
		{"finding outside the block", func(s []sim.ShardReport) []sim.ShardReport {
			r := s[0].Report.Designs[0]
			r.Findings = append([]sim.FindingReport(nil), r.Findings...)
			r.Findings[0].Seed = 41
			s[0].Report.Designs[0] = r
			return s
		}, "shard-0.json", "designs[0].findings[0].seed", "seed 41 is not among the shard's seeds 1 to 40"},
		{"none", func([]sim.ShardReport) []sim.ShardReport { return nil }, "", "", "no shard reports"},
	}
	for _, c := range cases {
		_, err := sim.MergeShards(c.edit(clone(base)))
		var se *sim.ShardError
		require.True(t, errors.As(err, &se), "%s: %v", c.name, err)
		require.Equal(t, c.file, se.File, c.name)
		if c.field != "" {
			require.Equal(t, c.field, se.Field, c.name)
		}
		require.Contains(t, se.Error(), c.msg, c.name)
	}
	_, err := sim.MergeShards(clone(base))
	require.NoError(t, err, "the edits were on copies")
}

// A report file is read strictly: a file that only looks like a report
// is refused with the line at fault.
func TestParseReportIsStrict(t *testing.T) {
	cases := map[string]string{
		"": "the file is empty",
		"{\"version\": \"0.2.0\",\n\"seed\": \"one\"}":               "line 2: seed: expected uint64, got JSON string",
		`{"version": "0.2.0", "seed": 1, "designs": [], "extra": 1}`: `unknown field "extra"`,
		`{"version": "0.2.0", "seed": 1, "designs": []} {}`:          "more after the report",
		`{"seed": 1}`:                    "no version or designs",
		"{\n\"version\": \"0.2.0\",\n!}": "line 3: invalid character '!'",
	}
	for data, want := range cases {
		_, err := sim.ParseReport("r.json", []byte(data))
		var se *sim.ShardError
		require.True(t, errors.As(err, &se), "%q: %v", data, err)
		require.Equal(t, "r.json", se.File)
		require.Contains(t, err.Error(), want, data)
	}
}

// Interruptions combine: a shard interrupted before the first error's
// shard makes the merge interrupted; one after it does not count, as the
// unsharded check would have stopped first; a shard interrupted before it
// read its designs leaves every design's merge interrupted.
func TestInterruptedShardsCombine(t *testing.T) {
	base := threeShards(t)

	s := clone(base)
	s[2].Report.Interrupted, s[2].Report.Designs = true, s[2].Report.Designs[:1]
	s[2].Report.NotRun = []string{"go:correct", "go:warned"}
	m, err := sim.MergeShards(s)
	require.NoError(t, err)
	require.True(t, m.Interrupted)
	require.False(t, m.Designs[0].Interrupted, "broken's error is in shard 1: shard 2 does not count")
	require.True(t, m.Designs[1].Interrupted)
	require.Nil(t, m.NotRun, "every design was run by some shard")

	s = clone(base)
	d := s[0].Report.Designs[0]
	d.Interrupted, d.Runs = true, 10
	s[0].Report.Designs[0] = d
	m, err = sim.MergeShards(s)
	require.NoError(t, err)
	require.True(t, m.Interrupted)
	require.True(t, m.Designs[0].Interrupted)
	require.Equal(t, "DoubleFree", string(m.Designs[0].Findings[len(m.Designs[0].Findings)-1].Rule), "the error found is kept")

	s = clone(base)
	opt := sim.CheckOptions{Seed: 1, Runs: 120, Shard: sim.Shard{Index: 1, Count: 3}}
	s[1].Report = sim.NotRunReport(opt, []string{"go:broken", "go:correct", "go:warned"})
	m, err = sim.MergeShards(s)
	require.NoError(t, err)
	require.True(t, m.Interrupted)
	for _, d := range m.Designs {
		require.True(t, d.Interrupted, d.Name)
	}
	for i := range s {
		s[i].Report = sim.NotRunReport(sim.CheckOptions{Seed: 1, Runs: 120, Shard: sim.Shard{Index: i, Count: 3}}, []string{"a.yaml"})
	}
	m, err = sim.MergeShards(s)
	require.NoError(t, err)
	require.Equal(t, []string{"a.yaml"}, m.NotRun)
	require.Empty(t, m.Designs)
	require.NotNil(t, m.Designs, "designs is [] in JSON, as check prints it")
}
