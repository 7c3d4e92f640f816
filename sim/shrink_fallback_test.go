package sim_test

import (
	"slices"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/ndissim/ndissim/rule"
	"github.com/ndissim/ndissim/sim"
)

// A run's whole stream holds its teardown's choices after its moves', so
// replayed as moves it may not break its rule again. A shrink that met no
// failing candidate (here: stopped before its first) must then keep the
// run as drawn, replayed with its moves, and say it is unshrunk.
func TestShrinkWithNoFailingCandidateKeepsTheRunAsDrawn(t *testing.T) {
	for _, g := range sim.GoDesigns() {
		d := g.Design()
		e := sim.NewEngine(d)
		for seed := uint64(1); seed <= 200; seed++ {
			res := e.Run(seed)
			f := res.Err()
			if f == nil {
				continue
			}
			stream := slices.Clone(res.Stream)
			if hasRule(e.ReplayMoves(stream, 0, false).Findings, f.Rule) {
				continue // the whole stream as moves breaks it too
			}
			kept, moves, unshrunk := sim.ShrinkStopped(d, seed, *f, stream, res.Steps)
			require.True(t, unshrunk, "%s seed %d", d.Name, seed)
			require.Equal(t, stream, kept, "%s seed %d: the run as drawn", d.Name, seed)
			require.True(t, hasRule(e.ReplayMoves(kept, res.Steps, false).Findings, f.Rule),
				"%s seed %d: the kept run breaks %s again", d.Name, seed, f.Rule)
			require.Equal(t, res.Steps, moves, "%s seed %d: the moves it was drawn with", d.Name, seed)
			return
		}
	}
	t.Fatal("no built-in design's run loses its rule when its whole stream is replayed as moves: the test needs one")
}

func hasRule(fs []rule.Finding, r rule.Name) bool {
	for _, f := range fs {
		if f.Rule == r {
			return true
		}
	}
	return false
}
