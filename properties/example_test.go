package properties_test

import (
	"fmt"
	"testing"

	"github.com/ndissim/ndissim/designkit"
	"github.com/ndissim/ndissim/oid"
	"github.com/ndissim/ndissim/properties"
	"github.com/ndissim/ndissim/sim"
)

// myDesign is the design under test: here designkit's correct protocol on
// a miniport with one filter, a second filter inserted mid-run. A driver
// author returns their own binding.Protocol in New, often a type that embeds
// designkit.Base.
func myDesign() sim.Design {
	stack, err := oid.NewStack(oid.MAA64, oid.Layer{Name: "nic"}, oid.Layer{Name: "qos", DataBackfill: 32, ContextBackfill: 16})
	if err != nil {
		panic(err)
	}
	w := sim.DefaultWorkload
	w.Steps = 100
	return sim.Design{
		Name:     "my-design",
		Stack:    stack,
		Changes:  []oid.Edit{{Insert: &oid.Layer{Name: "vpn", DataBackfill: 64, ContextBackfill: 16}}},
		New:      designkit.Protocol(designkit.DefaultConfig()),
		Workload: w,
		Source:   []byte("my-design v1"), // changes when the design does
	}
}

// TestMyDesign is the whole test a driver author writes. On a failure it
// prints the rule, the shrunk trace, the saved trace file and the go test
// command that reproduces it; `go test -ndissim.runs=100000` checks harder.
func TestMyDesign(t *testing.T) {
	t.Parallel()
	properties.Check(t, myDesign(), properties.Options{Runs: 500})
}

// exampleT stands in for the *testing.T of TestMyDesign, so that the
// example can run: Check calls only Helper, Name, Logf and Fatalf.
type exampleT struct {
	testing.TB
	failed bool
}

func (*exampleT) Helper()                 {}
func (*exampleT) Name() string            { return "TestMyDesign" }
func (*exampleT) Logf(string, ...any)     {}
func (t *exampleT) Fatalf(string, ...any) { t.failed = true }
func (t *exampleT) Errorf(string, ...any) { t.failed = true }

// A driver author's test is one call:
//
//	func TestMyDesign(t *testing.T) {
//		properties.Check(t, myDesign(), properties.Options{Runs: 500})
//	}
func Example() {
	t := &exampleT{}
	properties.Check(t, myDesign(), properties.Options{Runs: 500})
	fmt.Println("failed:", t.failed)
	// Output: failed: false
}
