// Package gopterx adapts the stateful tests of package properties to
// gopter v0.2.11: Commands for its commands package (the environment's
// moves as commands, a binding as the system under test, what NDIS expects
// as the model), and Property, whose shrinker makes a failing sequence
// 1-minimal. Both draw their steps with properties.Runner, so the moves,
// their weights and every decision inside them are sim's own; a failing
// Case replays with properties.Replay.
//
// A driver author's CI needs none of this: properties.Check is one call
// and needs nothing of gopter.
package gopterx
