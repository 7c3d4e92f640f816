// Package sim owns the deterministic simulator: designs and their registry,
// the seeded engine that interleaves the environment's moves with the design's
// reactions, traces, shrinking, replay and the check campaign over many seeds.
//
// Every choice of a run comes from one stream of small integers drawn from a
// PCG source seeded by the run's seed. A run replays exactly from its stream;
// shrinking edits the stream; fuzzing feeds it bytes. Time is logical (ticks).
// Nothing that varies between machines (wall clock, map order, goroutine
// scheduling, GOMAXPROCS) reaches a trace.
package sim
