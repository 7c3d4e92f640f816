package binding

import (
	"fmt"

	"github.com/ndissim/ndissim/fsm"
)

// LifecycleError is a lifecycle move (Bind, Pause, Restart, Unbind) NDIS
// would not make now: the binding's State does not allow Event, or the
// binding is Busy waiting for the protocol to complete an operation it
// pended or is still running. It is the caller's mistake, not the design's:
// the binding is untouched and draws no finding. A caller branches on it
// with errors.As.
type LifecycleError struct {
	Event fsm.Event
	State fsm.State
	Busy  bool
}

func (e *LifecycleError) Error() string {
	busy := ""
	if e.Busy {
		busy = " and waiting for the protocol to complete what it pended"
	}
	return fmt.Sprintf("binding: NDIS cannot %s a binding that is %s%s", e.Event, e.State, busy)
}
