package fsm

import "slices"

// State is a binding state as named by the NDIS documentation, so that traces
// and diagrams read like the WDK pages.
type State string

// The binding states, in lifecycle order.
const (
	Unbound    State = "Unbound"
	Opening    State = "Opening"
	Paused     State = "Paused"
	Restarting State = "Restarting"
	Running    State = "Running"
	Pausing    State = "Pausing"
	Closing    State = "Closing"
)

// Event is what moves a binding between states. The names are looplab event
// names, so they also appear verbatim in callback keys and diagrams.
type Event string

// The binding events, each tied to the NDIS call that causes it.
const (
	Bind            Event = "bind"
	BindFailed      Event = "bind-failed"
	BindComplete    Event = "bind-complete"
	Restart         Event = "restart"
	RestartComplete Event = "restart-complete"
	RestartFailed   Event = "restart-failed"
	Pause           Event = "pause"
	PauseComplete   Event = "pause-complete"
	Unbind          Event = "unbind"
	UnbindComplete  Event = "unbind-complete"
)

// Transition is one edge of the lifecycle. Mechanism names the NDIS call
// behind it, so a trace can say why a binding moved.
type Transition struct {
	From      State
	Event     Event
	To        State
	Mechanism string
}

var states = []State{Unbound, Opening, Paused, Restarting, Running, Pausing, Closing}

var events = []Event{
	Bind, BindFailed, BindComplete,
	Restart, RestartComplete, RestartFailed,
	Pause, PauseComplete,
	Unbind, UnbindComplete,
}

// table is the single source of truth: the lookups below and the looplab
// machine are both derived from it, so they cannot disagree.
var table = []Transition{
	{Unbound, Bind, Opening, "NDIS calls ProtocolBindAdapterEx"},
	{Opening, BindFailed, Unbound, "bind fails or NdisCompleteBindAdapterEx(failure)"},
	{Opening, BindComplete, Paused, "bind returns SUCCESS or NdisCompleteBindAdapterEx"},
	{Paused, Restart, Restarting, "ProtocolNetPnPEvent(NetEventRestart)"},
	{Restarting, RestartComplete, Running, "restart returns SUCCESS or NdisCompleteNetPnPEvent"},
	{Restarting, RestartFailed, Paused, "restart fails or NdisCompleteNetPnPEvent(failure)"},
	{Running, Pause, Pausing, "ProtocolNetPnPEvent(NetEventPause)"},
	{Pausing, PauseComplete, Paused, "pause returns SUCCESS or NdisCompleteNetPnPEvent"},
	{Paused, Unbind, Closing, "ProtocolUnbindAdapterEx (NDIS pauses first)"},
	{Closing, UnbindComplete, Unbound, "unbind returns SUCCESS or NdisCompleteUnbindAdapterEx"},
}

type edge struct {
	from State
	ev   Event
}

// next answers Can and Fire for a machine made by New: the events a state
// accepts and where each leads, found by the state's place (a string
// switch) and a scan of its one or two edges, where the map dst hashes
// both strings. The simulator asks at every move.
func next(from State, ev Event) (State, bool) {
	i := stateIndex(from)
	if i < 0 {
		return "", false
	}
	for _, t := range outOf[i] {
		if t.Event == ev {
			return t.To, true
		}
	}
	return "", false
}

// outOf are the table's transitions by the place of their From in states.
var outOf = func() [][]Transition {
	out := make([][]Transition, len(states))
	for _, t := range table {
		i := stateIndex(t.From)
		out[i] = append(out[i], t)
	}
	return out
}()

// stateIndex is s's place in states, or -1.
func stateIndex(s State) int {
	switch s {
	case Unbound:
		return 0
	case Opening:
		return 1
	case Paused:
		return 2
	case Restarting:
		return 3
	case Running:
		return 4
	case Pausing:
		return 5
	case Closing:
		return 6
	}
	return -1
}

var (
	// dst answers Can without touching looplab, whose Can takes two locks.
	dst = make(map[edge]State, len(table))
	// available is precomputed in Events() order because looplab's
	// AvailableTransitions walks a map and so changes order between calls.
	available  = make(map[State][]Event, len(states))
	knownState = make(map[State]bool, len(states))
	knownEvent = make(map[Event]bool, len(events))
)

func init() {
	for _, t := range table {
		dst[edge{t.From, t.Event}] = t.To
	}
	for _, s := range states {
		knownState[s] = true
		for _, ev := range events {
			if _, ok := dst[edge{s, ev}]; ok {
				available[s] = append(available[s], ev)
			}
		}
	}
	for _, ev := range events {
		knownEvent[ev] = true
	}
}

// States returns the binding states in lifecycle order. The slice is the
// caller's to keep.
func States() []State { return slices.Clone(states) }

// Events returns the binding events in table order. The slice is the caller's
// to keep.
func Events() []Event { return slices.Clone(events) }

// Transitions returns the lifecycle table in a fixed order. Any (state, event)
// pair not in it is invalid. The slice is the caller's to keep.
func Transitions() []Transition { return slices.Clone(table) }
