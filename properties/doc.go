// Package properties states the allocation and free invariants of an NDIS 6
// protocol binding as checks, and tests designs against them.
//
// There are three ways in:
//
//   - Check is for a driver author's own CI: one call in a Go test runs a
//     design over many seeded runs of the simulator with every invariant
//     checked after every step, and on a failure prints the rule and
//     invariant broken, the shrunk trace, the saved trace file and the exact
//     commands that reproduce it. Seeds and budget come from the
//     -ndissim.seed and -ndissim.runs flags or NDISSIM_SEED and NDISSIM_RUNS.
//     It needs nothing of gopter.
//   - Invariants and CheckInvariants are the checks themselves, usable after
//     any step of any harness (sim.Engine.SetObserver takes CheckInvariants).
//     A failure the binding reported names its rule; one only the
//     simulator's own bookkeeping shows is labelled SelfCheck, a bug in
//     ndissim rather than in the design.
//   - Step, Sequence, Runner and Replay are the stateful tests' vocabulary:
//     a Step is one of sim's moves with the choices drawn inside it, drawn
//     by sim's own code (Observation.Draw), so a move or a decision is
//     added in sim alone. Replay re-runs a Sequence, for regression tests.
//     Package gopterx adapts them to gopter v0.2.11 (Commands, Property).
//
// See docs/properties.md for the invariants, the flags, the fail files, the
// minimality guarantee and the benchmark against a plain gopter harness.
package properties
