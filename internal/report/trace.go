package report

import (
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/ndissim/ndissim/rule"
)

// Diagram is a trace read as a sequence diagram: the lanes, left to right,
// and one event per trace line.
type Diagram struct {
	Lanes  []Lane
	Events []Event
}

// Lane is one participant: the application, the protocol driver, NDIS, a
// filter of the stack, or the miniport.
type Lane struct {
	ID   string // "app", "protocol", "ndis", "filter:NAME", "miniport"
	Name string // as drawn: "App", "Protocol", "NDIS", NAME, "Miniport"
}

// Kind is what a trace line shows.
type Kind string

const (
	Call    Kind = "call"    // a call or a callback: From calls To
	Return  Kind = "return"  // a return reported after the fact
	Self    Kind = "self"    // an act within one participant
	State   Kind = "state"   // the binding entered a state
	Flagged Kind = "finding" // a rule broke here
	Note    Kind = "note"    // a line that is not an event: a cap, a script's remark
)

// Event is one trace line.
type Event struct {
	Line     string // as given
	Tick     int    // the simulation tick; 0 for a note
	Actor    string // the trace's actor column: app, protocol, NDIS, miniport, filter
	Text     string // what happened
	Kind     Kind
	From, To string // lane IDs; equal for an act within one lane; "" for a note
	// State and Counters are the bracketed end of the line: the binding's
	// state and counters after the event.
	State    string
	Counters []Counter
	Entered  string    // for a State event: the state entered
	Rule     rule.Name // for a Flagged event: the rule
}

// Counter is one of the binding's counters: pools, nbls, nbs, sent, held.
type Counter struct {
	Name  string
	Value int
}

// Name is the first word of the text, the call or callback, for a label;
// Args is the rest.
func (e Event) Name() string { n, _, _ := strings.Cut(e.Text, " "); return n }

// Args is the text after Name.
func (e Event) Args() string { _, a, _ := strings.Cut(e.Text, " "); return a }

var (
	// sim's tracer writes "%5d  %-8s %-72s  [STATE name=N ...]".
	headRE  = regexp.MustCompile(`^\s*(\d+)  (app|protocol|NDIS|miniport|filter) +(.*)$`)
	tailRE  = regexp.MustCompile(`\s+\[([A-Za-z]+)((?: [a-z]+=-?\d+)*)\]$`)
	stackRE = regexp.MustCompile(`: (\S+)\(\d+/\d+\)((?: < [^ (]+\(\d+/\d+\))*)$`)
	listRE  = regexp.MustCompile(`filters=\[([^\]]*)\]`)
)

// ReadTrace reads the lines of a trace into a diagram. A line it cannot
// read becomes a Note spanning all lanes, so nothing is lost.
func ReadTrace(lines []string) Diagram {
	var d Diagram
	for _, l := range lines {
		d.Events = append(d.Events, readLine(l))
	}
	d.Lanes = lanes(d.Events)
	return d
}

func readLine(line string) Event {
	e := Event{Line: line, Kind: Note, Text: strings.TrimSpace(line)}
	rest := line
	if m := tailRE.FindStringSubmatchIndex(line); m != nil {
		e.State = line[m[2]:m[3]]
		e.Counters = counters(line[m[4]:m[5]])
		rest = line[:m[0]]
	}
	h := headRE.FindStringSubmatch(rest)
	if h == nil {
		return e
	}
	e.Tick, _ = strconv.Atoi(h[1])
	e.Actor, e.Text = h[2], strings.TrimSpace(h[3])
	route(&e)
	return e
}

func counters(s string) []Counter {
	var out []Counter
	for _, f := range strings.Fields(s) {
		name, v, _ := strings.Cut(f, "=")
		n, _ := strconv.Atoi(v)
		out = append(out, Counter{name, n})
	}
	return out
}

// route decides who acts on whom. The trace names the actor only; the
// callee follows from the call: an Ndis* function is NDIS's, a Protocol*
// callback the protocol's.
func route(e *Event) {
	call := func(from, to string) { e.Kind, e.From, e.To = Call, from, to }
	self := func(lane string) { e.Kind, e.From, e.To = Self, lane, lane }
	name := e.Name()
	switch e.Actor {
	case "app":
		call("app", "protocol")
	case "protocol":
		switch {
		case strings.HasPrefix(name, "Ndis") && strings.Contains(e.Text, " returned "):
			e.Kind, e.From, e.To = Return, "ndis", "protocol" // a wait returning
		case strings.HasPrefix(name, "Ndis"):
			call("protocol", "ndis")
		case strings.Contains(e.Text, " returned "):
			e.Kind, e.From, e.To = Return, "protocol", "ndis" // a callback returning
		default:
			self("protocol")
		}
	case "NDIS":
		switch {
		case name == "state":
			self("ndis")
			e.Kind, e.Entered = State, e.Args()
		case name == "finding":
			self("ndis")
			r, _, _ := strings.Cut(e.Args(), " ")
			e.Kind, e.Rule = Flagged, rule.Name(r)
		case strings.HasPrefix(name, "Protocol") || e.Text == "work item":
			call("ndis", "protocol")
		default:
			self("ndis")
		}
	case "miniport":
		if strings.HasPrefix(name, "Protocol") {
			call("miniport", "protocol") // indicated up through the filters and NDIS
		} else {
			self("miniport")
		}
	case "filter":
		self("filter:" + name)
	}
}

// lanes are the participants, left to right: the application, the
// protocol, NDIS, the filters from the top of the stack down, the miniport.
func lanes(events []Event) []Lane {
	out := []Lane{{"app", "App"}, {"protocol", "Protocol"}, {"ndis", "NDIS"}}
	for _, f := range filters(events) {
		out = append(out, Lane{"filter:" + f, f})
	}
	return append(out, Lane{"miniport", "Miniport"})
}

// filters are the filter names the trace mentions, top of the stack first.
// Stacks are read from "filters=[a b c]" (bottom first), from a filter's
// line "vpn attaches on top (FilterAttach): e1000(0/0) < qos(32/16) < ...",
// and the filter lines' own names; a name is placed above the one below it
// in the first stack that holds it.
func filters(events []Event) []string {
	var bottomUp []string
	add := func(stack []string) {
		for i, f := range stack {
			if f == "" || slices.Contains(bottomUp, f) {
				continue
			}
			at := 0
			if i > 0 {
				at = slices.Index(bottomUp, stack[i-1]) + 1
			}
			bottomUp = slices.Insert(bottomUp, at, f)
		}
	}
	for _, e := range events {
		if m := listRE.FindStringSubmatch(e.Text); m != nil {
			add(strings.Fields(m[1]))
		}
		if m := stackRE.FindStringSubmatch(e.Text); m != nil && e.Actor == "filter" {
			var stack []string
			for _, p := range strings.Split(m[2], " < ")[1:] {
				stack = append(stack, p[:strings.IndexByte(p, '(')])
			}
			add(stack)
		}
		if e.Actor == "filter" {
			add([]string{e.Name()})
		}
	}
	slices.Reverse(bottomUp)
	return bottomUp
}
