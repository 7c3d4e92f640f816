package sim_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/ndissim/ndissim/binding"
	"github.com/ndissim/ndissim/designkit"
	"github.com/ndissim/ndissim/internal/design"
	"github.com/ndissim/ndissim/sim"
)

// An engine reuses the design's instance from run to run; each run must be
// the run a new engine makes of its seed, trace line for trace line, even
// after runs that broke rules or ended in another state.
func TestReusedInstancesRunAsNewOnes(t *testing.T) {
	fixed := design.DefaultConfig()
	fixed.Requirements = design.RequirementsFixed // short of backfill: warnings
	ignore := design.DefaultConfig()
	ignore.Receive.Resources = design.ResourcesIgnore // keeps what it may not: errors
	g, ok := sim.Lookup("ndisprot")
	require.True(t, ok)
	designs := map[string]sim.Design{"demo": demo(t), "ndisprot": g.Design()}
	for name, cfg := range map[string]design.Config{"fixed": fixed, "ignore": ignore} {
		d := demo(t)
		d.New = design.Configurable(cfg)
		designs[name] = d
	}
	for name, d := range designs {
		reused := sim.NewEngine(d)
		findings := 0
		for seed := uint64(40); seed >= 1; seed-- {
			got := reused.Trace(seed)
			want := sim.NewEngine(d).Trace(seed)
			require.Equal(t, want.Lines, got.Lines, "%s, seed %d", name, seed)
			require.Equal(t, want.Findings, got.Findings, "%s, seed %d", name, seed)
			require.Equal(t, want.Stream, got.Stream, "%s, seed %d", name, seed)
			findings += len(got.Findings)
		}
		if name != "demo" {
			require.NotZero(t, findings, "%s: no run broke a rule", name)
		}
	}
}

// pnpCounter is designkit's protocol with a field of its own. The Copier it
// has is its base's, which copies only the base: it is never reused, or the
// count would carry over from one run to the next.
type pnpCounter struct {
	designkit.Base
	events int
}

func (p *pnpCounter) NetPnPEvent(nd *binding.NDIS, ev binding.PnPEvent) binding.Status {
	p.events++
	return p.Base.NetPnPEvent(nd, ev)
}

func TestInstancesAreReusedOnlyWhenTheyCopyThemselves(t *testing.T) {
	d := demo(t)
	counted := 0
	inner := d.New
	d.New = func() binding.Protocol { counted++; return inner() }
	e := sim.NewEngine(d)
	for seed := uint64(1); seed <= 10; seed++ {
		e.Run(seed)
	}
	require.Equal(t, 2, counted, "the configurable protocol: the first instance and the pristine one")

	counted = 0
	d.New = func() binding.Protocol {
		counted++
		return &pnpCounter{Base: designkit.New(designkit.DefaultConfig())}
	}
	e = sim.NewEngine(d)
	for seed := uint64(1); seed <= 10; seed++ {
		e.Run(seed)
		events := e.Binding().Protocol().(*pnpCounter).events
		fresh := sim.NewEngine(d)
		fresh.Run(seed)
		require.Equal(t, fresh.Binding().Protocol().(*pnpCounter).events, events, "seed %d", seed)
	}
	require.Equal(t, 10+1+10, counted, "a new instance for every run, the pristine one once, and the new engines'")
}

// leakyCopy is a pnpCounter with a copy of its own that copies the base
// but not the counter, so a reused instance would carry the last run's
// count; copyPanics's copy panics.
type leakyCopy struct{ pnpCounter }

func (p *leakyCopy) CloneProtocol() binding.Protocol { q := *p; return &q }

func (p *leakyCopy) CopyProtocolTo(dst binding.Protocol) bool {
	q, ok := dst.(*leakyCopy)
	if ok {
		q.Base = p.Base // events forgotten
	}
	return ok
}

type copyPanics struct{ leakyCopy }

func (p *copyPanics) CloneProtocol() binding.Protocol      { q := *p; return &q }
func (p *copyPanics) CopyProtocolTo(binding.Protocol) bool { panic("copy out of step") }

// counted is the count of an instance of leakyCopy or copyPanics.
func counted(p binding.Protocol) int {
	if q, ok := p.(*copyPanics); ok {
		return q.events
	}
	return p.(*leakyCopy).events
}

// A design's copy that misses a field, or panics, ends the reuse of its
// instances: every run is still the run of a new instance, and the check
// neither crashes nor depends on what ran on the engine before.
func TestABadCopyEndsTheReuse(t *testing.T) {
	for name, mk := range map[string]func() binding.Protocol{
		"misses a field": func() binding.Protocol {
			return &leakyCopy{pnpCounter{Base: designkit.New(designkit.DefaultConfig())}}
		},
		"panics": func() binding.Protocol {
			return &copyPanics{leakyCopy{pnpCounter{Base: designkit.New(designkit.DefaultConfig())}}}
		},
	} {
		d := demo(t)
		d.New = mk
		e := sim.NewEngine(d)
		for seed := uint64(1); seed <= 10; seed++ {
			got := e.Trace(seed)
			want := sim.NewEngine(d).Trace(seed)
			require.Equal(t, want.Lines, got.Lines, "%s: seed %d", name, seed)
			fresh := sim.NewEngine(d)
			fresh.Run(seed)
			require.Equal(t, counted(fresh.Binding().Protocol()), counted(e.Binding().Protocol()), "%s: seed %d", name, seed)
		}
	}
}
