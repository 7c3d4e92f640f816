// Package rule owns the rule catalogue and the Finding type.
//
// Every violation ndissim reports names one rule of the catalogue, the way
// Driver Verifier names a bug check. The names are a public contract: users
// grep for them and gate CI on them, so a name is never changed once published.
//
// Every rule records its basis (Basis): an English Microsoft page's "must" or
// "should", a DDI compliance rule, a bug check, or ndissim's own reasoning
// (inferred). The severity follows the basis; Rule.CheckBasis states the
// policy and the tests apply it to the whole catalogue.
//
// The package sits below pool, oid, fsm and binding so that each of them can
// raise findings of the one type.
package rule
