package oid_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ndissim/ndissim/oid"
)

// At bind, DataBackFillSize and ContextBackFillSize cover the whole stack
// under the binding
// (learn.microsoft.com/windows-hardware/drivers/ddi/ndis/ns-ndis-_ndis_bind_parameters).
func TestBindParametersCarryTheNeeds(t *testing.T) {
	s := newStack(t, qos, vpn)
	assert.Equal(t, oid.BindParameters{
		DataBackFillSize:    96,
		ContextBackFillSize: 32,
		MtuSize:             1500,
	}, s.BindParameters())
}

// At restart NDIS_PROTOCOL_RESTART_PARAMETERS names the filter modules and
// carries a RestartAttributes list
// (learn.microsoft.com/windows-hardware/drivers/ddi/ndis/ns-ndis-_ndis_protocol_restart_parameters);
// its OID_GEN_MINIPORT_RESTART_ATTRIBUTES entry holds
// NDIS_RESTART_GENERAL_ATTRIBUTES
// (learn.microsoft.com/windows-hardware/drivers/network/oid-gen-miniport-restart-attributes,
// learn.microsoft.com/windows-hardware/drivers/ddi/ndis/ns-ndis-_ndis_restart_general_attributes).
func TestRestartParametersWithAttributes(t *testing.T) {
	s := newStack(t, qos)
	require.NoError(t, s.Apply(oid.Edit{Insert: &vpn}))

	p := s.RestartParameters(true)
	assert.Equal(t, []string{"qos", "vpn"}, p.FilterModuleNames)
	require.NotNil(t, p.Attributes)
	assert.Equal(t, &oid.RestartGeneralAttributes{
		MtuSize:             1500,
		DataBackFillSize:    96,
		ContextBackFillSize: 32,
	}, p.Attributes.General)

	n, ok := p.Needs()
	assert.True(t, ok)
	assert.Equal(t, s.Needs(), n)
	assert.Equal(t, s.BindParameters().DataBackFillSize, n.DataBackfill)
}

// A NULL RestartAttributes list means nothing changed, so the protocol learns
// no needs from it even when the stack did change.
func TestRestartParametersWithoutAttributes(t *testing.T) {
	s := newStack(t, qos)
	require.NoError(t, s.Apply(oid.Edit{Insert: &vpn}))

	p := s.RestartParameters(false)
	assert.Equal(t, []string{"qos", "vpn"}, p.FilterModuleNames)
	assert.Nil(t, p.Attributes)
	n, ok := p.Needs()
	assert.False(t, ok)
	assert.Zero(t, n)
}

func TestRestartParametersListWithoutGeneralEntry(t *testing.T) {
	p := oid.RestartParameters{Attributes: &oid.RestartAttributes{}}
	_, ok := p.Needs()
	assert.False(t, ok)
}

func TestRestartParametersDoNotAliasTheStack(t *testing.T) {
	s := newStack(t, qos)
	p := s.RestartParameters(true)
	p.FilterModuleNames[0] = "changed"
	assert.Equal(t, "qos", s.Filters[0].Name)
}

// The simulator restarts the binding many times per run on an unchanged
// stack: the parameters are built once per content and shared after.
func TestRestartWithoutChangeAllocatesNothing(t *testing.T) {
	s := newStack(t, qos, vpn)
	s.RestartParameters(true)
	allocs := testing.AllocsPerRun(100, func() {
		s.RestartParameters(true)
		s.RestartParameters(false)
	})
	assert.Zero(t, allocs)
}

// A protocol may keep a restart event until it completes it, across later
// edits of the stack and later restarts: its parameters never change.
func TestRestartParametersOutliveEdits(t *testing.T) {
	s := newStack(t, qos)
	first := s.RestartParameters(true)
	require.NoError(t, s.Apply(oid.Edit{Insert: &vpn}))
	second := s.RestartParameters(true)
	require.NoError(t, s.Apply(oid.Edit{Remove: "qos"}))
	third := s.RestartParameters(true)

	assert.Equal(t, []string{"qos"}, first.FilterModuleNames)
	assert.Equal(t, uint32(32), first.Attributes.General.DataBackFillSize)
	assert.Equal(t, []string{"qos", "vpn"}, second.FilterModuleNames)
	assert.Equal(t, uint32(96), second.Attributes.General.DataBackFillSize)
	assert.Equal(t, []string{"vpn"}, third.FilterModuleNames)
	assert.Equal(t, uint32(64), third.Attributes.General.DataBackFillSize)
}

