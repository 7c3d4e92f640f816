package design

import "github.com/ndissim/ndissim/oid"

// demoStack is the stack built-in designs run on by default: a miniport and
// two filters, the same as the embedded default design file.
func demoStack() *oid.Stack {
	s, err := oid.NewStack(oid.MAA64, oid.Layer{Name: "e1000"},
		oid.Layer{Name: "qos", DataBackfill: 32, ContextBackfill: 16},
		oid.Layer{Name: "wfp-lwf", DataBackfill: 16, ContextBackfill: 16})
	if err != nil {
		panic(err)
	}
	s.Completes = oid.CompleteMixed
	return s
}

// demoChanges inserts a filter that needs more backfill mid-run.
func demoChanges() []oid.Edit {
	return []oid.Edit{{Insert: &oid.Layer{Name: "vpn", DataBackfill: 64, ContextBackfill: 32}}}
}
