package sim_test

import (
	"context"
	"testing"

	"github.com/ndissim/ndissim/sim"
)

// BenchmarkRun measures complete runs (bind to unbind) of the demo design
// at 100 steps; steps/s and ns/step are reported beside ns/run.
func BenchmarkRun(b *testing.B) { benchmarkRuns(b, demo(b), 100) }

// BenchmarkLongRun measures steps in a long run, where bind and unbind
// weigh little.
func BenchmarkLongRun(b *testing.B) { benchmarkRuns(b, demo(b), 10_000) }

// benchmarkRuns measures complete runs of d, stepsPerRun steps each, one
// seed after another, as a check's worker runs them.
func benchmarkRuns(b *testing.B, d sim.Design, stepsPerRun int) {
	d.Workload.Steps = stepsPerRun
	e := sim.NewEngine(d)
	steps := 0
	b.ReportAllocs()
	seed := uint64(0)
	for b.Loop() {
		seed++
		steps += e.Run(seed).Steps
	}
	b.ReportMetric(float64(steps)/b.Elapsed().Seconds(), "steps/s")
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(steps), "ns/step")
}

func benchmarkCheck(b *testing.B, workers int) {
	d := demo(b)
	d.Workload.Steps = 100
	for b.Loop() {
		if _, err := sim.Check(context.Background(), d, sim.CheckOptions{Seed: 1, Runs: 2000, Workers: workers}); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(2000*float64(b.N)/b.Elapsed().Seconds(), "runs/s")
}

func BenchmarkCheckWorkers1(b *testing.B) { benchmarkCheck(b, 1) }
func BenchmarkCheckWorkers2(b *testing.B) { benchmarkCheck(b, 2) }
