package gopterx

import (
	"github.com/ndissim/ndissim/binding"
	"github.com/ndissim/ndissim/designkit"
	"github.com/ndissim/ndissim/fsm"
	"github.com/ndissim/ndissim/oid"
	"github.com/ndissim/ndissim/pool"
	"github.com/ndissim/ndissim/sim"
)

// bug selects what the test protocol gets wrong.
type bug uint8

const (
	noBug bug = iota
	// freeNBTwice frees a send's NB, then its NBL, then the NB again:
	// DoubleFree.
	freeNBTwice
	// pauseEarly completes a pause with sends in flight:
	// PauseWithOutstanding.
	pauseEarly
	// leakFailedSend forgets a send that completed with a failure status:
	// LeakAtUnbind, and only on the rare runs where a send fails.
	leakFailedSend
)

// simple is designkit's protocol building each send from an NBL and an NB
// allocated separately, correct unless told to have a bug.
type simple struct {
	designkit.Base
	bug bug
}

func newSimple(b bug) binding.Protocol {
	cfg := designkit.SeparateConfig()
	cfg.NBLPool, cfg.NBPool = pool.NBLPoolParameters{}, pool.NBPoolParameters{}
	cfg.ContextSize, cfg.Header, cfg.MaxHeld = 0, 0, 0
	return &simple{Base: designkit.New(cfg), bug: b}
}

func (p *simple) NetPnPEvent(nd *binding.NDIS, ev binding.PnPEvent) binding.Status {
	if ev.Kind == binding.NetEventPause && p.bug == pauseEarly {
		p.State = fsm.Paused
		return binding.StatusSuccess // sends may still be in flight
	}
	return p.Base.NetPnPEvent(nd, ev)
}

func (p *simple) SendNetBufferListsComplete(nd *binding.NDIS, nbl pool.NBL, st binding.Status, flags binding.SendCompleteFlags) {
	switch {
	case p.bug == leakFailedSend && st != binding.StatusSuccess:
		p.SendDone(nd) // the NBL and its NB are forgotten
	case p.bug == freeNBTwice:
		nb := nd.FirstNB(nbl)
		nd.FreeNetBuffer(nb)
		nd.FreeNetBufferList(nbl)
		nd.FreeNetBuffer(nb)
		p.SendDone(nd)
	default:
		p.Base.SendNetBufferListsComplete(nd, nbl, st, flags)
	}
}

// simpleDesign is the simple protocol with b on a bare miniport, whose
// stack needs no backfill (so the correct design draws no warning).
func simpleDesign(name string, b bug) sim.Design {
	st, err := oid.NewStack(oid.MAA64, oid.Layer{Name: "nic"})
	if err != nil {
		panic(err)
	}
	return sim.Design{
		Name: name, Stack: st,
		Changes:  []oid.Edit{{Insert: &oid.Layer{Name: "lwf"}}},
		New:      func() binding.Protocol { return newSimple(b) },
		Workload: sim.Workload{Steps: 60, AllocationFailure: 0.01, OIDFailure: 0.02, SendFailure: 0.02, Pend: 0.5},
		Source:   []byte("properties test design " + name),
	}
}
