// Package pool owns NET_BUFFER_LIST (NBL) and NET_BUFFER (NB) pools with NDIS
// semantics: creation parameters, the combined and separate allocations,
// linking and unlinking, the four frees, and retreat and advance of the data
// start, with the memory an allocating retreat attaches.
//
// A Tracker plays the part of NDIS's NBL tracker for one simulated driver:
// every pool and structure lives in it, and every misuse is returned as a
// *rule.Finding naming its rule instead of corrupting memory or panicking.
// A finding of an error rule leaves the tracker as the call found it; one of
// a warning rule (a "should" of the pages) comes back after the call did
// what NDIS does, since a driver that breaks a "should" still runs on.
// Handles carry a serial number, so a stale handle is caught even after its
// slot has been reused. Structures sit in slices with intrusive free lists:
// the hot path allocates nothing.
package pool
