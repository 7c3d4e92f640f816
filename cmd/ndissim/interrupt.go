package main

import "context"

// interruptedError says a signal stopped the command before it found
// anything that counts: exit 130 or 143, never 0.
type interruptedError struct{}

func (interruptedError) Error() string { return "interrupted" }

// interruptible runs work in its own goroutine and returns its result, or
// interruptedError as soon as ctx ends. A design's callback, a long run or a
// slow file cannot be stopped halfway from outside, so the command leaves
// work behind and the process exits without it. Work must only compute:
// whatever it prints could land after the command's last words.
func interruptible[T any](ctx context.Context, work func() (T, error)) (T, error) {
	type result struct {
		v   T
		err error
	}
	done := make(chan result, 1)
	go func() {
		v, err := work()
		done <- result{v, err}
	}()
	select {
	case r := <-done:
		return r.v, r.err
	case <-ctx.Done():
	}
	select {
	case r := <-done: // finished as the signal came: use it
		return r.v, r.err
	default:
		var zero T
		return zero, interruptedError{}
	}
}
