package report

import (
	"strings"
	"testing"
)

func TestReadTrace(t *testing.T) {
	d := ReadTrace(traceLines(t, "broken-free-order-1-PoolFreedWithOutstanding.trace"))
	var names []string
	for _, l := range d.Lanes {
		names = append(names, l.Name)
	}
	if got := strings.Join(names, " "); got != "App Protocol NDIS vpn wfp-lwf qos Miniport" {
		t.Errorf("lanes: %s", got)
	}
	byText := map[string]Event{}
	for _, e := range d.Events {
		byText[e.Text] = e
		if e.Kind == Note {
			t.Errorf("unread line %q", e.Line)
		}
		if e.State == "" || len(e.Counters) != 5 {
			t.Errorf("no state or counters in %q", e.Line)
		}
	}
	for text, want := range map[string]string{
		"write 64 bytes":                                   "call app protocol",
		"NdisFreeNetBufferList NBL 4":                      "call protocol ndis",
		"ProtocolBindAdapterEx returned SUCCESS":           "return protocol ndis",
		"ProtocolUnbindAdapterEx":                          "call ndis protocol",
		"ProtocolSendNetBufferListsComplete NBL 4 SUCCESS": "call miniport protocol",
		"link NB 5 into NBL 4":                             "self protocol protocol",
		"state Running":                                    "state ndis ndis",
		"vpn attaches on top (FilterAttach): e1000(0/0) < qos(32/16) < wfp-lwf(16/16) < vpn(64/32)": "self filter:vpn filter:vpn",
	} {
		e, ok := byText[text]
		if got := string(e.Kind) + " " + e.From + " " + e.To; !ok || got != want {
			t.Errorf("%q: %q, want %q", text, got, want)
		}
	}
	last := d.Events[len(d.Events)-1]
	if last.Kind != Flagged || last.Rule != "PoolFreedWithOutstanding" || last.State != "Closing" ||
		last.Counters[0] != (Counter{"pools", 1}) || last.Tick != 6 {
		t.Errorf("last event %+v", last)
	}
}

func TestReadTraceOddLines(t *testing.T) {
	d := ReadTrace([]string{
		"   40  (3 more lines left out: the trace is capped at 5000)",
		"    2  filter   qos detaches (FilterDetach): e1000(0/0) < wfp-lwf(16/16)  [Paused pools=0 nbls=0 nbs=0 sent=0 held=0]",
		"    3  protocol NdisWaitEvent returned true  [Paused pools=0 nbls=0 nbs=0 sent=0 held=0]",
		"script: pause now",
	})
	if d.Events[0].Kind != Note || d.Events[3].Kind != Note || d.Events[0].Text != "40  (3 more lines left out: the trace is capped at 5000)" {
		t.Errorf("notes: %+v %+v", d.Events[0], d.Events[3])
	}
	if e := d.Events[2]; e.Kind != Return || e.From != "ndis" || e.To != "protocol" {
		t.Errorf("a wait returning: %+v", e)
	}
	var names []string
	for _, l := range d.Lanes {
		names = append(names, l.Name)
	}
	if got := strings.Join(names, " "); got != "App Protocol NDIS wfp-lwf qos Miniport" {
		t.Errorf("lanes: %s", got)
	}
}
