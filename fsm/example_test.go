package fsm_test

import (
	"fmt"

	"github.com/ndissim/ndissim/fsm"
)

// A binding's whole life: bound, restarted into Running, paused, unbound.
func ExampleMachine() {
	m := fsm.New()
	fmt.Println(m.State())
	for _, ev := range []fsm.Event{
		fsm.Bind, fsm.BindComplete,
		fsm.Restart, fsm.RestartComplete,
		fsm.Pause, fsm.PauseComplete,
		fsm.Unbind, fsm.UnbindComplete,
	} {
		if err := m.Fire(ev); err != nil {
			fmt.Println(err)
			return
		}
		fmt.Printf("%s -> %s\n", ev, m.State())
	}
	fmt.Println(m.Fire(fsm.Pause))
	// Output:
	// Unbound
	// bind -> Opening
	// bind-complete -> Paused
	// restart -> Restarting
	// restart-complete -> Running
	// pause -> Pausing
	// pause-complete -> Paused
	// unbind -> Closing
	// unbind-complete -> Unbound
	// event "pause" is not allowed in state Unbound
}
