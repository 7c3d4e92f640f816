package fsm

import (
	"slices"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The table-driven answers must agree with what looplab itself would say,
// or the cheap paths would lie.
// The machine New returns runs the table alone; one with callbacks runs
// looplab. Both, and looplab's own answers, agree on every edge.
func TestTableAgreesWithLooplab(t *testing.T) {
	m, err := NewWithCallbacks(nil)
	require.NoError(t, err)
	fast := New()
	require.Nil(t, fast.f, "New builds no looplab machine")
	seen := map[State]bool{}
	var visit func()
	visit = func() {
		s := m.State()
		require.Equal(t, string(s), m.f.Current(), "cached state drifted")
		require.Equal(t, s, fast.State(), "the table-driven machine drifted from looplab")
		if seen[s] {
			return
		}
		seen[s] = true
		lavail := m.f.AvailableTransitions()
		slices.Sort(lavail)
		var ours []string
		for _, ev := range m.Available() {
			ours = append(ours, string(ev))
		}
		slices.Sort(ours)
		assert.Equal(t, lavail, ours, s)
		for _, ev := range events {
			assert.Equal(t, m.f.Can(string(ev)), m.Can(ev), "%s/%s", s, ev)
			assert.Equal(t, m.Can(ev), fast.Can(ev), "%s/%s", s, ev)
		}
		for _, ev := range m.Available() {
			require.NoError(t, m.Fire(ev))
			require.NoError(t, fast.Fire(ev))
			visit()
			m.f.SetState(string(s))
			m.state, fast.state = s, s
		}
	}
	visit()
	assert.Len(t, seen, len(states))
}

// The table-driven machine the simulator uses allocates nothing per event.
func TestFireAllocatesNothing(t *testing.T) {
	m := New()
	cycle := []Event{Bind, BindComplete, Restart, RestartComplete, Pause, PauseComplete, Unbind, UnbindComplete}
	allocs := testing.AllocsPerRun(100, func() {
		for _, ev := range cycle {
			if err := m.Fire(ev); err != nil {
				t.Fatal(err)
			}
		}
	})
	require.Zero(t, allocs)
}

// next, which Can and Fire use, answers for every (state, event) pair as
// the table does, and refuses what the lifecycle does not know.
func TestNextIsTheTable(t *testing.T) {
	for _, s := range States() {
		for _, ev := range Events() {
			want, wantOK := dst[edge{s, ev}]
			got, ok := next(s, ev)
			if ok != wantOK || got != want {
				t.Errorf("next(%s, %s) = %s, %v; the table says %s, %v", s, ev, got, ok, want, wantOK)
			}
		}
	}
	if _, ok := next("Bound", Bind); ok {
		t.Error("a state the lifecycle does not know accepts an event")
	}
}
