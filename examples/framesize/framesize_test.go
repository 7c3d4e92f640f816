package framesize_test

import (
	"testing"

	"github.com/ndissim/ndissim/examples/framesize"
	"github.com/ndissim/ndissim/oid"
	"github.com/ndissim/ndissim/properties"
	"github.com/ndissim/ndissim/sim"
)

// design is the protocol on a NIC and a QoS filter, with a VPN filter that
// attaches mid-run: the needs grow and the skeleton follows them.
func design() sim.Design {
	stack, err := oid.NewStack(oid.MAA64, oid.Layer{Name: "e1000"},
		oid.Layer{Name: "qos", DataBackfill: 32, ContextBackfill: 16})
	if err != nil {
		panic(err)
	}
	stack.Completes = oid.CompleteMixed
	return sim.Design{
		Name:     "framesize",
		Stack:    stack,
		Changes:  []oid.Edit{{Insert: &oid.Layer{Name: "vpn", DataBackfill: 64, ContextBackfill: 32}}},
		New:      framesize.New,
		Workload: sim.DefaultWorkload,
		Source:   []byte("examples/framesize v1"), // change it when the design changes
	}
}

// TestFrameSize is the driver author's CI check: every invariant after
// every step of 1,000 seeded runs, warnings included (Strict).
func TestFrameSize(t *testing.T) {
	properties.Check(t, design(), properties.Options{Runs: 1000, Strict: true})
}
