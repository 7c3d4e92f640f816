package mydriver

import (
	"testing"

	"github.com/leanovate/gopter"
	"github.com/leanovate/gopter/commands"

	"github.com/ndissim/ndissim/oid"
	"github.com/ndissim/ndissim/properties"
	"github.com/ndissim/ndissim/properties/gopterx"
	"github.com/ndissim/ndissim/sim"
)

// myDesign is the design under test on the stack it ships on: a NIC, a QoS
// filter, and a VPN filter that attaches while the binding is paused.
func myDesign() sim.Design {
	stack, err := oid.NewStack(oid.MAA64, oid.Layer{Name: "nic"},
		oid.Layer{Name: "qos", DataBackfill: 32, ContextBackfill: 16})
	if err != nil {
		panic(err)
	}
	stack.Completes = oid.CompleteMixed
	return sim.Design{
		Name:    "my-design",
		Stack:   stack,
		Changes: []oid.Edit{{Insert: &oid.Layer{Name: "vpn", DataBackfill: 64, ContextBackfill: 32}}},
		New:     New,
		Source:  []byte("my-design v1"), // changes when the design does
	}
}

func TestMyDesign(t *testing.T) {
	properties.Check(t, myDesign(), properties.Options{Runs: 500})
}

func TestMyDesignStateful(t *testing.T) {
	params := gopter.DefaultTestParametersWithSeed(1)
	params.Workers = 1
	if res := commands.Prop(gopterx.Commands(myDesign())).Check(params); !res.Passed() {
		t.Fatalf("%s: %v", res.Status, res.Args)
	}
	if res := gopterx.Property(myDesign()).Check(params); !res.Passed() {
		t.Fatalf("%s: %v", res.Status, res.Args)
	}
}

func TestMyDesignRegression(t *testing.T) {
	seq := properties.Sequence{
		properties.Do(sim.Move{Kind: sim.MoveBind}),
		properties.Do(sim.Move{Kind: sim.MoveRestart, OK: true}),
		properties.Do(sim.Move{Kind: sim.MoveWrite, N: 64}),
		properties.Do(sim.Move{Kind: sim.MovePause}),
	}
	if out := properties.Replay(myDesign(), seq, false); out.Err != nil {
		t.Fatal(out.Err)
	}
}
