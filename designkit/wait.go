package designkit

import "github.com/ndissim/ndissim/binding"

// Waiter is what a callback that waits in place waits on, as the sample
// driver's callbacks do: one NDIS_EVENT (its BindEvent) for a pended open,
// an unbind's OID requests or a pended close, and the outcomes the
// completions that end those waits record before they set it. Base waits
// on it with Config.Wait; a design whose own callback waits uses it too.
type Waiter struct {
	Event      binding.Event
	Waiting    bool           // a callback waits on Event
	OpenDone   bool           // the pended open has completed
	OpenStatus binding.Status // with this status
	Closed     bool           // the pended close has completed
}

// WaitFor blocks on the event while pending says so. It tests before each
// wait, so a completion that came before the wait is not waited for.
func (w *Waiter) WaitFor(nd *binding.NDIS, pending func() bool) {
	nd.InitializeEvent(&w.Event)
	w.Waiting = true
	for pending() {
		nd.WaitEvent(&w.Event, 0)
		nd.ResetEvent(&w.Event)
	}
	w.Waiting = false
}

// Wake sets the event when a callback waits on it; NdisSetEvent is legal
// at DISPATCH_LEVEL, where a completion may run.
func (w *Waiter) Wake(nd *binding.NDIS) {
	if w.Waiting {
		nd.SetEvent(&w.Event)
	}
}

// WaitOpen waits for the completion of an open that pended and returns
// its status; the completion records it in OpenDone and OpenStatus and
// wakes the wait.
func (w *Waiter) WaitOpen(nd *binding.NDIS) binding.Status {
	w.OpenDone = false
	w.WaitFor(nd, func() bool { return !w.OpenDone })
	return w.OpenStatus
}

// OpenCompleted records the completion of an open that WaitOpen waits
// for, and wakes it.
func (w *Waiter) OpenCompleted(nd *binding.NDIS, st binding.Status) {
	w.OpenDone, w.OpenStatus = true, st
	w.Wake(nd)
}
