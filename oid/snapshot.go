package oid

// SnapshotInto copies s into dst, reusing dst's memory: the stack as the
// bounded explorer keeps it with a state (its filters and the packet filter
// last set). Restoring is the same copy the other way: dst.SnapshotInto(s).
func (s *Stack) SnapshotInto(dst *Stack) { dst.Reset(s) }
