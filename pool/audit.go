package pool

import "fmt"

// AuditError is an inconsistency Audit found in the tracker's bookkeeping.
type AuditError struct {
	// Slots is true for a structure in the wrong place (live and free at
	// once, on a free list twice, or neither), false for counts that do not
	// add up.
	Slots bool
	Msg   string
}

func (e *AuditError) Error() string { return "pool: " + e.Msg }

func slotError(format string, args ...any) error {
	return &AuditError{Slots: true, Msg: fmt.Sprintf(format, args...)}
}

func countError(format string, args ...any) error {
	return &AuditError{Msg: fmt.Sprintf(format, args...)}
}

// Audit cross-checks the tracker's own bookkeeping: every slot is either
// live or on its free list, never both; per-pool counters add up (allocated
// minus freed equals live, and live equals the structures found); owners'
// live counts match; every NB an NBL's chain does not hold is in no chain;
// every preallocated NB belongs to exactly one live NBL; retreat memory is
// counted in MDLs the NB has. A non-nil error is an *AuditError and a bug in the
// model, not in a design: the property tests call it at every step.
func (t *Tracker) Audit() error {
	onFree := make([]bool, len(t.nbls))
	for i := t.freeNBL; i != none; i = t.nbls[i].nextFree {
		if onFree[i] {
			return slotError("NBL slot %d is on the free list twice", i)
		}
		if t.nbls[i].serial != 0 {
			return slotError("NBL slot %d is both live (%s) and free", i, t.nblHandle(i))
		}
		onFree[i] = true
	}
	nbFree := make([]bool, len(t.nbs))
	for i := t.freeNB; i != none; i = t.nbs[i].nextFree {
		if nbFree[i] {
			return slotError("NB slot %d is on the free list twice", i)
		}
		if t.nbs[i].serial != 0 {
			return slotError("NB slot %d is both live (%s) and free", i, t.nbHandle(i))
		}
		nbFree[i] = true
	}
	live := make([]uint64, len(t.pools))
	var owners [3]liveCount
	for i := range t.nbls {
		n := &t.nbls[i]
		if n.serial == 0 {
			if !onFree[i] {
				return slotError("NBL slot %d is neither live nor free", i)
			}
			continue
		}
		live[n.pool]++
		owners[t.pools[n.pool].owner].nbls++
		count := 0
		for b := n.firstNB; b != none; b = t.nbs[b].next {
			if t.nbs[b].nbl != int32(i) {
				return countError("%s chains %s, which names another NBL", t.nblHandle(int32(i)), t.nbHandle(b))
			}
			count++
		}
		if count != int(n.nbCount) {
			return countError("%s counts %d NBs but chains %d", t.nblHandle(int32(i)), n.nbCount, count)
		}
	}
	if err := t.auditNBs(nbFree, live, &owners); err != nil {
		return err
	}
	for i := range t.pools {
		p := &t.pools[i]
		c := p.counter
		if c.Total-c.Freed != c.Live || c.Live != live[i] {
			return countError("pool %d counts total %d, freed %d, live %d, but %d structures are live",
				p.serial, c.Total, c.Freed, c.Live, live[i])
		}
		if !p.freed {
			owners[p.owner].pools++
		}
	}
	if owners != t.live {
		return countError("live counts by owner %+v, found %+v", t.live, owners)
	}
	return nil
}

// auditNBs checks every NB slot and counts the separately allocated live
// NBs into live (by pool) and owners.
func (t *Tracker) auditNBs(nbFree []bool, live []uint64, owners *[3]liveCount) error {
	linked := make([]int, len(t.nbls))
	homes := make([]int, len(t.nbs))
	for i := range t.nbls {
		if n := &t.nbls[i]; n.serial != 0 && n.pre != none {
			if t.nbs[n.pre].serial == 0 || !t.nbs[n.pre].prealloc {
				return countError("%s's preallocated NB slot %d is not a live preallocated NB", t.nblHandle(int32(i)), n.pre)
			}
			homes[n.pre]++
		}
	}
	for i := range t.nbs {
		b := &t.nbs[i]
		if b.serial == 0 {
			if !nbFree[i] {
				return slotError("NB slot %d is neither live nor free", i)
			}
			continue
		}
		if b.nbl != none {
			linked[b.nbl]++
		}
		if b.retreatMDLs > b.mdls || (b.retreatBytes == 0) != (b.retreatMDLs == 0) {
			return countError("%s has %d MDL(s), %d of them retreat memory of %d byte(s)",
				t.nbHandle(int32(i)), b.mdls, b.retreatMDLs, b.retreatBytes)
		}
		if b.prealloc {
			if homes[i] != 1 {
				return countError("%s is the preallocated NB of %d NBLs", t.nbHandle(int32(i)), homes[i])
			}
			continue // counted with its NBL
		}
		live[b.pool]++
		owners[t.pools[b.pool].owner].nbs++
	}
	for i := range t.nbls {
		if n := &t.nbls[i]; n.serial != 0 && linked[i] != int(n.nbCount) {
			return countError("%d NBs name %s, which chains %d", linked[i], t.nblHandle(int32(i)), n.nbCount)
		}
	}
	return nil
}
