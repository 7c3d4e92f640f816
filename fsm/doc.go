// Package fsm owns the lifecycle of one NDIS 6 protocol binding: the states
// Unbound, Opening, Paused, Restarting, Running, Pausing and Closing, and the
// documented transitions between them, including the failure edges
// bind-failed (Opening back to Unbound) and restart-failed (Restarting back to
// Paused). A pause cannot fail, so there is no pause-failed edge.
//
// A bind, PnP event or unbind that returns NDIS_STATUS_PENDING and is finished
// later by an NdisCompleteXxx call does not add a state: the machine simply
// stays in Opening, Restarting, Pausing or Closing until the completion event
// fires. That keeps pended and synchronous completions on the same edges.
//
// The lifecycle is declared once, as a table that is also a looplab/fsm
// machine: looplab draws the diagrams and runs a machine with callbacks
// (NewWithCallbacks). The machine the simulator drives (New) walks the same
// table directly, because looplab allocates on every event and a campaign
// fires millions; a test checks the two agree on every edge.
//
// The package knows nothing of pools or time; the binding package drives it
// and decides when each event happens.
//
// See learn.microsoft.com/windows-hardware/drivers/network/protocol-binding-states-and-operations.
package fsm
