package oid

import "unsafe"

// SnapshotInto copies s into dst, reusing dst's memory: the stack as the
// bounded explorer keeps it with a state (its filters and the packet filter
// last set). Restoring is the same copy the other way: dst.SnapshotInto(s).
// The explorer restores a state once per move it tries, and the filters
// change only with a stack edit, so equal filters are not copied again.
func (s *Stack) SnapshotInto(dst *Stack) {
	if !sameLayers(dst.Filters, s.Filters) {
		dst.Reset(s)
		return
	}
	filters, restarts := dst.Filters, dst.restarts
	*dst = *s
	dst.Filters = filters
	// dst keeps the restart parameters it has built, as Reset does: they
	// are checked against the filters before use, and the explorer restores
	// its stepper's stack from snapshots taken before those were built, so
	// taking the snapshot's would build them again at every restart.
	if restarts != nil {
		dst.restarts = restarts
	}
}

func sameLayers(a, b []Layer) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		x, y := &a[i], &b[i]
		if x.DataBackfill != y.DataBackfill || x.ContextBackfill != y.ContextBackfill || !sameString(x.Name, y.Name) {
			return false
		}
	}
	return true
}

// sameString is x == y, without the call that compares the bytes when
// both are the same bytes: a stack's copies share its layers' names.
func sameString(x, y string) bool {
	return len(x) == len(y) && (unsafe.StringData(x) == unsafe.StringData(y) || x == y)
}
