package oid_test

import (
	"fmt"

	"github.com/ndissim/ndissim/oid"
)

// A VPN filter attached while the binding is paused raises the backfill the
// protocol must leave; the restart attributes tell it so.
func ExampleStack_Apply() {
	s, err := oid.NewStack(oid.MAA64,
		oid.Layer{Name: "nic"},
		oid.Layer{Name: "qos", DataBackfill: 32, ContextBackfill: 16})
	if err != nil {
		panic(err)
	}
	before := s.Needs()
	fmt.Println(s)
	fmt.Println("before:", before)

	vpn := oid.Layer{Name: "vpn", DataBackfill: 64, ContextBackfill: 16}
	if err := s.Apply(oid.Edit{Insert: &vpn}); err != nil {
		panic(err)
	}
	after, _ := s.RestartParameters(true).Needs()
	fmt.Println(s)
	fmt.Println("after: ", after)
	fmt.Println("old allocation still enough:", before.Covers(after))

	fmt.Println(s.Apply(oid.Edit{Remove: "wfp"}))
	// Output:
	// nic(0/0) < qos(32/16)
	// before: DataBackFillSize 32, ContextBackFillSize 16
	// nic(0/0) < qos(32/16) < vpn(64/16)
	// after:  DataBackFillSize 96, ContextBackFillSize 32
	// old allocation still enough: false
	// no filter named "wfp" in the stack nic < qos < vpn
}

func ExampleStack_Answer() {
	s, err := oid.NewStack(oid.MAA64,
		oid.Layer{Name: "nic", DataBackfill: 8},
		oid.Layer{Name: "qos", DataBackfill: 32, ContextBackfill: 16})
	if err != nil {
		panic(err)
	}
	for _, r := range []oid.Request{
		{ID: 1, Type: oid.Query, OID: oid.OIDBackfillRequirements},
		{ID: 2, Type: oid.Query, OID: oid.OIDGenMiniportRestartAttributes},
	} {
		res := s.Answer(r)
		fmt.Printf("%s: %s %s\n", r, res.Status, res.Needs)
	}
	// Output:
	// query OID_NDISSIM_BACKFILL_REQUIREMENTS #1: SUCCESS DataBackFillSize 40, ContextBackFillSize 16
	// query OID_GEN_MINIPORT_RESTART_ATTRIBUTES #2: NOT_SUPPORTED DataBackFillSize 0, ContextBackFillSize 0
}

func ExampleNewStack() {
	_, err := oid.NewStack(oid.MAA64, oid.Layer{Name: "nic"},
		oid.Layer{Name: "wfp"}, oid.Layer{Name: "wfp"})
	fmt.Println(err)
	// Output:
	// invalid stack: Filters[1].Name: "wfp" is already the name of Filters[0]
}