// More contents than the stack remembers: each restart still describes the
// stack as it is.
func TestRestartParametersForManyContents(t *testing.T) {
	s := newStack(t)
	layers := []oid.Layer{qos, vpn, wfp, {Name: "a", DataBackfill: 1}, {Name: "b", ContextBackfill: 2}, {Name: "c"}}
	for round := range 2 {
		for _, l := range layers {
			require.NoError(t, s.Apply(oid.Edit{Insert: &l}))
			assertDescribes(t, s, s.RestartParameters(true), round)
		}
		for _, l := range layers {
			require.NoError(t, s.Apply(oid.Edit{Remove: l.Name}))
			assertDescribes(t, s, s.RestartParameters(true), round)
		}
	}
}

// The parameters are read only, but what a broken protocol writes into them
// must not reach a later restart.
func TestRestartParametersWrittenByAProtocol(t *testing.T) {
	s := newStack(t, qos, vpn)
	p := s.RestartParameters(true)
	p.FilterModuleNames[1] = "changed"
	assertDescribes(t, s, s.RestartParameters(true), 0)

	p = s.RestartParameters(true)
	p.Attributes.General.ContextBackFillSize = 1
	assertDescribes(t, s, s.RestartParameters(true), 0)

	p = s.RestartParameters(true)
	p.Attributes.General = &oid.RestartGeneralAttributes{}
	assertDescribes(t, s, s.RestartParameters(true), 0)
}

// Copies of a stack share built parameters but are edited apart: each
// restart describes its own stack.
func TestRestartParametersOfCopies(t *testing.T) {
	s := newStack(t, qos)
	s.RestartParameters(true)
	c := s.Clone()
	require.NoError(t, c.Apply(oid.Edit{Insert: &vpn}))
	assertDescribes(t, c, c.RestartParameters(true), 0)
	assertDescribes(t, s, s.RestartParameters(true), 0)

	s.Reset(c)
	assertDescribes(t, s, s.RestartParameters(true), 0)
	c.Reset(newStack(t, wfp))
	assertDescribes(t, c, c.RestartParameters(true), 0)
	assertDescribes(t, s, s.RestartParameters(true), 0)
}

func assertDescribes(t *testing.T, s *oid.Stack, p oid.RestartParameters, round int) {
	t.Helper()
	assert.Equal(t, s.FilterNames(), p.FilterModuleNames, "round %d, stack %s", round, s)
	n, ok := p.Needs()
	assert.True(t, ok)
	assert.Equal(t, s.Needs(), n, "round %d, stack %s", round, s)
	assert.Equal(t, oid.MaxFrameSize, p.Attributes.General.MtuSize)
}

// A filter detached and attached again under the same name may ask for
// other backfill: the names alone do not identify the parameters.
func TestRestartParametersSameNamesOtherNeeds(t *testing.T) {
	s := newStack(t, qos)
	assertDescribes(t, s, s.RestartParameters(true), 0)
	bigger := oid.Layer{Name: "qos", DataBackfill: 128, ContextBackfill: 64}
	require.NoError(t, s.Apply(oid.Edit{Remove: "qos"}))
	require.NoError(t, s.Apply(oid.Edit{Insert: &bigger}))
	assertDescribes(t, s, s.RestartParameters(true), 0)
}

// Copies of a stack share its built parameters and are used by goroutines
// of their own (a check's engines): nothing shared is written, which the
// race detector checks here.
func TestRestartParametersOfCopiesInParallel(t *testing.T) {
	s := newStack(t, qos)
	s.RestartParameters(true)
	copies := []*oid.Stack{s.Clone(), s.Clone()}
	done := make(chan struct{})
	for _, c := range copies {
		go func() {
			defer func() { done <- struct{}{} }()
			for range 50 {
				c.RestartParameters(true)
				_ = c.Apply(oid.Edit{Insert: &vpn})
				c.RestartParameters(true)
				_ = c.Apply(oid.Edit{Remove: "vpn"})
			}
		}()
	}
	for range copies {
		<-done
	}
	for _, c := range copies {
		assertDescribes(t, c, c.RestartParameters(true), 0)
	}
}
