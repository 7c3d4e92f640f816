package oid

import (
	"fmt"
	"strings"
)

// MEMORY_ALLOCATION_ALIGNMENT on the two Windows targets. NBL context sizes
// must be multiples of it, so the stack records which target it models.
const (
	MAA64 uint32 = 16
	MAA32 uint32 = 8
)

// MaxFrameSize is what the simulated miniport reports for
// OID_GEN_MAXIMUM_FRAME_SIZE and as MtuSize: the Ethernet payload, headers
// excluded.
const MaxFrameSize uint32 = 1500

// Layer is one driver in the stack: the miniport or a filter module, with
// the backfill it asks of whoever allocates the NET_BUFFER_LISTs it sees.
type Layer struct {
	Name            string
	DataBackfill    uint32 // DataBackFillSize, bytes of unused data space
	ContextBackfill uint32 // ContextBackFillSize, bytes of unused NBL context
}

// String is the form used in stacks and edits: "vpn(64/16)", data/context.
func (l Layer) String() string {
	return fmt.Sprintf("%s(%d/%d)", l.Name, l.DataBackfill, l.ContextBackfill)
}

// Needs is what an allocator must leave free in front of the data and in the
// NBL context for the layers below it.
type Needs struct {
	DataBackfill    uint32
	ContextBackfill uint32
}

// Covers reports whether an allocation sized for n also satisfies m.
func (n Needs) Covers(m Needs) bool {
	return n.DataBackfill >= m.DataBackfill && n.ContextBackfill >= m.ContextBackfill
}

// Add stacks l on top of n: each layer reserves its own room in addition to
// what the layers below it reserve.
func (n Needs) Add(l Layer) Needs {
	return Needs{
		DataBackfill:    n.DataBackfill + l.DataBackfill,
		ContextBackfill: n.ContextBackfill + l.ContextBackfill,
	}
}

// String uses the NDIS field names a driver author reads in NDIS_BIND_PARAMETERS.
func (n Needs) String() string {
	return fmt.Sprintf("DataBackFillSize %d, ContextBackFillSize %d", n.DataBackfill, n.ContextBackfill)
}

// overflows reports whether adding l to n would wrap a ULONG, which would
// make a huge stack look as if it needed almost nothing.
func (n Needs) overflows(l Layer) bool {
	const max = uint64(^uint32(0))
	return uint64(n.DataBackfill)+uint64(l.DataBackfill) > max ||
		uint64(n.ContextBackfill)+uint64(l.ContextBackfill) > max
}

// Completion is how the simulated miniport completes sends and OID requests.
type Completion uint8

const (
	// CompleteSync completes every send and request before returning.
	CompleteSync Completion = iota + 1
	// CompletePend returns NDIS_STATUS_PENDING and completes later.
	CompletePend
	// CompleteMixed does either, so both of the driver's paths run.
	CompleteMixed
)

var completionNames = [...]string{CompleteSync: "sync", CompletePend: "pend", CompleteMixed: "mixed"}

func (c Completion) String() string {
	if c >= CompleteSync && int(c) < len(completionNames) {
		return completionNames[c]
	}
	return fmt.Sprintf("Completion(%d)", uint8(c))
}

// ParseCompletion reads the names String produces, as given on a command
// line or in a design file.
func ParseCompletion(s string) (Completion, error) {
	for c := CompleteSync; int(c) < len(completionNames); c++ {
		if completionNames[c] == s {
			return c, nil
		}
	}
	return 0, &CompletionError{Input: s}
}

// CompletionError reports a completion mode that is not one of the three.
type CompletionError struct {
	Input string
}

func (e *CompletionError) Error() string {
	return fmt.Sprintf("unknown completion mode %q: want sync, pend or mixed", e.Input)
}

// Stack is the miniport and the filter modules under one protocol binding.
type Stack struct {
	MAA       uint32  // MAA64 or MAA32
	Miniport  Layer   // its needs come from NDIS_MINIPORT_ADAPTER_GENERAL_ATTRIBUTES
	Filters   []Layer // bottom to top
	Completes Completion

	// packetFilter is the last OID_GEN_CURRENT_PACKET_FILTER set, which a
	// later query of the same OID must return.
	packetFilter uint32

	// restarts is derived from the filters, not part of the stack's value:
	// the restart parameters built for its recent contents (params.go).
	restarts *restartSet
}

