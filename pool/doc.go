// Package pool owns NET_BUFFER_LIST (NBL) and NET_BUFFER (NB) pools with NDIS
// semantics: creation parameters, the combined and separate allocations,
// linking, the four frees, and retreat and advance of the data start.
//
// A Tracker plays the part of NDIS's NBL tracker for one simulated driver:
// every pool and structure lives in it, and every misuse is returned as a
// *rule.Finding naming its rule instead of corrupting memory or panicking.
// Handles carry a serial number, so a stale handle is caught even after its
// slot has been reused. Structures sit in slices with intrusive free lists:
// the hot path allocates nothing.
package pool
