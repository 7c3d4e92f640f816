// Package explore is ndissim's bounded exhaustive explorer: it enumerates
// every choice the environment can make within bounds (moves, which
// completion comes first and its status, the IRQL of a callback, faults),
// breadth-first, so that the first path that breaks a rule is a shortest
// one, and reports the distinct states it met, the transitions between
// them, the depth it reached, the shortest trace per rule broken, pended
// operations that can never complete (as a lasso: a prefix and a cycle),
// and coverage.
//
// A state is the binding, its pools, the stack, what NDIS holds pending,
// the engine's own bookkeeping and the design's state, at a move boundary.
// It is identified by a 128-bit fingerprint (binding.StateHash). States are
// not copied: a state is restored by replaying the choices that led to it
// from the start (the engine is deterministic), so any Go design can be
// explored, at the price of a replay per transition. docs/explore.md
// explains the bounds, state identity, hashing, coverage and liveness.
package explore
