package designkit_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/ndissim/ndissim/designkit"
	"github.com/ndissim/ndissim/internal/designfile"
	"github.com/ndissim/ndissim/pool"
	"github.com/ndissim/ndissim/properties"
	"github.com/ndissim/ndissim/rule"
	"github.com/ndissim/ndissim/sim"
)

// kitDesign runs the skeleton with cfg on the default design's stack: a
// miniport and two filters that need backfill, a VPN filter that needs
// more inserted mid-run.
func kitDesign(name string, cfg designkit.Config) sim.Design {
	d := designfile.Default()
	return sim.Design{
		Name: name, Stack: d.Stack, Changes: d.Changes,
		New:      designkit.Protocol(cfg),
		Workload: sim.DefaultWorkload,
		Source:   []byte(fmt.Sprintf("designkit %s %+v", name, cfg)),
	}
}

// variants are the skeleton's correct shapes.
func variants() map[string]designkit.Config {
	separate := designkit.SeparateConfig()
	baked := designkit.DefaultConfig()
	baked.BakeContext = true
	waits := designkit.DefaultConfig()
	waits.Wait = true
	copies := designkit.DefaultConfig()
	copies.ReceivePool = &pool.NBLPoolParameters{AllocateNetBuffer: true, PoolTag: designkit.DefaultTag}
	returns := designkit.DefaultConfig()
	returns.MaxHeld = 0
	forRead := copies
	forRead.HoldForRead = true
	return map[string]designkit.Config{
		"default": designkit.DefaultConfig(), "separate": separate, "baked": baked,
		"waits": waits, "copies": copies, "returns": returns, "holds-for-read": forRead,
	}
}

// Every variant keeps every invariant and draws no finding, warnings
// included, on a stack that grows mid-run.
func TestSkeletonIsCorrect(t *testing.T) {
	t.Parallel()
	for name, cfg := range variants() {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			properties.Check(t, kitDesign(name, cfg), properties.Options{Runs: 300, Strict: true, FailDir: t.TempDir()})
		})
	}
}

// Driver-wide pools outlive each unbind: NDIS cannot tell them from a
// leak, so they draw ResourcesKeptPastUnbind, a warning, and nothing else.
func TestDriverPoolsDrawOnlyTheirWarning(t *testing.T) {
	t.Parallel()
	cfg := designkit.DefaultConfig()
	cfg.DriverPools = true
	rep, err := sim.Check(context.Background(), kitDesign("driver-pools", cfg), sim.CheckOptions{Seed: sim.DefaultSeed, Runs: 300})
	if err != nil {
		t.Fatal(err)
	}
	seen := map[rule.Name]bool{}
	for _, f := range rep.Findings {
		seen[f.Rule] = true
	}
	if len(seen) != 1 || !seen[rule.ResourcesKeptPastUnbind] {
		t.Errorf("driver-wide pools drew %v, want only ResourcesKeptPastUnbind", seen)
	}
}

// Wait blocks where the default pends: over many runs the waiting skeleton
// sleeps in a pause and waits on its event, and never returns PENDING from
// a pause or an unbind.
func TestWaitWaitsInsteadOfPending(t *testing.T) {
	t.Parallel()
	e := sim.NewEngine(kitDesign("waits", variants()["waits"]))
	var slept, waited bool
	for seed := uint64(1); seed <= 200; seed++ {
		for _, l := range e.Trace(seed).Lines {
			slept = slept || strings.Contains(l, "NdisMSleep")
			waited = waited || strings.Contains(l, "NdisWaitEvent")
			if strings.Contains(l, "NetEventPause) returned PENDING") || strings.Contains(l, "ProtocolUnbindAdapterEx returned PENDING") {
				t.Fatalf("seed %d: a waiting design pended: %s", seed, l)
			}
		}
	}
	if !slept || !waited {
		t.Errorf("in 200 runs the waiting skeleton slept=%v, waited on its event=%v; want both", slept, waited)
	}
}
