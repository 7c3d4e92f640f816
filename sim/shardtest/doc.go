// Package shardtest checks sharded checks against the unsharded check:
// that merging the shards' reports gives the unsharded report byte for
// byte. Its designs are written by hand in its tests, so that it builds on
// sim, binding and pool alone, apart from the designs of internal/design
// that sim's own tests use.
package shardtest
