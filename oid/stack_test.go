package oid_test

import (
	"errors"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ndissim/ndissim/oid"
)

var (
	nic = oid.Layer{Name: "nic", DataBackfill: 0, ContextBackfill: 0}
	qos = oid.Layer{Name: "qos", DataBackfill: 32, ContextBackfill: 16}
	vpn = oid.Layer{Name: "vpn", DataBackfill: 64, ContextBackfill: 16}
	wfp = oid.Layer{Name: "wfp", DataBackfill: 8, ContextBackfill: 32}
)

func newStack(t testing.TB, filters ...oid.Layer) *oid.Stack {
	t.Helper()
	s, err := oid.NewStack(oid.MAA64, nic, filters...)
	require.NoError(t, err)
	return s
}

// The miniport's own needs come from NDIS_MINIPORT_ADAPTER_GENERAL_ATTRIBUTES
// (learn.microsoft.com/windows-hardware/drivers/ddi/ndis/ns-ndis-_ndis_miniport_adapter_general_attributes);
// each filter module adds its own, and the protocol on top allocates for all
// of them (learn.microsoft.com/windows-hardware/drivers/network/protocol-driver-buffer-management:
// "allocate sufficient back-fill and context space for the entire stack").
func TestNeedsIsTheSumOverLayers(t *testing.T) {
	mini := oid.Layer{Name: "nic", DataBackfill: 4, ContextBackfill: 8}
	s, err := oid.NewStack(oid.MAA64, mini, qos, vpn)
	require.NoError(t, err)
	assert.Equal(t, oid.Needs{DataBackfill: 4 + 32 + 64, ContextBackfill: 8 + 16 + 16}, s.Needs())

	alone, err := oid.NewStack(oid.MAA32, mini)
	require.NoError(t, err)
	assert.Equal(t, oid.Needs{DataBackfill: 4, ContextBackfill: 8}, alone.Needs())
}

func TestNeedsAdd(t *testing.T) {
	n := oid.Needs{DataBackfill: 10, ContextBackfill: 20}.Add(qos)
	assert.Equal(t, oid.Needs{DataBackfill: 42, ContextBackfill: 36}, n)
}

func TestNeedsCovers(t *testing.T) {
	want := oid.Needs{DataBackfill: 96, ContextBackfill: 32}
	tests := []struct {
		name string
		have oid.Needs
		ok   bool
	}{
		{"equal", want, true},
		{"more of both", oid.Needs{DataBackfill: 128, ContextBackfill: 48}, true},
		{"short of data", oid.Needs{DataBackfill: 95, ContextBackfill: 48}, false},
		{"short of context", oid.Needs{DataBackfill: 128, ContextBackfill: 16}, false},
		{"nothing", oid.Needs{}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.Equal(t, tt.ok, tt.have.Covers(want))
		})
	}
	assert.True(t, want.Covers(oid.Needs{}), "any allocation covers a stack that needs nothing")
}

func TestNewStackDefaults(t *testing.T) {
	s := newStack(t, qos)
	assert.Equal(t, oid.MAA64, s.MAA)
	assert.Equal(t, nic, s.Miniport)
	assert.Equal(t, []oid.Layer{qos}, s.Filters)
	assert.Equal(t, oid.CompleteMixed, s.Completes)
}

func TestNewStackDoesNotAliasCallersFilters(t *testing.T) {
	filters := make([]oid.Layer, 1, 4)
	filters[0] = qos
	s, err := oid.NewStack(oid.MAA64, nic, filters...)
	require.NoError(t, err)
	require.NoError(t, s.Apply(oid.Edit{Insert: &vpn}))
	assert.Equal(t, oid.Layer{}, filters[:2][1], "Apply wrote into the caller's array")
}

func TestNewStackRejects(t *testing.T) {
	huge := oid.Layer{Name: "huge", DataBackfill: ^uint32(0)}
	tests := []struct {
		name    string
		maa     uint32
		mini    oid.Layer
		filters []oid.Layer
		field   string
		msg     string
	}{
		{"MAA not 8 or 16", 12, nic, nil, "MAA",
			"invalid stack: MAA: 12 is not a MEMORY_ALLOCATION_ALIGNMENT: use 16 (64-bit Windows) or 8 (32-bit)"},
		{"MAA zero", 0, nic, nil, "MAA", ""},
		{"unnamed miniport", oid.MAA64, oid.Layer{}, nil, "Miniport.Name", ""},
		{"unnamed filter", oid.MAA64, nic, []oid.Layer{qos, {DataBackfill: 8}}, "Filters[1].Name", ""},
		{"filter named as miniport", oid.MAA32, nic, []oid.Layer{{Name: "nic"}}, "Filters[0].Name",
			`invalid stack: Filters[0].Name: "nic" is already the name of the miniport`},
		{"two filters with one name", oid.MAA64, nic, []oid.Layer{qos, vpn, qos}, "Filters[2].Name",
			`invalid stack: Filters[2].Name: "qos" is already the name of Filters[0]`},
		{"needs overflow", oid.MAA64, nic, []oid.Layer{qos, huge}, "Filters[1]", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, err := oid.NewStack(tt.maa, tt.mini, tt.filters...)
			assert.Nil(t, s)
			var se *oid.StackError
			require.True(t, errors.As(err, &se), "want *StackError, got %T: %v", err, err)
			assert.Equal(t, tt.field, se.Field)
			assert.NotEmpty(t, se.Reason)
			if tt.msg != "" {
				assert.Equal(t, tt.msg, err.Error())
			}
		})
	}
}

