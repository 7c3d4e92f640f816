package oid

// Fingerprint writes what of the stack can change during a run and decides
// what later answers say: the filters now in it (by their needs: their
// names come from the design's fixed list of edits, which the explorer
// hashes by how far it got) and the packet filter last set.
func (s *Stack) Fingerprint(w interface{ Word(uint64) }) {
	w.Word(uint64(len(s.Filters)))
	n := s.Needs()
	w.Word(uint64(n.DataBackfill)<<32 | uint64(n.ContextBackfill))
	w.Word(uint64(s.packetFilter)<<8 | uint64(s.Completes))
}
