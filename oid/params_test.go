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
