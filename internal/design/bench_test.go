package design

import (
	"testing"

	"github.com/ndissim/ndissim/rule"
	"github.com/ndissim/ndissim/sim"
)

// BenchmarkFirstFinding measures, for each broken design, the time from the
// first seed to the run that draws the design's rule (ns/op), how many runs
// that took, and how many steps the shrunk trace keeps. docs/performance.md
// carries the figures.
func BenchmarkFirstFinding(b *testing.B) {
	for _, g := range sim.GoDesigns() {
		if g.Breaks == "" {
			continue
		}
		b.Run(g.Name, func(b *testing.B) {
			d := g.Design()
			e := sim.NewEngine(d)
			var runs int
			var found sim.Result
			for b.Loop() {
				runs = 0
				for seed := uint64(sim.DefaultSeed); ; seed++ {
					runs++
					if r := e.Run(seed); hasRule(r.Findings, g.Breaks) {
						found = r
						break
					}
				}
			}
			b.StopTimer()
			shrunk, _ := e.Shrink(found.Stream, g.Breaks)
			b.ReportMetric(float64(runs), "runs")
			b.ReportMetric(float64(e.Replay(shrunk, false).Steps), "shrunk-steps")
		})
	}
}

func hasRule(fs []rule.Finding, r rule.Name) bool {
	for _, f := range fs {
		if f.Rule == r {
			return true
		}
	}
	return false
}
