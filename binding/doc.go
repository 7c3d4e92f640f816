// Package binding owns one protocol binding to one adapter: the interface a
// protocol design implements (its NDIS callbacks), the simulated NDIS API the
// design calls (NDIS), and the bookkeeping that checks every call against the
// lifecycle, send, receive and pool rules of the catalogue.
//
// The environment (package sim) drives a Binding with moves such as Bind,
// Pause, CompleteSend or Indicate; the binding calls into the design and
// records what the design does. It holds no clock and no random source:
// whatever NDIS would decide on its own (an open that pends, an OID that
// fails) it asks of the Decider the environment installs.
//
// The first error finding halts the binding, as a bug check halts Windows:
// every later call of the design is ignored and the environment ends the run.
package binding
