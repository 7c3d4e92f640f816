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
// tells a protocol what changed while it was paused.
type RestartParameters struct {
	FilterModuleNames []string // FilterModuleNameBuffer, bottom to top
	// Attributes nil models a NULL RestartAttributes list: nothing changed,
	// and the protocol keeps the needs it had.
	Attributes *RestartAttributes
}

// RestartParameters is what NDIS hands the protocol with NetEventRestart.
// withAttributes false models NDIS passing a NULL attribute list, which a
// protocol must survive even after the stack changed.
func (s *Stack) RestartParameters(withAttributes bool) RestartParameters {
	p := RestartParameters{FilterModuleNames: s.FilterNames()}
	if withAttributes {
		n := s.Needs()
		p.Attributes = &RestartAttributes{General: &RestartGeneralAttributes{
			MtuSize:             MaxFrameSize,
			DataBackFillSize:    n.DataBackfill,
			ContextBackFillSize: n.ContextBackfill,
		}}
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