// StackError reports why NewStack refused a stack. Field names the offending
// part as the Go fields spell it, such as "Filters[1].Name".
type StackError struct {
	Field  string
	Reason string
}

func (e *StackError) Error() string {
	return "invalid stack: " + e.Field + ": " + e.Reason
}

// NewStack builds a stack from the miniport up. Completes starts as
// CompleteMixed because a driver must cope with both completion paths.
func NewStack(maa uint32, miniport Layer, filters ...Layer) (*Stack, error) {
	if maa != MAA64 && maa != MAA32 {
		return nil, &StackError{Field: "MAA", Reason: fmt.Sprintf(
			"%d is not a MEMORY_ALLOCATION_ALIGNMENT: use %d (64-bit Windows) or %d (32-bit)", maa, MAA64, MAA32)}
	}
	if err := validate(miniport, filters); err != nil {
		return nil, err
	}
	return &Stack{
		MAA:       maa,
		Miniport:  miniport,
		Filters:   append([]Layer(nil), filters...), // Apply appends; never into the caller's array
		Completes: CompleteMixed,
	}, nil
}

func validate(miniport Layer, filters []Layer) error {
	if miniport.Name == "" {
		return &StackError{Field: "Miniport.Name", Reason: "empty: every layer needs a name for findings and edits to refer to"}
	}
	seen := map[string]string{miniport.Name: "the miniport"}
	total := Needs{}.Add(miniport)
	for i, f := range filters {
		field := fmt.Sprintf("Filters[%d]", i)
		if f.Name == "" {
			return &StackError{Field: field + ".Name", Reason: "empty: every layer needs a name for findings and edits to refer to"}
		}
		if who, dup := seen[f.Name]; dup {
			return &StackError{Field: field + ".Name", Reason: fmt.Sprintf("%q is already the name of %s", f.Name, who)}
		}
		if total.overflows(f) {
			return &StackError{Field: field, Reason: fmt.Sprintf("%s takes the stack's backfill past 4 GiB", f)}
		}
		seen[f.Name] = field
		total = total.Add(f)
	}
	return nil
}

// Needs is what the protocol on top must allocate for: the sum over the
// miniport and every filter.
func (s *Stack) Needs() Needs {
	n := Needs{}.Add(s.Miniport)
	for _, f := range s.Filters {
		n = n.Add(f)
	}
	return n
}

// FilterNames returns a fresh slice, bottom to top, that the caller may keep.
func (s *Stack) FilterNames() []string {
	names := make([]string, len(s.Filters))
	for i, f := range s.Filters {
		names[i] = f.Name
	}
	return names
}

// Clone returns a copy that shares nothing either may change with s, so
// edits to one never show in the other (the restart parameters they share
// are never changed).
func (s *Stack) Clone() *Stack {
	c := *s
	if s.Filters != nil {
		c.Filters = append(make([]Layer, 0, len(s.Filters)), s.Filters...)
	}
	return &c
}

// Reset makes s a copy of from without allocating when s's Filters already
// has room: the simulator restores the stack before every run. s keeps its
// own restart parameters, which are checked against the filters before
// use: a run that goes back to the design's stack then finds them built.
func (s *Stack) Reset(from *Stack) {
	filters := append(s.Filters[:0], from.Filters...)
	restarts := s.restarts
	*s = *from
	s.Filters = filters
	s.restarts = restarts
}

// String shows the stack bottom to top with each layer's data/context needs:
// "nic(0/0) < qos(32/16) < vpn(64/16)".
func (s *Stack) String() string {
	var b strings.Builder
	b.WriteString(s.Miniport.String())
	for _, f := range s.Filters {
		b.WriteString(" < ")
		b.WriteString(f.String())
	}
	return b.String()
}

// names is the short form error messages use: "nic < wfp".
func (s *Stack) names() string {
	var b strings.Builder
	b.WriteString(s.Miniport.Name)
	for _, f := range s.Filters {
		b.WriteString(" < ")
		b.WriteString(f.Name)
	}
	return b.String()
}

// index returns the position of the filter named name, or -1.
func (s *Stack) index(name string) int {
	for i, f := range s.Filters {
		if f.Name == name {
			return i
		}
	}
	return -1
}
