package fsm_test

import (
	"errors"
	"fmt"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ndissim/ndissim/fsm"
)

// The table under test is the one on
// learn.microsoft.com/windows-hardware/drivers/network/protocol-binding-states-and-operations
// (and the pages it links): bind, pause/restart, unbind, with failure edges
// only where NDIS allows a failure (bind and restart, never pause).

// pathTo holds an event path from Unbound to every state.
var pathTo = map[fsm.State][]fsm.Event{
	fsm.Unbound:    {},
	fsm.Opening:    {fsm.Bind},
	fsm.Paused:     {fsm.Bind, fsm.BindComplete},
	fsm.Restarting: {fsm.Bind, fsm.BindComplete, fsm.Restart},
	fsm.Running:    {fsm.Bind, fsm.BindComplete, fsm.Restart, fsm.RestartComplete},
	fsm.Pausing:    {fsm.Bind, fsm.BindComplete, fsm.Restart, fsm.RestartComplete, fsm.Pause},
	fsm.Closing:    {fsm.Bind, fsm.BindComplete, fsm.Unbind},
}

func machineIn(t testing.TB, s fsm.State) *fsm.Machine {
	t.Helper()
	m := fsm.New()
	for _, ev := range pathTo[s] {
		require.NoError(t, m.Fire(ev))
	}
	require.Equal(t, s, m.State())
	return m
}

func allowed(s fsm.State) []fsm.Event {
	var evs []fsm.Event
	for _, ev := range fsm.Events() {
		for _, tr := range fsm.Transitions() {
			if tr.From == s && tr.Event == ev {
				evs = append(evs, ev)
			}
		}
	}
	return evs
}

func TestTablesAreFixed(t *testing.T) {
	assert.Equal(t, []fsm.State{fsm.Unbound, fsm.Opening, fsm.Paused, fsm.Restarting,
		fsm.Running, fsm.Pausing, fsm.Closing}, fsm.States())
	assert.Equal(t, []fsm.Event{fsm.Bind, fsm.BindFailed, fsm.BindComplete, fsm.Restart,
		fsm.RestartComplete, fsm.RestartFailed, fsm.Pause, fsm.PauseComplete,
		fsm.Unbind, fsm.UnbindComplete}, fsm.Events())

	trs := fsm.Transitions()
	require.Len(t, trs, 10)
	for i, tr := range trs {
		assert.Equal(t, fsm.Events()[i], tr.Event, "table order follows Events()")
		assert.NotEmpty(t, tr.Mechanism, tr.Event)
	}
	// Callers get copies, so they cannot corrupt the package tables.
	trs[0].To = fsm.Running
	fsm.States()[0] = fsm.Running
	fsm.Events()[0] = fsm.Pause
	assert.Equal(t, fsm.Opening, fsm.Transitions()[0].To)
	assert.Equal(t, fsm.Unbound, fsm.States()[0])
	assert.Equal(t, fsm.Bind, fsm.Events()[0])
}

func TestEveryTransitionFires(t *testing.T) {
	for _, tr := range fsm.Transitions() {
		t.Run(string(tr.Event), func(t *testing.T) {
			m := machineIn(t, tr.From)
			require.True(t, m.Can(tr.Event))
			require.NoError(t, m.Fire(tr.Event))
			assert.Equal(t, tr.To, m.State())
		})
	}
}

func TestInvalidEventsAreRejected(t *testing.T) {
	unknown := []fsm.Event{"", "Bind", "bind-pending", "pause-failed"}
	for _, s := range fsm.States() {
		legal := allowed(s)
		for _, ev := range append(fsm.Events(), unknown...) {
			if contains(legal, ev) {
				continue
			}
			t.Run(fmt.Sprintf("%s/%s", s, ev), func(t *testing.T) {
				m := machineIn(t, s)
				assert.False(t, m.Can(ev))
				err := m.Fire(ev)
				var inv *fsm.InvalidEventError
				require.True(t, errors.As(err, &inv), "got %v", err)
				assert.Equal(t, ev, inv.Event)
				assert.Equal(t, s, inv.State)
				assert.Equal(t, s, m.State(), "a refused event must not move the machine")
				// The machine still works after a refusal.
				for _, next := range legal[:1] {
					assert.NoError(t, m.Fire(next))
				}
			})
		}
	}
}

func TestInvalidEventErrorMessage(t *testing.T) {
	err := machineIn(t, fsm.Paused).Fire(fsm.Pause)
	assert.EqualError(t, err, `event "pause" is not allowed in state Paused`)
	err = fsm.New().Fire("bnid")
	assert.EqualError(t, err, `unknown event "bnid" in state Unbound`)
}

func TestAvailable(t *testing.T) {
	for _, s := range fsm.States() {
		m := machineIn(t, s)
		want := allowed(s)
		require.NotEmpty(t, want, "every state has a way out")
		for range 50 {
			require.Equal(t, want, m.Available(), s)
		}
		got := m.Available()
		got[0] = "clobbered"
		assert.Equal(t, want, m.Available(), "Available returns a copy")
	}
}

func TestReset(t *testing.T) {
	for _, s := range fsm.States() {
		m := machineIn(t, s)
		m.Reset()
		assert.Equal(t, fsm.Unbound, m.State())
		assert.Equal(t, []fsm.Event{fsm.Bind}, m.Available())
		// Running is the deepest state; reaching it again proves reuse.
		for _, ev := range pathTo[fsm.Running] {
			require.NoError(t, m.Fire(ev))
		}
		assert.Equal(t, fsm.Running, m.State())
	}
}

func contains(evs []fsm.Event, ev fsm.Event) bool {
	for _, e := range evs {
		if e == ev {
			return true
		}
	}
	return false
}
