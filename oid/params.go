package oid

// BindParameters is the part of NDIS_BIND_PARAMETERS that sizes a
// protocol's allocations. At bind, DataBackFillSize and ContextBackFillSize
// already cover the whole stack under the binding.
type BindParameters struct {
	DataBackFillSize    uint32
	ContextBackFillSize uint32
	MtuSize             uint32
}

// BindParameters is what NDIS hands ProtocolBindAdapterEx for this stack.
func (s *Stack) BindParameters() BindParameters {
	n := s.Needs()
	return BindParameters{
		DataBackFillSize:    n.DataBackfill,
		ContextBackFillSize: n.ContextBackfill,
		MtuSize:             MaxFrameSize,
	}
}

// RestartGeneralAttributes is the part of NDIS_RESTART_GENERAL_ATTRIBUTES
// that sizes a protocol's allocations.
type RestartGeneralAttributes struct {
	MtuSize             uint32
	DataBackFillSize    uint32
	ContextBackFillSize uint32
}

// RestartAttributes stands for a non-NULL NDIS_RESTART_ATTRIBUTES list. Only
// its OID_GEN_MINIPORT_RESTART_ATTRIBUTES entry is modelled.
type RestartAttributes struct {
	General *RestartGeneralAttributes
}

// RestartParameters is the part of NDIS_PROTOCOL_RESTART_PARAMETERS that
// tells a protocol what changed while it was paused. The names and the
// attributes are NDIS's, to read, never to write: the simulator shares them
// between the restarts of one stack content (and the explorer's copies of
// a state).
type RestartParameters struct {
	FilterModuleNames []string // FilterModuleNameBuffer, bottom to top
	// Attributes nil models a NULL RestartAttributes list: nothing changed,
	// and the protocol keeps the needs it had.
	Attributes *RestartAttributes
}

// RestartParameters is what NDIS hands the protocol with NetEventRestart.
// withAttributes false models NDIS passing a NULL attribute list, which a
// protocol must survive even after the stack changed.
//
// The names and attributes are NDIS's and read only: they are shared with
// every restart made while the stack holds the same filters, so that a
// restart allocates nothing unless the stack changed (restartValues).
func (s *Stack) RestartParameters(withAttributes bool) RestartParameters {
	v := s.restartValues()
	p := RestartParameters{FilterModuleNames: v.names}
	if withAttributes {
		p.Attributes = &v.attrs
	}
	return p
}

// Needs returns the needs the restart carries. It reports false for a NULL
// list, and for a list without the general entry, which NDIS would never
// send: either way the protocol has learnt nothing new.
func (p RestartParameters) Needs() (Needs, bool) {
	if p.Attributes == nil || p.Attributes.General == nil {
		return Needs{}, false
	}
	g := p.Attributes.General
	return Needs{DataBackfill: g.DataBackFillSize, ContextBackfill: g.ContextBackFillSize}, true
}

// restartCacheSize is how many contents of the stack keep their restart
// parameters. A run visits one more content than the design has edits, and
// the simulator starts every run again from the first: designs edit their
// stacks once or twice, and the explorer's SPIN-like bounds apply six
// edits (seven contents). A set is built only when a content is new to it.
const restartCacheSize = 8

// restartValues are the restart parameters for one content of the stack.
// They are never changed once built: an event a protocol holds keeps them
// after later edits, and copies of the stack share them.
type restartValues struct {
	names   []string
	attrs   RestartAttributes
	general RestartGeneralAttributes
}

// restartSet holds the restartValues of the stack's recent contents, newest
// first. A set is never changed once built either: new values come with a
// new set, so that copies of a stack (Clone, a snapshot) may share one, and
// the stack grows by one pointer, not by the set.
type restartSet [restartCacheSize]*restartValues

// restartValues returns the values for the stack as it is now, building
// them only when no recent ones match it.
func (s *Stack) restartValues() *restartValues {
	n := s.Needs()
	if s.restarts != nil {
		for _, v := range s.restarts {
			if v != nil && v.matches(s.Filters, n) {
				return v
			}
		}
	}
	v := &restartValues{names: make([]string, len(s.Filters)), general: generalAttributes(n)}
	for i, f := range s.Filters {
		v.names[i] = f.Name
	}
	v.attrs.General = &v.general
	set := &restartSet{v}
	if s.restarts != nil {
		copy(set[1:], s.restarts[:]) // the oldest drops out
	}
	s.restarts = set
	return v
}

// matches reports whether v holds the parameters of a stack with filters
// and needs n. It reads v whole, rather than trusting the key it was built
// for, so that values a protocol wrote into (they are read only, but a
// broken design may) are not handed to a later restart.
func (v *restartValues) matches(filters []Layer, n Needs) bool {
	g := &v.general
	if v.attrs.General != g || *g != generalAttributes(n) ||
		len(v.names) != len(filters) {
		return false
	}
	for i, f := range filters {
		if v.names[i] != f.Name {
			return false
		}
	}
	return true
}

// generalAttributes is the general entry for a stack with needs n.
func generalAttributes(n Needs) RestartGeneralAttributes {
	return RestartGeneralAttributes{MtuSize: MaxFrameSize, DataBackFillSize: n.DataBackfill, ContextBackFillSize: n.ContextBackfill}
}
