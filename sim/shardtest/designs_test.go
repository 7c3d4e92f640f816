package shardtest

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/ndissim/ndissim/binding"
	"github.com/ndissim/ndissim/designkit"
	"github.com/ndissim/ndissim/oid"
	"github.com/ndissim/ndissim/pool"
	"github.com/ndissim/ndissim/sim"
)

// sender is designkit's skeleton waiting in place as the sample driver
// does (Config.Wait): its pause polls its sends with NdisMSleep, its unbind
// waits for its close. As it is, it is correct. Each knob replaces one
// behaviour, so that one design gives a check warnings and an error at
// seeds of its own:
//   - shallow sizes every send by the needs the bind parameters gave and
//     ignores the restart's, which a filter inserted mid-run raises (two
//     warnings, on many runs);
//   - doubleFreeAt frees the NBL of its send completion of that number
//     twice (an error; 0: never);
//   - failPauses fails a pause that finds this many sends or more in
//     flight (0: never), after waiting for them (a warning, and rarer).
type sender struct {
	designkit.Base
	shallow      bool
	doubleFreeAt int
	failPauses   int
	completions  int // send completions in this binding
}

func (p *sender) Write(nd *binding.NDIS, bytes uint32) {
	if !p.shallow {
		p.Base.Write(nd, bytes)
		return
	}
	if p.Running() {
		p.SendNew(nd, p.BindNeeds.DataBackfill, p.ContextBackfill(nd, p.BindNeeds), bytes)
	}
}

func (p *sender) SendNetBufferListsComplete(nd *binding.NDIS, nbl pool.NBL, st binding.Status, flags binding.SendCompleteFlags) {
	p.Base.SendNetBufferListsComplete(nd, nbl, st, flags)
	p.completions++
	if p.completions == p.doubleFreeAt {
		nd.FreeNetBufferList(nbl)
	}
}

func (p *sender) NetPnPEvent(nd *binding.NDIS, ev binding.PnPEvent) binding.Status {
	fail := ev.Kind == binding.NetEventPause && p.failPauses > 0 && p.Sends >= p.failPauses
	st := p.Base.NetPnPEvent(nd, ev) // a pause waits for the sends first
	if fail {
		return binding.StatusFailure
	}
	return st
}

// senderDesign is p on a miniport under a filter that needs 32 bytes of
// backfill, with a second filter inserted mid-run.
func senderDesign(t testing.TB, name string, p sender) sim.Design {
	st, err := oid.NewStack(oid.MAA64, oid.Layer{Name: "nic"}, oid.Layer{Name: "qos", DataBackfill: 32, ContextBackfill: 16})
	require.NoError(t, err)
	w := sim.DefaultWorkload
	w.Steps = 60
	cfg := designkit.DefaultConfig()
	cfg.Wait = true
	p.Base = designkit.New(cfg)
	return sim.Design{Name: name, Stack: st, Protocol: name, Workload: w, Source: []byte(name),
		Changes: []oid.Edit{{Insert: &oid.Layer{Name: "vpn", DataBackfill: 64, ContextBackfill: 16}}},
		New:     func() binding.Protocol { c := p; return &c }}
}
