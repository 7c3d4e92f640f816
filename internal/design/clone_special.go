package design

import "github.com/ndissim/ndissim/binding"

// The copies of the designs built on designkit.Base that copyKit alone
// would get wrong: those with slices of their own, copied into the
// destination's slices, and oidPanic, whose AfterOpen hook is a method value
// bound to the design itself.

func (p *nbCache) CloneProtocol() binding.Protocol { return cloneBy(p, new(nbCache)) }

func (p *nbCache) CopyProtocolTo(dst binding.Protocol) bool {
	d, ok := dst.(*nbCache)
	if !ok || d == p {
		return ok
	}
	idle, busy := d.idle, d.busy
	copyKit(p, d) // never refused: the design sets no AfterOpen
	d.idle, d.busy = copyInto(idle, p.idle), copyInto(busy, p.busy)
	return true
}

// cacheAfterPool adds nothing to nbCache but the order of its unbind.
func (p *cacheAfterPool) CloneProtocol() binding.Protocol { return cloneBy(p, new(cacheAfterPool)) }

func (p *cacheAfterPool) CopyProtocolTo(dst binding.Protocol) bool {
	d, ok := dst.(*cacheAfterPool)
	return ok && p.nbCache.CopyProtocolTo(&d.nbCache)
}

func (p *restartFreesCache) CloneProtocol() binding.Protocol {
	return cloneBy(p, new(restartFreesCache))
}

func (p *restartFreesCache) CopyProtocolTo(dst binding.Protocol) bool {
	d, ok := dst.(*restartFreesCache)
	if !ok || d == p {
		return ok
	}
	cache := d.cache
	copyKit(p, d) // never refused: the design sets no AfterOpen
	d.cache = copyInto(cache, p.cache)
	return true
}

// oidPanic's copies each get a hook bound to themselves: d keeps its own,
// and a new design (CloneProtocol's) binds one. The rest is copied from a
// copy of p without the hook, which the base would refuse.
func (p *oidPanic) CloneProtocol() binding.Protocol { return cloneBy(p, new(oidPanic)) }

func (p *oidPanic) CopyProtocolTo(dst binding.Protocol) bool {
	d, ok := dst.(*oidPanic)
	if !ok || d == p {
		return ok
	}
	hook := d.Config.AfterOpen
	if hook == nil {
		hook = d.queryFrameSize
	}
	src := *p
	src.Config.AfterOpen = nil
	copyKit(&src, d)
	d.Config.AfterOpen = hook
	return true
}

// cloneBy is CloneProtocol by the design's CopyProtocolTo into a new one.
func cloneBy(p binding.Copier, c binding.Protocol) binding.Protocol {
	if !p.CopyProtocolTo(c) {
		return nil
	}
	return c
}
