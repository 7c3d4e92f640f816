package main

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/stretchr/testify/require"
)

// shardReports runs check as n shards of the same command line and
// returns the paths of their --json reports.
func shardReports(t *testing.T, n int, args ...string) []string {
	t.Helper()
	dir := t.TempDir()
	var files []string
	for i := range n {
		code, out, errs := ndissim(t, append(args, "--json", "--shard", fmt.Sprintf("%d/%d", i, n))...)
		require.Contains(t, []int{exitOK, exitFindings}, code, errs)
		p := filepath.Join(dir, fmt.Sprintf("shard-%d.json", i))
		require.NoError(t, os.WriteFile(p, []byte(out), 0o644))
		files = append(files, p)
	}
	return files
}

// check --shard I/N for every I, merged, prints what the unsharded check
// prints, and exits as it does.
func TestMergedShardsAreTheUnshardedCheck(t *testing.T) {
	f := writeFile(t, "short.yaml", shortDesign)
	args := []string{"check", f, "--design", "ndisprot", "--runs", "60", "--out", t.TempDir()}
	wantCode, want, errs := ndissim(t, append(args, "--json", "--strict")...)
	require.Contains(t, []int{exitOK, exitFindings}, wantCode, errs)
	require.Contains(t, want, `"rule": `, "a check with findings to merge")
	require.Contains(t, want, `"pairs_seen": `, "the coverage is merged too")
	for _, n := range []int{1, 2, 3} {
		files := shardReports(t, n, args...)
		code, got, errs := ndissim(t, append([]string{"merge", "--json", "--strict"}, files...)...)
		require.Equal(t, wantCode, code, errs)
		require.Equal(t, want, got, "%d shards", n)

		code, text, _ := ndissim(t, append([]string{"merge"}, files...)...)
		require.Contains(t, []int{exitOK, exitFindings}, code)
		require.Contains(t, text, ": short (")
		require.Contains(t, text, "\n  coverage: ")
	}
}

// --shard env/N reads the index a Kubernetes Indexed Job sets.
func TestShardIndexFromTheEnvironment(t *testing.T) {
	out := t.TempDir()
	t.Setenv("JOB_COMPLETION_INDEX", "1")
	codeA, a, errs := ndissim(t, "check", "--runs", "9", "--json", "--shard", "env/3", "--out", out)
	require.Contains(t, []int{exitOK, exitFindings}, codeA, errs)
	codeB, b, _ := ndissim(t, "check", "--runs", "9", "--json", "--shard", "1/3", "--out", out)
	require.Equal(t, codeB, codeA)
	require.Equal(t, b, a)
	require.Contains(t, a, `"first_seed": 4`)

	_, text, _ := ndissim(t, "check", "--runs", "9", "--shard", "1/3", "--out", out)
	require.Contains(t, text, "shard 1/3: 3 of 9 runs, seeds 4 to 6")
}

// A bad --shard is exit 2 naming the flag, before anything runs.
func TestBadShardIsRefused(t *testing.T) {
	out := filepath.Join(t.TempDir(), "never")
	cases := map[string]struct{ shard, env, want string }{
		"index too large":  {"4/4", "", "--shard 4/4: expected an index from 0 to 3 for 4 shards"},
		"no slash":         {"2", "", `--shard "2": expected I/N`},
		"zero shards":      {"0/0", "", "--shard 0/0: expected I/N"},
		"too many shards":  {"0/10001", "", "--shard 0/10001: expected I/N"},
		"env unset":        {"env/4", "", "--shard env/4: expected JOB_COMPLETION_INDEX set to an index from 0 to 3"},
		"env out of range": {"env/4", "7", `it is "7"`},
	}
	for name, c := range cases {
		t.Setenv("JOB_COMPLETION_INDEX", c.env)
		code, _, errs := ndissim(t, "check", "--shard", c.shard, "--out", out)
		require.Equal(t, exitInput, code, name)
		require.Contains(t, errs, c.want, name)
		require.NoDirExists(t, out, "nothing ran")
	}
}

