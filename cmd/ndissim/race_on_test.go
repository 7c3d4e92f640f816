//go:build race

package main

// raceEnabled is set under the race detector, where the timed signal tests
// are skipped: they run in the plain test pass, where their one-second
// bound measures ndissim and not the detector's load on the machine.
const raceEnabled = true
