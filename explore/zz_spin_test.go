package explore

import (
	"testing"

	"github.com/ndissim/ndissim/internal/designfile"
	"github.com/ndissim/ndissim/sim"
)

func BenchmarkZZSpin(b *testing.B) {
	opt := DefaultOptions()
	opt.Depth, opt.Workers, opt.Liveness = 1000, 1, false
	opt.Bounds.Sends, opt.Bounds.Edits, opt.Bounds.Faults = 6, 6, sim.FaultSend
	benchmarkExplore(b, designfile.Default(), opt)
}
