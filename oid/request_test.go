package oid_test

import (
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/ndissim/ndissim/oid"
)

// learn.microsoft.com/windows-hardware/drivers/network/protocol-driver-buffer-management
// says protocols "can use OID requests to query the back-fill and context
// space requirements" but names no OID; OIDBackfillRequirements is ndissim's.
func TestAnswerBackfillRequirements(t *testing.T) {
	s := newStack(t, qos, vpn)
	got := s.Answer(oid.Request{ID: 1, Type: oid.Query, OID: oid.OIDBackfillRequirements})
	assert.Equal(t, oid.Result{Status: oid.Success, Needs: oid.Needs{DataBackfill: 96, ContextBackfill: 32}}, got)

	assert.Equal(t, oid.Result{Status: oid.NotSupported},
		s.Answer(oid.Request{Type: oid.Set, OID: oid.OIDBackfillRequirements, Value: 1}), "query-only")
}

// The answer follows the stack as it is now, not as it was at bind.
func TestAnswerBackfillRequirementsAfterEdit(t *testing.T) {
	s := newStack(t, qos)
	before := s.Answer(oid.Request{Type: oid.Query, OID: oid.OIDBackfillRequirements}).Needs
	assert.NoError(t, s.Apply(oid.Edit{Insert: &vpn}))
	after := s.Answer(oid.Request{Type: oid.Query, OID: oid.OIDBackfillRequirements}).Needs
	assert.False(t, before.Covers(after))
	assert.Equal(t, s.Needs(), after)
}

// learn.microsoft.com/windows-hardware/drivers/network/oid-gen-maximum-frame-size
func TestAnswerMaximumFrameSize(t *testing.T) {
	s := newStack(t)
	assert.Equal(t, oid.Result{Status: oid.Success, Value: 1500},
		s.Answer(oid.Request{Type: oid.Query, OID: oid.OIDGenMaximumFrameSize}))
	assert.Equal(t, oid.Result{Status: oid.NotSupported},
		s.Answer(oid.Request{Type: oid.Set, OID: oid.OIDGenMaximumFrameSize, Value: 9000}), "query-only")
}

// learn.microsoft.com/windows-hardware/drivers/network/oid-gen-current-packet-filter
func TestAnswerCurrentPacketFilter(t *testing.T) {
	s := newStack(t)
	query := oid.Request{Type: oid.Query, OID: oid.OIDGenCurrentPacketFilter}
	assert.Equal(t, oid.Result{Status: oid.Success, Value: 0}, s.Answer(query), "no filter set yet")

	const directedBroadcast = 0x00000001 | 0x00000008 // NDIS_PACKET_TYPE_DIRECTED | NDIS_PACKET_TYPE_BROADCAST
	assert.Equal(t, oid.Result{Status: oid.Success},
		s.Answer(oid.Request{Type: oid.Set, OID: oid.OIDGenCurrentPacketFilter, Value: directedBroadcast}))
	assert.Equal(t, oid.Result{Status: oid.Success, Value: directedBroadcast}, s.Answer(query))

	s.Answer(oid.Request{Type: oid.Set, OID: oid.OIDGenCurrentPacketFilter, Value: 0})
	assert.Equal(t, oid.Result{Status: oid.Success, Value: 0}, s.Answer(query), "the last set wins")
}

// learn.microsoft.com/windows-hardware/drivers/network/oid-gen-miniport-restart-attributes:
// "not used to issue OID query or set requests".
func TestAnswerMiniportRestartAttributes(t *testing.T) {
	s := newStack(t, qos)
	for _, typ := range []oid.RequestType{oid.Query, oid.Set} {
		assert.Equal(t, oid.Result{Status: oid.NotSupported},
			s.Answer(oid.Request{Type: typ, OID: oid.OIDGenMiniportRestartAttributes}), typ.String())
	}
}

func TestAnswerUnknownOID(t *testing.T) {
	s := newStack(t)
	for _, o := range []oid.OID{0, 0x00010101, 0xFF0D1502} {
		for _, typ := range []oid.RequestType{oid.Query, oid.Set} {
			assert.Equal(t, oid.Result{Status: oid.NotSupported}, s.Answer(oid.Request{Type: typ, OID: o}), "%s %s", typ, o)
		}
	}
}

func TestAnswerInvalidRequestType(t *testing.T) {
	s := newStack(t)
	assert.Equal(t, oid.Result{Status: oid.Failure}, s.Answer(oid.Request{OID: oid.OIDBackfillRequirements}))
}

func TestOIDIsInTheVendorRange(t *testing.T) {
	assert.GreaterOrEqual(t, uint32(oid.OIDBackfillRequirements), uint32(0xFF000000))
}

func TestStrings(t *testing.T) {
	assert.Equal(t, "OID_GEN_MAXIMUM_FRAME_SIZE", oid.OIDGenMaximumFrameSize.String())
	assert.Equal(t, "OID_GEN_CURRENT_PACKET_FILTER", oid.OIDGenCurrentPacketFilter.String())
	assert.Equal(t, "OID_GEN_MINIPORT_RESTART_ATTRIBUTES", oid.OIDGenMiniportRestartAttributes.String())
	assert.Equal(t, "OID_NDISSIM_BACKFILL_REQUIREMENTS", oid.OIDBackfillRequirements.String())
	assert.Equal(t, "0x00010101", oid.OID(0x00010101).String())

	assert.Equal(t, "query", oid.Query.String())
	assert.Equal(t, "set", oid.Set.String())
	assert.Equal(t, "RequestType(0)", oid.RequestType(0).String())

	assert.Equal(t, "query OID_NDISSIM_BACKFILL_REQUIREMENTS #3",
		oid.Request{ID: 3, Type: oid.Query, OID: oid.OIDBackfillRequirements}.String())
	assert.Equal(t, "set OID_GEN_CURRENT_PACKET_FILTER #12",
		oid.Request{ID: 12, Type: oid.Set, OID: oid.OIDGenCurrentPacketFilter, Value: 1}.String())

	statuses := map[oid.Status]string{
		oid.Success:      "SUCCESS",
		oid.Pending:      "PENDING",
		oid.Failure:      "FAILURE",
		oid.NotSupported: "NOT_SUPPORTED",
		oid.Resources:    "RESOURCES",
		oid.Status(0):    "Status(0)",
		oid.Status(6):    "Status(6)",
	}
	for s, want := range statuses {
		assert.Equal(t, want, s.String())
	}
}
