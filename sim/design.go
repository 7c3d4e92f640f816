package sim

import (
	"fmt"
	"slices"
	"strings"
	"sync"

	"github.com/ndissim/ndissim/binding"
	"github.com/ndissim/ndissim/oid"
	"github.com/ndissim/ndissim/rule"
)

// Workload is what the environment does to a design: how many steps a run
// takes and how often faults strike. Probabilities are per opportunity, 0..1.
type Workload struct {
	Steps             int
	AllocationFailure float64
	OIDFailure        float64
	SendFailure       float64 // sends that complete with a failure status
	Pend              float64
}

// DefaultWorkload is the workload of a design file that names none.
var DefaultWorkload = Workload{Steps: 200, AllocationFailure: 0.01, OIDFailure: 0.02, SendFailure: 0.02, Pend: 0.5}

// Design is everything a check needs: the stack, the edits NDIS applies to it
// between a pause and a restart, the protocol under test and its workload.
type Design struct {
	Name     string
	File     string // the design file it came from; empty for a Go design, "(embedded default)" for the default
	Stack    *oid.Stack
	Changes  []oid.Edit
	Protocol string // what `protocol:` names: "configurable" or a Go design's name
	New      func() binding.Protocol
	Workload Workload
	// Source identifies the design for trace files: the file's bytes, or a
	// description of a built-in. A trace replays only on a design whose
	// source hashes the same.
	Source []byte
	// Rules are the design file's rules section, in file order. A check
	// does not apply them itself: the rule-control policy reads them.
	Rules []RuleSetting
	// Fields are where a design file set each field it read, by YAML path
	// ("protocol.nbl_pool.context_size"): what a report needs to point at
	// the setting responsible for a finding. Nil for a Go design.
	Fields map[string]FieldPos
}

// FieldPos is where a design file's field is: its key's line and column,
// both 1-based.
type FieldPos struct{ Line, Column int }

// RuleSetting is one entry of a design file's rules section: it raises a
// rule to an error (Severity "error") or silences it (Silence, the reason
// the file gives); exactly one of the two is set.
type RuleSetting struct {
	Rule     rule.Name
	Severity string
	Silence  string
	// Line and Col are where the entry starts in the design file, so that
	// a message about the setting can point at it.
	Line, Col int
}

// GoDesign is a protocol written in Go and registered by name, selected in a
// design file with `protocol: {go: NAME}`.
type GoDesign struct {
	Name    string
	Summary string
	// Breaks is the rule a deliberately broken design breaks; empty for a
	// correct design.
	Breaks rule.Name
	New    func() binding.Protocol
	// Stack, Changes and Workload are what `ndissim check --design NAME`
	// runs it on.
	Stack    func() *oid.Stack
	Changes  []oid.Edit
	Workload Workload
}

var registry = struct {
	sync.Mutex
	byName map[string]GoDesign
}{byName: map[string]GoDesign{}}

// Register adds a Go design. A second design of the same name is an error.
func Register(d GoDesign) error {
	if d.Name == "" || d.New == nil {
		return fmt.Errorf("sim: a Go design needs a name and a New function")
	}
	registry.Lock()
	defer registry.Unlock()
	if _, dup := registry.byName[d.Name]; dup {
		return fmt.Errorf("sim: a Go design named %q is already registered", d.Name)
	}
	registry.byName[d.Name] = d
	return nil
}

// MustRegister is Register for package initialisation.
func MustRegister(d GoDesign) {
	if err := Register(d); err != nil {
		panic(err)
	}
}

// Lookup finds a registered Go design.
func Lookup(name string) (GoDesign, bool) {
	registry.Lock()
	defer registry.Unlock()
	d, ok := registry.byName[name]
	return d, ok
}

// GoDesigns lists the registered designs by name.
func GoDesigns() []GoDesign {
	registry.Lock()
	defer registry.Unlock()
	out := make([]GoDesign, 0, len(registry.byName))
	for _, d := range registry.byName {
		out = append(out, d)
	}
	slices.SortFunc(out, func(a, b GoDesign) int { return strings.Compare(a.Name, b.Name) })
	return out
}

// Design builds the design a registered Go design is checked as on its own.
func (g GoDesign) Design() Design {
	w := g.Workload
	if w.Steps == 0 {
		w = DefaultWorkload
	}
	var src strings.Builder
	fmt.Fprintf(&src, "go:%s\nstack:%s\n", g.Name, g.Stack())
	for _, c := range g.Changes {
		fmt.Fprintf(&src, "change:%s\n", c)
	}
	fmt.Fprintf(&src, "workload:%+v\n", w)
	return Design{
		Name: g.Name, Stack: g.Stack(), Changes: slices.Clone(g.Changes),
		Protocol: g.Name, New: g.New, Workload: w, Source: []byte(src.String()),
	}
}
