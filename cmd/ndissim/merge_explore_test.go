package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// explore --shard I/N for every I, merged, finds what the unsharded
// exploration finds, with traces of the same length, and exits as it does.
func TestMergedExploreShards(t *testing.T) {
	args := []string{"explore", "--design", "broken-pause-no-signal", "--design", "broken-double-free",
		"--depth", "10", "--faults", "all", "--no-time", "--out", t.TempDir()}
	wantCode, want, errs := ndissim(t, args...)
	require.Equal(t, exitFindings, wantCode, errs)
	for _, n := range []int{1, 2, 3} {
		files := shardReports(t, n, args...)
		code, got, errs := ndissim(t, append([]string{"merge"}, files...)...)
		require.Equal(t, wantCode, code, errs)
		require.Contains(t, got, "merged from")
		// The finding and lasso lines (rule, moves) are the unsharded ones.
		lines := 0
		for _, l := range strings.Split(want, "\n") {
			switch {
			case strings.Contains(l, "a prefix of"):
				require.Contains(t, got, l, "%d shards", n)
				lines++
			case strings.Contains(l, "move(s), a shortest path"):
				rule, _, _ := strings.Cut(l, ":") // the NBL it names may be another
				require.Contains(t, got, rule+":", "%d shards", n)
				lines++
			}
		}
		require.Equal(t, 2, lines, "a lasso and a finding to compare")
		code, js, errs := ndissim(t, append([]string{"merge", "--json"}, files...)...)
		require.Equal(t, wantCode, code, errs)
		require.Contains(t, js, `"shards": `)
	}
}

// Check's and explore's reports do not merge together, and check's report
// flags are refused for explore's shards, each named.
func TestMergeExploreRefusals(t *testing.T) {
	out := t.TempDir()
	ex := shardReports(t, 2, "explore", "--depth", "3", "--no-time", "--out", out)
	ck := shardReports(t, 2, "check", "--runs", "5", "--out", out)
	code, _, errs := ndissim(t, "merge", ex[0], ck[1])
	require.Equal(t, exitInput, code)
	require.Contains(t, errs, ck[1]+": a check report, but ")
	code, _, errs = ndissim(t, "merge", ex[0], ex[1], "--sarif", filepath.Join(out, "x.sarif"), "--strict")
	require.Equal(t, exitInput, code)
	require.Contains(t, errs, "--sarif")
	require.Contains(t, errs, "--strict: applies to check's reports")
	empty := filepath.Join(out, "empty.json") // a shard that could not run
	require.NoError(t, os.WriteFile(empty, nil, 0o644))
	code, _, errs = ndissim(t, "merge", ex[0], empty)
	require.Equal(t, exitInput, code)
	require.Contains(t, errs, "empty.json: not a JSON report of ndissim explore: the file is empty")
	bad := filepath.Join(out, "bad.json")
	require.NoError(t, os.WriteFile(bad, []byte("[\n{\"design\": 1}]"), 0o644))
	code, _, errs = ndissim(t, "merge", ex[0], bad)
	require.Equal(t, exitInput, code)
	require.Contains(t, errs, "bad.json: not a JSON report of ndissim explore: line 2")
}

// A long exploration prints progress lines on stderr (here: at every
// batch), and none with --no-progress; stdout is the same either way.
func TestExploreProgressLines(t *testing.T) {
	every := exploreProgressEvery
	exploreProgressEvery = 0
	t.Cleanup(func() { exploreProgressEvery = every })
	args := []string{"explore", "--depth", "4", "--no-time", "--out", t.TempDir()}
	code, out, errs := ndissim(t, args...)
	require.Equal(t, exitOK, code, errs)
	require.Contains(t, errs, "explore default: depth 0, ")
	require.Contains(t, errs, " left to expand, 0 rule(s) broken, ")
	code, quiet, errs := ndissim(t, append(args, "--no-progress")...)
	require.Equal(t, exitOK, code, errs)
	require.Empty(t, errs)
	require.Equal(t, out, quiet)
}

// A merge of explore's shards of which one was interrupted, with nothing
// found, exits as the interrupted exploration would: 130, never 0.
func TestMergeOfAnInterruptedExploreShard(t *testing.T) {
	files := shardReports(t, 2, "explore", "--depth", "4", "--no-time", "--out", t.TempDir())
	data, err := os.ReadFile(files[1])
	require.NoError(t, err)
	edited := strings.Replace(string(data), `"stopped": "depth"`, `"stopped": "interrupted"`, 1)
	require.NotEqual(t, string(data), edited)
	require.NoError(t, os.WriteFile(files[1], []byte(edited), 0o644))
	code, out, errs := ndissim(t, append([]string{"merge"}, files...)...)
	require.Equal(t, exitSIGINT, code, errs)
	require.Contains(t, out, "interrupted")
}
