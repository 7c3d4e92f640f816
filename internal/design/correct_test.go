package design

import (
	"context"
	"os"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/ndissim/ndissim/rule"
	"github.com/ndissim/ndissim/sim"
)

// correctRuns is how many runs each correct design must pass: 100,000 with
// NDISSIM_LONG=1 (CI runs that without the race detector), fewer otherwise
// so that `go test ./...` stays quick.
func correctRuns(t *testing.T) int {
	switch {
	case os.Getenv("NDISSIM_LONG") == "1":
		return 100_000
	case testing.Short():
		return 100
	}
	return 1_000
}

// The correct settings of the configurable protocol. Every one must draw no
// finding at all, warnings included: a false alarm is as serious a bug in
// ndissim as a missed one. Faults do not change that: a restart whose pool
// rebuild fails retries from its work item and, failing that, runs on its
// old pools, and a failed requirements query falls back on the restart's
// attributes, so no restart fails (PnPEventFailed) however the faults fall.
func correctConfigs() map[string]Config {
	out := map[string]Config{}
	for _, req := range []Requirements{RequirementsAttributes, RequirementsOID} {
		for _, sz := range []string{"allocation", "pool-when-grown", "pool-always"} {
			for _, api := range []string{"combined", "separate", "separate-data"} {
				for _, hold := range []bool{true, false} {
					c := DefaultConfig()
					c.Requirements = req
					c.Receive.Hold = hold
					switch sz {
					case "pool-when-grown":
						c.Sizing = SizingPool
					case "pool-always":
						c.Sizing, c.Rebuild = SizingPool, RebuildAlways
					}
					switch api {
					case "separate":
						c.Send.API, c.Send.NetBuffers, c.NBPool = SendSeparate, 2, &NBPoolConfig{}
						c.NBLPool.AllocateNetBuffer = false
					case "separate-data":
						c.Send.API, c.Send.NetBuffers, c.NBPool = SendSeparate, 3, &NBPoolConfig{DataSize: 2048}
						c.NBLPool.AllocateNetBuffer = false
					}
					name := strings.Join([]string{string(req), sz, api, map[bool]string{true: "hold", false: "return"}[hold]}, "/")
					out[name] = c
				}
			}
		}
	}
	return out
}

func TestCorrectDesignsDrawNoFinding(t *testing.T) {
	runs := correctRuns(t)
	configs := correctConfigs()
	for name, cfg := range configs {
		t.Run(name, func(t *testing.T) {
			require.NoError(t, cfg.Validate())
			n := runs
			rep, err := sim.Check(context.Background(), brokenRefDesign(name, Configurable(cfg)),
				sim.CheckOptions{Seed: sim.DefaultSeed, Runs: n})
			require.NoError(t, err)
			require.Equal(t, n, rep.Runs)
			for _, f := range rep.Findings {
				require.Fail(t, "false alarm", "%s: %s (%s) at seed %d: %s\n%s",
					name, f.Rule, f.Severity, f.Seed, f.Message, strings.Join(f.Lines, "\n"))
			}
		})
	}
	// The two models of the sample draw no error; their backfill and
	// context shortfall warnings are the sample's design, and stay.
	for _, name := range []string{"ndisprot", "ndisprot-pended"} {
		t.Run(name, func(t *testing.T) {
			g, ok := sim.Lookup(name)
			require.True(t, ok)
			rep, err := sim.Check(context.Background(), g.Design(), sim.CheckOptions{Seed: sim.DefaultSeed, Runs: runs})
			require.NoError(t, err)
			require.Equal(t, runs, rep.Runs)
			for _, f := range rep.Findings {
				require.Equal(t, rule.Warning.String(), f.Severity, "%s: %s at seed %d: %s\n%s",
					f.Rule, f.Severity, f.Seed, f.Message, strings.Join(f.Lines, "\n"))
				require.Contains(t, []rule.Name{rule.SendBackfillShortfall, rule.SendContextShortfall}, f.Rule)
			}
		})
	}
}
