package designfile_test

import (
	"context"
	"os"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/ndissim/ndissim/internal/designfile"
	"github.com/ndissim/ndissim/rule"
	"github.com/ndissim/ndissim/sim"
)

// TestDefaultDesignDrawsNoFinding checks the embedded default design, the
// configurable protocol in its default settings: no finding at all,
// warnings included, in 2,000 runs (100,000 with NDISSIM_LONG=1).
func TestDefaultDesignDrawsNoFinding(t *testing.T) {
	runs := 2_000
	if os.Getenv("NDISSIM_LONG") == "1" {
		runs = 100_000
	}
	rep, err := sim.Check(context.Background(), designfile.Default(), sim.CheckOptions{Seed: sim.DefaultSeed, Runs: runs})
	require.NoError(t, err)
	require.Equal(t, runs, rep.Runs)
	for _, f := range rep.Findings {
		require.Fail(t, "false alarm", "%s (%s) at seed %d: %s\n%s", f.Rule, f.Severity, f.Seed, f.Message, strings.Join(f.Lines, "\n"))
	}
}

// defaultWithProtocol is the default design with its protocol section replaced.
func defaultWithProtocol(protocol string) []byte {
	src := string(designfile.DefaultYAML)
	start := strings.Index(src, "\nprotocol:")
	end := strings.Index(src, "\n# What the environment does")
	return []byte(src[:start] + "\nprotocol:\n" + protocol + src[end:])
}

// TestSettingsAreNotRepaired checks that a setting maps to the NDIS calls
// the documentation lists and nothing else: a setting that makes those
// calls break a rule draws that rule, it is not quietly made to work.
func TestSettingsAreNotRepaired(t *testing.T) {
	for _, c := range []struct {
		name, protocol string
		want           rule.Name
	}{
		{"combined from a data pool", "  nbl_pool: {data_size: 2048}\n", rule.CombinedAllocNeedsNetBufferPool},
		{"combined from a pool without NBs", "  nbl_pool: {allocate_net_buffer: false}\n", rule.CombinedAllocNeedsNetBufferPool},
		{"a context size not rounded", "  nbl_pool: {context_size: 12}\n", rule.PoolContextAlignment},
		{"a data pool without NBs", "  nbl_pool: {allocate_net_buffer: false, data_size: 2048}\n", rule.PoolDataSizeWithoutNetBuffer},
		{"an NB data pool smaller than the backfill",
			"  nbl_pool: {allocate_net_buffer: false}\n  nb_pool: {data_size: 32}\n  send: {api: separate}\n", rule.NetBufferDataRange},
		{"separate NBs after the NBL's own, empty one",
			"  nb_pool: {}\n  send: {api: separate}\n", rule.SendWithoutData},
	} {
		t.Run(c.name, func(t *testing.T) {
			d, err := designfile.Parse("t.yaml", defaultWithProtocol(c.protocol))
			require.NoError(t, err, "a design that breaks a rule is valid input")
			rep, err := sim.Check(context.Background(), d, sim.CheckOptions{Seed: sim.DefaultSeed, Runs: 200})
			require.NoError(t, err)
			var errs []rule.Name
			for _, f := range rep.Findings {
				if f.Severity == rule.Error.String() {
					errs = append(errs, f.Rule)
				}
			}
			require.Equal(t, []rule.Name{c.want}, errs)
		})
	}
}
