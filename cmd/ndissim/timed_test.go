package main

import (
	"os"
	"testing"
)

// skipUnlessTimed skips a test that asserts a wall-clock bound (a command
// ends within a second of a signal) unless NDISSIM_TIMED=1. CI runs these
// alone, in a step of their own, so the bound measures ndissim rather than
// the load of other test packages running beside it or of the race
// detector.
func skipUnlessTimed(t *testing.T) {
	t.Helper()
	if os.Getenv("NDISSIM_TIMED") != "1" || raceEnabled {
		t.Skip("timed test: run with NDISSIM_TIMED=1, alone (CI does)")
	}
}
