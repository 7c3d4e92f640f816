//go:build race

package sim_test

// raceEnabled is set under the race detector, where the timed tests are
// skipped: they run in the plain test pass, where their bound measures
// ndissim and not the detector's load on the machine.
const raceEnabled = true
