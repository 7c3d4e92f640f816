package pool

import "github.com/ndissim/ndissim/rule"

func finding(name rule.Name, objects []string, format string, args ...any) error {
	return rule.New(name, objects, format, args...)
}

// The resolvers turn a handle into its slot, or into the finding that using
// the handle deserves: NULL is a failed allocation used anyway, and a serial
// that no longer matches its slot is a freed object.

func (t *Tracker) nblPool(p NBLPool, call string) (*poolSlot, error) {
	return t.poolSlot(p.slot, p.serial, true, call)
}

func (t *Tracker) nbPool(p NBPool, call string) (*poolSlot, error) {
	return t.poolSlot(p.slot, p.serial, false, call)
}

func (t *Tracker) poolSlot(slot, serial uint32, isNBL bool, call string) (*poolSlot, error) {
	if s := &t.pools; int(slot) < len(*s) && (*s)[slot].serial == serial && serial != 0 &&
		(*s)[slot].isNBL == isNBL && !(*s)[slot].freed {
		return &(*s)[slot], nil
	}
	obj := NBPool{slot, serial}.String()
	if isNBL {
		obj = NBLPool{slot, serial}.String()
	}
	if serial == 0 {
		return nil, finding(rule.AllocationFailureIgnored, []string{obj},
			"%s called with a NULL pool: the pool allocation failed and its result was used anyway", call)
	}
	if int(slot) >= len(t.pools) || t.pools[slot].serial != serial || t.pools[slot].isNBL != isNBL {
		return nil, finding(rule.PoolUseAfterFree, []string{obj},
			"%s called with %s, which this driver does not hold", call, obj)
	}
	s := &t.pools[slot]
	if s.freed {
		return nil, finding(rule.PoolUseAfterFree, []string{obj}, "%s called with %s, already freed", call, obj)
	}
	return s, nil
}

func (t *Tracker) nbl(l NBL, call string, freeing bool) (int32, error) {
	if l.serial == 0 {
		return none, finding(rule.AllocationFailureIgnored, []string{l.String()},
			"%s called with a NULL NBL: the allocation failed and its result was used anyway", call)
	}
	if int(l.slot) >= len(t.nbls) || t.nbls[l.slot].serial != l.serial {
		if freeing {
			return none, finding(rule.DoubleFree, []string{l.String()}, "%s: %s was already freed", call, l)
		}
		return none, finding(rule.UseAfterFree, []string{l.String()}, "%s: %s was already freed", call, l)
	}
	return int32(l.slot), nil
}

func (t *Tracker) nb(b NB, call string, freeing bool) (int32, error) {
	if b.serial == 0 {
		return none, finding(rule.AllocationFailureIgnored, []string{b.String()},
			"%s called with a NULL NB: the allocation failed and its result was used anyway", call)
	}
	if int(b.slot) >= len(t.nbs) || t.nbs[b.slot].serial != b.serial {
		if freeing {
			return none, finding(rule.DoubleFree, []string{b.String()}, "%s: %s was already freed", call, b)
		}
		return none, finding(rule.UseAfterFree, []string{b.String()}, "%s: %s was already freed", call, b)
	}
	return int32(b.slot), nil
}

func (t *Tracker) nblHandle(i int32) NBL { return NBL{uint32(i), t.nbls[i].serial} }
func (t *Tracker) nbHandle(i int32) NB   { return NB{uint32(i), t.nbs[i].serial} }
