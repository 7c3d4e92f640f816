package fsm_test

import (
	"errors"
	"fmt"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ndissim/ndissim/fsm"
)

func TestCallbackOrder(t *testing.T) {
	var got []string
	var m *fsm.Machine
	rec := func(key string) fsm.Callback {
		return func(from fsm.State, ev fsm.Event, to fsm.State) {
			got = append(got, fmt.Sprintf("%s %s-%s->%s state=%s", key, from, ev, to, m.State()))
		}
	}
	keys := []string{
		"before_bind", "before_event", "leave_Unbound", "leave_state",
		"enter_Opening", "enter_state", "after_bind", "after_event",
	}
	cbs := map[string]fsm.Callback{}
	for _, k := range keys {
		cbs[k] = rec(k)
	}
	m, err := fsm.NewWithCallbacks(cbs)
	require.NoError(t, err)
	require.NoError(t, m.Fire(fsm.Bind))

	// looplab's order; State() already reads Opening once looplab commits.
	assert.Equal(t, []string{
		"before_bind Unbound-bind->Opening state=Unbound",
		"before_event Unbound-bind->Opening state=Unbound",
		"leave_Unbound Unbound-bind->Opening state=Unbound",
		"leave_state Unbound-bind->Opening state=Unbound",
		"enter_Opening Unbound-bind->Opening state=Opening",
		"enter_state Unbound-bind->Opening state=Opening",
		"after_bind Unbound-bind->Opening state=Opening",
		"after_event Unbound-bind->Opening state=Opening",
	}, got)

	// Named callbacks of other states and events stay quiet.
	got = nil
	require.NoError(t, m.Fire(fsm.BindFailed))
	assert.Equal(t, []string{
		"before_event Opening-bind-failed->Unbound state=Opening",
		"leave_state Opening-bind-failed->Unbound state=Opening",
		"enter_state Opening-bind-failed->Unbound state=Unbound",
		"after_event Opening-bind-failed->Unbound state=Unbound",
	}, got)
}

func TestShortFormsRunAfterFullForms(t *testing.T) {
	var got []string
	rec := func(key string) fsm.Callback {
		return func(fsm.State, fsm.Event, fsm.State) { got = append(got, key) }
	}
	m, err := fsm.NewWithCallbacks(map[string]fsm.Callback{
		"Opening": rec("Opening"), "enter_Opening": rec("enter_Opening"),
		"bind": rec("bind"), "after_bind": rec("after_bind"),
		"enter_Paused": nil,
	})
	require.NoError(t, err)
	require.NoError(t, m.Fire(fsm.Bind))
	require.NoError(t, m.Fire(fsm.BindComplete))
	assert.Equal(t, []string{"enter_Opening", "Opening", "after_bind", "bind"}, got)
}

func TestUnknownCallbackKey(t *testing.T) {
	noop := func(fsm.State, fsm.Event, fsm.State) {}
	for _, key := range []string{
		"enter_Bound", "leave_bind", "before_Paused", "after_state", "enter_event",
		"Bound", "on_bind", "", "enter_", "before_Bind",
	} {
		t.Run(key, func(t *testing.T) {
			m, err := fsm.NewWithCallbacks(map[string]fsm.Callback{"enter_Paused": noop, key: noop})
			assert.Nil(t, m)
			var unk *fsm.UnknownCallbackError
			require.True(t, errors.As(err, &unk), "got %v", err)
			assert.Equal(t, key, unk.Key)
			assert.Contains(t, err.Error(), fmt.Sprintf("%q", key))
		})
	}

	// With several bad keys the report does not depend on map order.
	bad := map[string]fsm.Callback{"enter_Zzz": noop, "enter_Bound": noop, "leave_Aaa": noop}
	for range 20 {
		_, err := fsm.NewWithCallbacks(bad)
		assert.EqualError(t, err, (&fsm.UnknownCallbackError{Key: "enter_Bound"}).Error())
	}
}

func TestValidCallbacksDriveTheLifecycle(t *testing.T) {
	entered := map[fsm.State]int{}
	var m *fsm.Machine
	m, err := fsm.NewWithCallbacks(map[string]fsm.Callback{
		"enter_state": func(_ fsm.State, _ fsm.Event, to fsm.State) { entered[to]++ },
		// A bind that completes at once, as when ProtocolBindAdapterEx
		// returns SUCCESS: enter_ may fire the next event itself.
		"enter_Opening": func(fsm.State, fsm.Event, fsm.State) {
			assert.NoError(t, m.Fire(fsm.BindComplete))
		},
	})
	require.NoError(t, err)
	require.NoError(t, m.Fire(fsm.Bind))
	assert.Equal(t, fsm.Paused, m.State(), "the re-entrant Fire must win over the outer one")
	assert.Equal(t, []fsm.Event{fsm.Restart, fsm.Unbind}, m.Available())
	require.NoError(t, m.Fire(fsm.Unbind))
	require.NoError(t, m.Fire(fsm.UnbindComplete))
	assert.Equal(t, map[fsm.State]int{fsm.Opening: 1, fsm.Paused: 1, fsm.Closing: 1, fsm.Unbound: 1}, entered)
}

func TestFireFromBeforeOrLeavePanics(t *testing.T) {
	for _, key := range []string{"before_bind", "leave_state"} {
		t.Run(key, func(t *testing.T) {
			var m *fsm.Machine
			m, err := fsm.NewWithCallbacks(map[string]fsm.Callback{
				key: func(fsm.State, fsm.Event, fsm.State) { _ = m.Fire(fsm.BindComplete) },
			})
			require.NoError(t, err)
			assert.PanicsWithValue(t, "fsm: Fire called from a before_ or leave_ callback, "+
				"where looplab holds its event lock; do it from enter_ or after_",
				func() { _ = m.Fire(fsm.Bind) })
		})
	}
}