func TestFilterNamesBottomToTop(t *testing.T) {
	s := newStack(t, qos, vpn, wfp)
	names := s.FilterNames()
	assert.Equal(t, []string{"qos", "vpn", "wfp"}, names)

	names[0] = "changed"
	assert.Equal(t, "qos", s.Filters[0].Name, "FilterNames must return a copy")

	assert.Empty(t, newStack(t).FilterNames())
}

func TestStackString(t *testing.T) {
	assert.Equal(t, "nic(0/0) < qos(32/16) < vpn(64/16)", newStack(t, qos, vpn).String())
	assert.Equal(t, "nic(0/0)", newStack(t).String())
	assert.Equal(t, "vpn(64/16)", vpn.String())
	assert.Equal(t, "DataBackFillSize 96, ContextBackFillSize 32", oid.Needs{DataBackfill: 96, ContextBackfill: 32}.String())
}

func TestCloneIsDeep(t *testing.T) {
	s := newStack(t, qos, vpn)
	s.Completes = oid.CompletePend
	s.Answer(oid.Request{Type: oid.Set, OID: oid.OIDGenCurrentPacketFilter, Value: 0x0B})

	c := s.Clone()
	assert.Equal(t, s, c)

	c.Filters[0].DataBackfill = 999
	require.NoError(t, c.Apply(oid.Edit{Remove: "vpn"}))
	require.NoError(t, c.Apply(oid.Edit{Insert: &wfp}))
	c.Miniport.Name = "other"
	c.Answer(oid.Request{Type: oid.Set, OID: oid.OIDGenCurrentPacketFilter, Value: 1})

	assert.Equal(t, "nic(0/0) < qos(32/16) < vpn(64/16)", s.String())
	got := s.Answer(oid.Request{Type: oid.Query, OID: oid.OIDGenCurrentPacketFilter})
	assert.Equal(t, uint32(0x0B), got.Value, "the packet filter is copied, not shared")
}

func TestCloneOfStackWithoutFilters(t *testing.T) {
	s := newStack(t)
	c := s.Clone()
	require.NoError(t, c.Apply(oid.Edit{Insert: &qos}))
	assert.Empty(t, s.Filters)
}

func TestResetCopies(t *testing.T) {
	from := newStack(t, qos, vpn)
	from.Completes = oid.CompleteSync
	from.Answer(oid.Request{Type: oid.Set, OID: oid.OIDGenCurrentPacketFilter, Value: 7})

	s, err := oid.NewStack(oid.MAA32, oid.Layer{Name: "other", DataBackfill: 1})
	require.NoError(t, err)
	s.Reset(from)
	assert.Equal(t, from, s)

	// Too little capacity: Reset must allocate rather than share from's array.
	s.Filters[0].DataBackfill = 999
	assert.Equal(t, uint32(32), from.Filters[0].DataBackfill)
}

func TestResetToItself(t *testing.T) {
	s := newStack(t, qos, vpn)
	s.Reset(s)
	assert.Equal(t, "nic(0/0) < qos(32/16) < vpn(64/16)", s.String())
}

// The simulator resets the stack before every run; with enough capacity that
// must not allocate.
func TestResetReusesCapacity(t *testing.T) {
	big := newStack(t, qos, vpn, wfp)
	small := newStack(t, vpn)
	s := big.Clone()
	backing := &s.Filters[:1][0]

	allocs := testing.AllocsPerRun(100, func() {
		s.Reset(small)
		s.Reset(big)
	})
	assert.Zero(t, allocs)
	assert.Same(t, backing, &s.Filters[0], "Reset replaced the backing array")

	s.Reset(small)
	assert.Equal(t, small, s)
	s.Filters[0].Name = "changed"
	assert.Equal(t, "vpn", small.Filters[0].Name, "Reset shares from's array")
}

func TestCompletion(t *testing.T) {
	for _, c := range []oid.Completion{oid.CompleteSync, oid.CompletePend, oid.CompleteMixed} {
		got, err := oid.ParseCompletion(c.String())
		require.NoError(t, err)
		assert.Equal(t, c, got)
	}
	assert.Equal(t, "sync", oid.CompleteSync.String())
	assert.Equal(t, "pend", oid.CompletePend.String())
	assert.Equal(t, "mixed", oid.CompleteMixed.String())
	assert.Equal(t, "Completion(0)", oid.Completion(0).String())
	assert.Equal(t, "Completion(9)", oid.Completion(9).String())
}

func TestParseCompletionRejects(t *testing.T) {
	for _, in := range []string{"", "Sync", "pending", "Completion(1)"} {
		_, err := oid.ParseCompletion(in)
		var ce *oid.CompletionError
		require.True(t, errors.As(err, &ce), "%q: want *CompletionError, got %v", in, err)
		assert.Equal(t, in, ce.Input)
	}
	_, err := oid.ParseCompletion("later")
	assert.EqualError(t, err, `unknown completion mode "later": want sync, pend or mixed`)
}
