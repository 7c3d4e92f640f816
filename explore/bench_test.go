package explore

import (
	"context"
	"testing"

	"github.com/ndissim/ndissim/internal/designfile"
	"github.com/ndissim/ndissim/sim"
)

// The explorer's throughput in distinct states per second, with one worker
// (per core) and with one per CPU. docs/performance.md records the figures
// against the goal of 1,000,000 states/s/core.

func benchmarkExplore(b *testing.B, d sim.Design, opt Options) {
	states, transitions := 0, int64(0)
	b.ReportAllocs()
	for b.Loop() {
		rep, err := Explore(context.Background(), d, opt)
		if err != nil {
			b.Fatal(err)
		}
		states += rep.States
		transitions += rep.Transitions
	}
	s := b.Elapsed().Seconds()
	b.ReportMetric(float64(states)/s, "states/s")
	b.ReportMetric(float64(transitions)/s, "transitions/s")
}

// defaultBounds explore the default design to completion: 3 sends in
// flight, its one stack edit, failed send completions, both IRQLs.
func defaultBounds(workers int) Options {
	opt := DefaultOptions()
	opt.Depth, opt.Workers, opt.Liveness = 1000, workers, false
	opt.Bounds.Sends, opt.Bounds.Faults = 3, sim.FaultSend
	return opt
}

func BenchmarkExploreDefault1(b *testing.B) {
	benchmarkExplore(b, designfile.Default(), defaultBounds(1))
}

func BenchmarkExploreDefaultAll(b *testing.B) {
	benchmarkExplore(b, designfile.Default(), defaultBounds(0))
}

// ndisprot waits (its pause polls with NdisMSleep), so each of its
// transitions runs many ticks.
func BenchmarkExploreNdisprot1(b *testing.B) {
	opt := DefaultOptions()
	opt.Depth, opt.Workers, opt.Liveness = 8, 1, false
	benchmarkExplore(b, lookup(b, "ndisprot"), opt)
}
