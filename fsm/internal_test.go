package fsm

import (
	"slices"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The table-driven answers must agree with what looplab itself would say,
// or the cheap paths would lie.
func TestTableAgreesWithLooplab(t *testing.T) {
	m := New()
	seen := map[State]bool{}
	var visit func()
	visit = func() {
		s := m.State()
		require.Equal(t, string(s), m.f.Current(), "cached state drifted")
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
		}
		for _, ev := range m.Available() {
			require.NoError(t, m.Fire(ev))
			visit()
			m.f.SetState(string(s))
			m.state = s
		}
	}
	visit()
	assert.Len(t, seen, len(states))
}
