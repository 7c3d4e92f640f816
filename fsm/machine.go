package fsm

import (
	"context"
	"fmt"
	"slices"
	"strings"

	lfsm "github.com/looplab/fsm"
)

// Callback observes one transition. It gets no looplab event, so it cannot
// cancel or suspend a transition: pended NDIS completions are modelled by the
// Opening/Restarting/Pausing/Closing states, not by looplab's async mode.
type Callback func(from State, ev Event, to State)

// noCopy makes go vet's copylocks check flag a copied Machine.
type noCopy struct{}

func (*noCopy) Lock()   {}
func (*noCopy) Unlock() {}

// Machine is the lifecycle of one binding, a thin layer over a looplab FSM.
//
// A Machine must not be copied: the copy would share the looplab FSM but not
// the cached state, and the two would drift apart. Use the *Machine that New
// returns.
//
// A Machine is not safe for concurrent use. State is a plain field read so
// that the send and receive paths can check it cheaply; the binding package
// serializes Fire, Reset and State for a binding, as a real driver does under
// its binding lock.
type Machine struct {
	_ noCopy

	// f is the looplab machine that runs callbacks. A machine made by New
	// has none to run and no looplab machine: its transitions are the
	// table's, checked against looplab's by the tests, and cost no
	// allocation on the simulator's path.
	f *lfsm.FSM

	// state mirrors f.Current(). looplab's Current takes a read lock, which
	// is measurable on a per-packet path. It is written by the enter_<State>
	// hook, the first thing looplab runs after it commits a transition, so
	// it is already right inside user callbacks and after re-entrant Fires.
	state State

	// held counts before_/leave_ callbacks in progress. looplab holds its
	// event lock while it runs them, so a Fire or Reset from there would
	// deadlock; we panic with a reason instead.
	held int
}

// lfsmEvents is built once: NewFSM only reads it, so machines can share it.
var lfsmEvents = func() lfsm.Events {
	evs := make(lfsm.Events, 0, len(table))
	for _, t := range table {
		evs = append(evs, lfsm.EventDesc{Name: string(t.Event), Src: []string{string(t.From)}, Dst: string(t.To)})
	}
	return evs
}()

func newLooplab(cbs lfsm.Callbacks) *lfsm.FSM {
	return lfsm.NewFSM(string(Unbound), lfsmEvents, cbs)
}

// New returns a machine in Unbound with no callbacks.
func New() *Machine { return &Machine{state: Unbound} }

// NewWithCallbacks returns a machine in Unbound that runs cbs, keyed as in
// looplab: before_<event>, leave_<State>, enter_<State>, after_<event>, the
// short forms <State> (enter) and <event> (after), and the generic
// before_event, leave_state, enter_state and after_event. They run in
// looplab's order: before_<event>, before_event, leave_<State>, leave_state,
// enter_<State>, enter_state, after_<event>, after_event.
//
// looplab ignores a key that names nothing, so a typo such as enter_Bound
// would silently never fire; here it returns *UnknownCallbackError and no
// machine. If a full key and its short form are both given, both run, the
// full form first (looplab would keep one of them at random). Nil callbacks
// are ignored.
//
// Enter and after callbacks may call Fire or Reset. Before and leave
// callbacks must not: looplab holds its event lock there, so Fire and Reset
// panic rather than deadlock.
func NewWithCallbacks(cbs map[string]Callback) (*Machine, error) {
	keys := make([]string, 0, len(cbs))
	for k, cb := range cbs {
		if cb != nil {
			keys = append(keys, k)
		}
	}
	// Sorted so that, with several bad keys, the same one is reported.
	slices.Sort(keys)

	hooks := make(map[hook][]Callback)
	for _, short := range []bool{false, true} {
		for _, k := range keys {
			h, isShort, ok := parseKey(k)
			if !ok {
				return nil, &UnknownCallbackError{Key: k}
			}
			if isShort == short {
				hooks[h] = append(hooks[h], cbs[k])
			}
		}
	}

	m := &Machine{state: Unbound}
	lcbs := make(lfsm.Callbacks, len(hooks)+len(states))
	for h, list := range hooks {
		switch {
		case h.kind == hookBefore || h.kind == hookLeave:
			lcbs[h.key()] = func(_ context.Context, e *lfsm.Event) {
				m.held++
				defer func() { m.held-- }()
				run(list, e)
			}
		case h.kind == hookEnter && h.target != "":
			// Folded into the state hooks below.
		default:
			lcbs[h.key()] = func(_ context.Context, e *lfsm.Event) { run(list, e) }
		}
	}
	for _, s := range states {
		list := hooks[hook{hookEnter, string(s)}]
		lcbs["enter_"+string(s)] = func(_ context.Context, e *lfsm.Event) {
			m.state = s
			run(list, e)
		}
	}
	m.f = newLooplab(lcbs)
	return m, nil
}