// merge refuses what is not every shard of one check, naming the file.
func TestMergeRefusesWhatIsNotOneCheck(t *testing.T) {
	args := []string{"check", "--runs", "12", "--out", t.TempDir()}
	three := shardReports(t, 3, args...)
	other := shardReports(t, 3, append(args, "--seed", "5")...)
	whole := writeFile(t, "whole.json", func() string { _, out, _ := ndissim(t, append(args, "--json")...); return out }())
	cases := map[string]struct {
		files []string
		want  string
	}{
		"missing":   {three[:2], "missing shard(s) 2 of 3"},
		"duplicate": {append(three, three[0]), "shard 0/3 is given twice"},
		"mixed":     {[]string{three[0], other[1], three[2]}, other[1] + ": seed: 5, but " + three[0] + " has 1"},
		"unsharded": {[]string{whole}, whole + ": shard: not a shard's report"},
		"not json":  {[]string{writeFile(t, "x.json", "version: 1\n")}, "x.json: not a JSON report of ndissim check: line 1"},
		"a device":  {[]string{os.DevNull}, "a device, not a regular file"},
		"empty arg": {[]string{three[0], ""}, "argument 2 is empty"},
	}
	for name, c := range cases {
		code, out, errs := ndissim(t, append([]string{"merge"}, c.files...)...)
		require.Equal(t, exitInput, code, name)
		require.Empty(t, out, name)
		require.Contains(t, errs, c.want, name)
	}
	code, _, _ := ndissim(t, "merge")
	require.Equal(t, exitInput, code, "merge needs a report")
}

// validate says how many rules entries a file has.
func TestValidateCountsRuleSettings(t *testing.T) {
	f := writeFile(t, "r.yaml", shortDesign+"rules:\n  - {rule: SendBackfillShortfall, severity: error}\n")
	code, out, errs := ndissim(t, "validate", f)
	require.Equal(t, exitOK, code, errs)
	require.Contains(t, out, "change(s), 1 rule setting(s)\n")
}

// With a rules: section and rule control, the shards merged give the
// unsharded check's JSON, SARIF, JUnit and HTML, byte for byte, and its
// exit code.
func TestMergedShardsKeepRuleControlAndEveryFormat(t *testing.T) {
	f := writeFile(t, "rules.yaml", rulesDesign)
	ctx := writeFile(t, "ctx12.yaml", ctx12Design)
	control := []string{"--disable", "SendBackfillShortfall", "--fail-on", "warning"}
	check := []string{"check", f, ctx, "--design", "ndisprot", "--runs", "40", "--out", t.TempDir()}
	reports := func(dir string) []string {
		return []string{"--sarif", filepath.Join(dir, "r.sarif"), "--junit", filepath.Join(dir, "r.xml"), "--html", filepath.Join(dir, "r.html")}
	}
	whole, merged := t.TempDir(), t.TempDir()
	wantCode, want, errs := ndissim(t, slices.Concat(check, control, reports(whole), []string{"--json"})...)
	require.Equal(t, exitFindings, wantCode, errs)
	files := shardReports(t, 3, check...)
	code, got, errs := ndissim(t, slices.Concat([]string{"merge"}, control, reports(merged), []string{"--json"}, files)...)
	require.Equal(t, wantCode, code, errs)
	require.Equal(t, want, got)
	for _, name := range []string{"r.sarif", "r.xml", "r.html"} {
		a, err := os.ReadFile(filepath.Join(whole, name))
		require.NoError(t, err)
		b, err := os.ReadFile(filepath.Join(merged, name))
		require.NoError(t, err)
		require.Equal(t, string(a), string(b), name)
	}

	// The merge's own policy judges: without --fail-on warning the
	// remaining warnings pass.
	code, text, errs := ndissim(t, append([]string{"merge", "--disable", "SendBackfillShortfall", "--disable", "PoolContextAlignment"}, files...)...)
	require.Equal(t, exitOK, code, errs)
	require.Contains(t, text, "\npass with 1 warning: 3 designs\n")
}
