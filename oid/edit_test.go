package oid_test

import (
	"errors"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ndissim/ndissim/oid"
)

// NDIS attaches and detaches filter modules only while the bindings above
// them are paused, and reports the new stack at restart
// (learn.microsoft.com/windows-hardware/drivers/network/modifying-a-running-driver-stack).

func TestApplyInsertGoesOnTop(t *testing.T) {
	s := newStack(t, qos)
	require.NoError(t, s.Apply(oid.Edit{Insert: &vpn}))
	require.NoError(t, s.Apply(oid.Edit{Insert: &wfp}))
	assert.Equal(t, []string{"qos", "vpn", "wfp"}, s.FilterNames())
	assert.Equal(t, oid.Needs{DataBackfill: 32 + 64 + 8, ContextBackfill: 16 + 16 + 32}, s.Needs())
}

func TestApplyInsertCopiesTheLayer(t *testing.T) {
	s := newStack(t)
	l := vpn
	require.NoError(t, s.Apply(oid.Edit{Insert: &l}))
	l.DataBackfill = 999
	assert.Equal(t, uint32(64), s.Needs().DataBackfill)
}

func TestApplyRemoveKeepsOrder(t *testing.T) {
	tests := []struct {
		remove string
		left   []string
	}{
		{"qos", []string{"vpn", "wfp"}},
		{"vpn", []string{"qos", "wfp"}},
		{"wfp", []string{"qos", "vpn"}},
	}
	for _, tt := range tests {
		t.Run(tt.remove, func(t *testing.T) {
			s := newStack(t, qos, vpn, wfp)
			require.NoError(t, s.Apply(oid.Edit{Remove: tt.remove}))
			assert.Equal(t, tt.left, s.FilterNames())
		})
	}
}

func TestApplyRemoveThenInsertAgain(t *testing.T) {
	s := newStack(t, qos, vpn)
	require.NoError(t, s.Apply(oid.Edit{Remove: "qos"}))
	require.NoError(t, s.Apply(oid.Edit{Insert: &qos}))
	assert.Equal(t, "nic(0/0) < vpn(64/16) < qos(32/16)", s.String())
}

func TestApplyUnknownFilter(t *testing.T) {
	s := newStack(t, wfp)
	err := s.Apply(oid.Edit{Remove: "qos"})
	var ue *oid.UnknownFilterError
	require.True(t, errors.As(err, &ue), "want *UnknownFilterError, got %T", err)
	assert.Equal(t, "qos", ue.Name)
	assert.False(t, ue.Miniport)
	assert.EqualError(t, err, `no filter named "qos" in the stack nic < wfp`)
}

func TestApplyRemoveMiniport(t *testing.T) {
	s := newStack(t, wfp)
	err := s.Apply(oid.Edit{Remove: "nic"})
	var ue *oid.UnknownFilterError
	require.True(t, errors.As(err, &ue), "want *UnknownFilterError, got %T", err)
	assert.True(t, ue.Miniport)
	assert.EqualError(t, err, `cannot remove "nic" from the stack nic < wfp: it is the miniport, and only filter modules are removed`)
}

func TestApplyDuplicate(t *testing.T) {
	for _, name := range []string{"nic", "qos"} {
		t.Run(name, func(t *testing.T) {
			s := newStack(t, qos)
			err := s.Apply(oid.Edit{Insert: &oid.Layer{Name: name, DataBackfill: 8}})
			var de *oid.DuplicateLayerError
			require.True(t, errors.As(err, &de), "want *DuplicateLayerError, got %T", err)
			assert.Equal(t, name, de.Name)
			assert.EqualError(t, err, `a layer named "`+name+`" is already in the stack nic < qos`)
		})
	}
}

func TestApplyMalformedEdit(t *testing.T) {
	huge := oid.Layer{Name: "huge", ContextBackfill: ^uint32(0)}
	tests := []struct {
		name string
		edit oid.Edit
		msg  string
	}{
		{"neither", oid.Edit{}, `cannot apply "empty edit": sets neither Insert nor Remove`},
		{"both", oid.Edit{Insert: &vpn, Remove: "qos"},
			`cannot apply "insert vpn(64/16) and remove qos": sets both Insert and Remove; an edit does one`},
		{"unnamed insert", oid.Edit{Insert: &oid.Layer{DataBackfill: 8}}, `cannot apply "insert (8/0)": the inserted filter has no name`},
		{"overflow", oid.Edit{Insert: &huge}, `cannot apply "insert huge(0/4294967295)": the stack's backfill would pass 4 GiB`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := newStack(t, qos)
			err := s.Apply(tt.edit)
			var ee *oid.EditError
			require.True(t, errors.As(err, &ee), "want *EditError, got %T", err)
			assert.Equal(t, tt.edit, ee.Edit)
			assert.EqualError(t, err, tt.msg)
		})
	}
}

// Every edit, good or bad: Check answers as Apply does, and a failed Apply
// leaves the stack exactly as it was.
func TestCheckAgreesWithApply(t *testing.T) {
	edits := []oid.Edit{
		{Insert: &vpn},
		{Insert: &qos},
		{Insert: &oid.Layer{Name: "nic"}},
		{Insert: &oid.Layer{}},
		{Insert: &oid.Layer{Name: "huge", DataBackfill: ^uint32(0)}},
		{Remove: "qos"},
		{Remove: "wfp"},
		{Remove: "vpn"},
		{Remove: "nic"},
		{Insert: &vpn, Remove: "qos"},
		{},
	}
	for _, e := range edits {
		t.Run(e.String(), func(t *testing.T) {
			s := newStack(t, qos, wfp)
			before := s.Clone()

			checked := s.Check(e)
			assert.Equal(t, before, s, "Check changed the stack")

			applied := s.Apply(e)
			assert.Equal(t, checked, applied)
			if applied != nil {
				assert.Equal(t, before, s, "a failed Apply changed the stack")
			} else {
				assert.NotEqual(t, before.String(), s.String())
			}
		})
	}
}

func TestEditString(t *testing.T) {
	assert.Equal(t, "insert vpn(64/16)", oid.Edit{Insert: &vpn}.String())
	assert.Equal(t, "remove qos", oid.Edit{Remove: "qos"}.String())
}