func run(list []Callback, e *lfsm.Event) {
	for _, cb := range list {
		cb(State(e.Src), Event(e.Event), State(e.Dst))
	}
}

type hookKind int

const (
	hookBefore hookKind = iota
	hookLeave
	hookEnter
	hookAfter
)

var hookForms = [...]struct {
	prefix  string
	generic string
	onState bool
}{
	hookBefore: {"before_", "event", false},
	hookLeave:  {"leave_", "state", true},
	hookEnter:  {"enter_", "state", true},
	hookAfter:  {"after_", "event", false},
}

// hook is a parsed callback key; an empty target is the generic form.
type hook struct {
	kind   hookKind
	target string
}

func (h hook) key() string {
	f := hookForms[h.kind]
	if h.target == "" {
		return f.prefix + f.generic
	}
	return f.prefix + h.target
}

// parseKey mirrors looplab's own parsing, but rejects what looplab would
// drop: a prefixed key never falls back to the short forms there either.
func parseKey(k string) (h hook, short, ok bool) {
	for kind, f := range hookForms {
		rest, found := strings.CutPrefix(k, f.prefix)
		if !found {
			continue
		}
		if rest == f.generic {
			return hook{hookKind(kind), ""}, false, true
		}
		if (f.onState && knownState[State(rest)]) || (!f.onState && knownEvent[Event(rest)]) {
			return hook{hookKind(kind), rest}, false, true
		}
		return hook{}, false, false
	}
	switch {
	case knownState[State(k)]:
		return hook{hookEnter, k}, true, true
	case knownEvent[Event(k)]:
		return hook{hookAfter, k}, true, true
	}
	return hook{}, false, false
}

// State returns the current state without taking any lock.
func (m *Machine) State() State { return m.state }

// Can reports whether ev is allowed in the current state, from the table
// alone.
func (m *Machine) Can(ev Event) bool {
	_, ok := next(m.state, ev)
	return ok
}

// Available returns the events allowed now, in Events() order. The slice is
// the caller's to keep.
func (m *Machine) Available() []Event { return slices.Clone(available[m.state]) }

// Fire moves the machine along ev. An event the current state does not
// accept, or one the lifecycle does not know, returns *InvalidEventError and
// leaves the state as it was.
func (m *Machine) Fire(ev Event) error {
	m.mustNotBeHeld("Fire")
	to, ok := next(m.state, ev)
	if !ok {
		return &InvalidEventError{Event: ev, State: m.state}
	}
	if m.f == nil {
		m.state = to
		return nil
	}
	// Background, never a caller's context: looplab derives the transition's
	// context from it and, once that is cancelled, leaves the transition
	// half-open so that every later event fails.
	if err := m.f.Event(context.Background(), string(ev)); err != nil {
		// The table check above makes this a bug in this package.
		return fmt.Errorf("fsm: looplab refused %q in state %s: %w", string(ev), m.state, err)
	}
	return nil
}

// Reset puts the machine back in Unbound without running callbacks, so a
// simulation can reuse it instead of rebuilding the looplab machine and its
// callback map.
func (m *Machine) Reset() {
	m.mustNotBeHeld("Reset")
	if m.f != nil {
		m.f.SetState(string(Unbound))
	}
	m.state = Unbound
}

func (m *Machine) mustNotBeHeld(op string) {
	if m.held > 0 {
		panic("fsm: " + op + " called from a before_ or leave_ callback, " +
			"where looplab holds its event lock; do it from enter_ or after_")
	}
}
