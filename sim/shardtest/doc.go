// Package shardtest checks sharded checks against the unsharded check:
// that merging the shards' reports gives the unsharded report byte for
// byte. Its designs are written in its tests on designkit's skeleton, each
// a knob that replaces one behaviour, so that it builds on sim, designkit,
// binding and pool alone, apart from the designs of internal/design that
// sim's own tests use.
package shardtest
