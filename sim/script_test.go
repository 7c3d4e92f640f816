package sim_test

import (
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/ndissim/ndissim/binding"
	"github.com/ndissim/ndissim/fsm"
	"github.com/ndissim/ndissim/rule"
	"github.com/ndissim/ndissim/sim"
)

// pendHalf pends every other decision that can pend and fails nothing.
type pendHalf struct{ n int }

func (p *pendHalf) Decide(d binding.Decision) bool {
	switch d {
	case binding.DecideOpenPends, binding.DecideClosePends, binding.DecideOidPends:
		p.n++
		return p.n%2 == 0
	case binding.DecideSendCompletesNow:
		return false
	}
	return false
}

// A Script makes the engine's moves with the caller's choices: it offers
// only the legal moves, in the engine's order, ticks once a move, and its
// teardown ends every run Unbound with nothing held.
func TestScriptMakesTheEnginesMoves(t *testing.T) {
	d := demo(t)
	s := sim.NewScript(d, &pendHalf{}, nil)
	for run := range 20 {
		s.Reset(run%5 == 0)
		require.Zero(t, s.Ticks())
		require.Equal(t, []sim.MoveKind{sim.MoveBind}, s.LegalMoves(nil))
		r := rand.New(rand.NewPCG(uint64(run), 1))
		var buf []sim.MoveKind
		for i := range 300 {
			buf = s.LegalMoves(buf[:0])
			require.NotEmpty(t, buf)
			require.True(t, slices.IsSorted(buf), "moves out of the engine's order: %v", buf)
			sit := s.Situation()
			for k := sim.MoveCompleteSend; k <= sim.MoveUnbind; k++ {
				require.Equal(t, slices.Contains(buf, k), sit.Legal(k), "%s in %+v", k, sit)
			}
			m := sim.Move{Kind: buf[r.IntN(len(buf))], N: 64 + r.IntN(1437), OK: r.IntN(8) != 0}
			switch m.Kind {
			case sim.MoveCompleteSend:
				m.I = r.IntN(sit.Out.Sends)
			case sim.MoveCompleteOid:
				m.I = r.IntN(sit.Out.OIDs)
			case sim.MoveIndicate:
				m.N = 1 + r.IntN(3)
			}
			s.Apply(m)
			require.Equal(t, i+1, s.Ticks())
			require.False(t, s.Binding().Halted(), "%s: %v", m.Kind, s.Binding().Findings())
		}
		s.Teardown()
		b := s.Binding()
		require.Equal(t, fsm.Unbound, b.State())
		require.False(t, b.Busy())
		for _, f := range b.Findings() {
			require.NotEqual(t, rule.Error, f.Severity, "%v", f)
		}
		if lines := s.Lines(); run%5 == 0 {
			require.NotEmpty(t, lines)
			require.True(t, strings.HasPrefix(lines[0], "    1  NDIS "), lines[0])
		} else {
			require.Empty(t, lines)
		}
	}
}

func TestMoveKindsHaveWeightsAndNames(t *testing.T) {
	for k := sim.MoveCompleteSend; k <= sim.MoveUnbind; k++ {
		require.Positive(t, k.Weight(), "%s", k)
		require.NotContains(t, k.String(), "MoveKind(")
	}
	require.Zero(t, sim.MoveKind(0).Weight())
	require.Equal(t, "MoveKind(0)", sim.MoveKind(0).String())
}
