// Package oid owns the stack under a protocol binding and what the protocol
// learns about it: the miniport and the ordered filter modules, the backfill
// each of them needs, the parameters NDIS hands the protocol at bind
// (NDIS_BIND_PARAMETERS) and at restart (NDIS_PROTOCOL_RESTART_PARAMETERS),
// the filter inserts and removals NDIS applies between a pause and a restart,
// and the OID requests the protocol sends down the stack.
//
// ndissim models the stack's needs as the sum over its layers: every filter
// module adds its own DataBackFillSize and ContextBackFillSize to the
// miniport's, and the topmost sender, the protocol, allocates for all of them.
//
// # The modelled OID
//
// Real NDIS has no standard OID that reports a stack's backfill needs. The
// buffer-management documentation says a protocol "can" use OIDs to learn
// them but names none, and OID_GEN_MINIPORT_RESTART_ATTRIBUTES is not valid
// for query or set. ndissim therefore invents one, OIDBackfillRequirements
// (OID_NDISSIM_BACKFILL_REQUIREMENTS), in the vendor-specific range at
// 0xFF000000 and above. No Windows driver can send it; it exists so that a
// simulated protocol can ask for the needs it otherwise reads from
// NDIS_BIND_PARAMETERS and NDIS_RESTART_GENERAL_ATTRIBUTES.
package oid
