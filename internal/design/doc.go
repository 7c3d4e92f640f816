// Package design holds the protocol designs built into ndissim: the
// configurable protocol behind a design file's `protocol:` section
// (designkit's skeleton with the file's settings applied), a model
// of the NDIS sample protocol driver (ndisprot), and the catalogue of
// deliberately broken designs that proves every rule fires. Importing the
// package registers the Go designs with sim.
package design
