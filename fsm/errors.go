package fsm

import "fmt"

// InvalidEventError reports an event fired in a state that does not accept
// it, or an event name the lifecycle does not know. It is returned as a
// pointer so that errors.As with a *InvalidEventError target matches.
type InvalidEventError struct {
	Event Event
	State State
}

func (e *InvalidEventError) Error() string {
	if !knownEvent[e.Event] {
		return fmt.Sprintf("unknown event %q in state %s", string(e.Event), e.State)
	}
	return fmt.Sprintf("event %q is not allowed in state %s", string(e.Event), e.State)
}

// UnknownCallbackError reports a callback key that names no state or event.
// looplab drops such keys without a word, so a typo would otherwise mean a
// callback that silently never runs.
type UnknownCallbackError struct {
	Key string
}

func (e *UnknownCallbackError) Error() string {
	return fmt.Sprintf("callback key %q names no binding state or event "+
		"(want before_<event>, leave_<State>, enter_<State>, after_<event>, "+
		"<State>, <event>, before_event, leave_state, enter_state or after_event)", e.Key)
}
