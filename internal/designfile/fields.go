package designfile

import (
	"fmt"

	"github.com/ndissim/ndissim/internal/design"
	"github.com/ndissim/ndissim/oid"
)

// kind is what a design file's field holds.
type kind int

const (
	kindMapping     kind = iota
	kindList             // of item
	kindInteger          // lo..hi, or one of values
	kindProbability      // a number from 0 to 1
	kindBoolean          // true or false
	kindString           // any string
	kindChoice           // one of choices
	kindName             // validName: a design's or a layer's name
	kindTag              // a pool tag: at most 4 printable ASCII characters
	kindRule             // the name of a rule of the catalogue
	kindReason           // a string with a non-space character
)

// field is one key of a design file. The parser takes from this table the
// keys each mapping accepts (in the order its messages list them), which
// are required, the bounds of integers and lists and the choices of
// strings; the JSON Schema (schema.go) is generated from the same table,
// so that the two cannot drift apart.
type field struct {
	name     string
	kind     kind
	required bool
	doc      string
	lo, hi   int64    // an integer's bounds; a list's most items (hi)
	values   []int64  // an integer that must be one of these, instead of lo..hi
	choices  []string // kindChoice
	fields   []*field // a mapping's keys
	item     *field   // a list's item
	// oneKey is a mapping that holds exactly one of its keys (a change:
	// insert or remove).
	oneKey bool
	// alone is the key that, when given, must be the mapping's only key
	// (the protocol's go).
	alone string
	// oneOf lists keys of which exactly one is given (a rules entry:
	// severity or silence).
	oneOf []string
}

// names are the mapping's keys in order.
func (f *field) names() []string {
	out := make([]string, len(f.fields))
	for i, c := range f.fields {
		out[i] = c.name
	}
	return out
}

// child is the mapping's field called name. Asking for a field the table
// does not have is a bug in the parser, not in the file.
func (f *field) child(name string) *field {
	for _, c := range f.fields {
		if c.name == name {
			return c
		}
	}
	panic(fmt.Sprintf("designfile: %s has no field %s in the field table", f.name, name))
}

func mapping(name, doc string, fields ...*field) *field {
	return &field{name: name, kind: kindMapping, doc: doc, fields: fields}
}

func integer(name string, lo, hi int64, doc string) *field {
	return &field{name: name, kind: kindInteger, lo: lo, hi: hi, doc: doc}
}

func choice(name, doc string, choices ...string) *field {
	return &field{name: name, kind: kindChoice, doc: doc, choices: choices}
}

func probability(name, doc string) *field { return &field{name: name, kind: kindProbability, doc: doc} }
func boolean(name, doc string) *field     { return &field{name: name, kind: kindBoolean, doc: doc} }

func required(f *field) *field { f.required = true; return f }

func list(name string, max int64, doc string, item *field) *field {
	return &field{name: name, kind: kindList, hi: max, doc: doc, item: item}
}

// layerFields are a layer's: the miniport's, a filter's, an inserted one's.
func layerFields() []*field {
	return []*field{
		required(&field{name: "name", kind: kindName, doc: "The layer's name, unique in the stack."}),
		integer("data_backfill", 0, maxBackfill, "DataBackFillSize this layer needs, in bytes."),
		integer("context_backfill", 0, maxBackfill, "ContextBackFillSize this layer needs, in bytes."),
	}
}

func layer(name, doc string) *field { return mapping(name, doc, layerFields()...) }

// fileSpec is the design file's field table.
var fileSpec = mapping("", "An ndissim design file (docs/design-files.md).",
	required(&field{name: "version", kind: kindInteger, values: []int64{1}, doc: "The format version; only 1 exists."}),
	required(&field{name: "name", kind: kindName, doc: "Names the design in reports and trace file names."}),
	required(stackSpec),
	required(protocolSpec),
	workloadSpec,
	rulesSpec,
)

var stackSpec = mapping("stack", "The stack the binding sits on, and the changes NDIS makes to it while the binding is paused.",
	&field{name: "maa", kind: kindInteger, values: []int64{int64(oid.MAA64), int64(oid.MAA32)},
		doc: "MEMORY_ALLOCATION_ALIGNMENT: 16 on 64-bit Windows (the default), 8 on 32-bit."},
	required(mapping("miniport", "The miniport at the bottom of the stack.", append(layerFields(),
		choice("completes", "How it completes sends and OID requests: sync, pend, or mixed (the default: both).",
			oid.CompleteSync.String(), oid.CompletePend.String(), oid.CompleteMixed.String()))...)),
	list("filters", maxFilters, "The filter modules, bottom to top.", layer("", "A filter module.")),
	list("changes", maxChanges, "Edits NDIS applies, in order, while the binding is paused.", &field{
		kind: kindMapping, oneKey: true, doc: "One edit: insert a filter on top, or remove one by name.",
		fields: []*field{
			layer("insert", "A filter attached on top of the stack."),
			{name: "remove", kind: kindName, doc: "The name of a filter to detach."},
		}}),
)

var protocolSpec = &field{name: "protocol", kind: kindMapping, alone: "go",
	doc: "The protocol under test: a registered Go design (go), or the configurable protocol's choices.",
	fields: []*field{
		{name: "go", kind: kindString, doc: "A registered Go design (`ndissim designs`); no other protocol field is allowed with it."},
		choice("requirements", "Where the protocol learns the stack's backfill needs.",
			string(design.RequirementsAttributes), string(design.RequirementsOID), string(design.RequirementsFixed)),
		mapping("fixed", "The needs assumed by requirements: fixed.",
			integer("data_backfill", 0, maxBackfill, "Data backfill assumed, in bytes."),
			integer("context_backfill", 0, maxBackfill, "Context backfill assumed, in bytes.")),
		choice("sizing", "Pass the needs at every allocation, or bake them into the pools.",
			string(design.SizingAllocation), string(design.SizingPool)),
		choice("rebuild", "When to recreate the pools at a restart.",
			string(design.RebuildWhenGrown), string(design.RebuildAlways), string(design.RebuildNever)),
		mapping("nbl_pool", "The NBL pool's parameters.",
			boolean("allocate_net_buffer", "fAllocateNetBuffer: an NB with each NBL."),
			integer("context_size", 0, 65535, "ContextSize, in bytes."),
			integer("data_size", 0, maxDataSize, "DataSize, in bytes."),
			&field{name: "tag", kind: kindTag, doc: "PoolTag: at most 4 printable ASCII characters."}),
		mapping("nb_pool", "An NB pool, needed when send.api is separate.",
			integer("data_size", 0, maxDataSize, "DataSize, in bytes.")),
		mapping("send", "How the protocol sends.",
			choice("api", "The combined NBL-and-NB allocation, or NBs allocated separately.",
				string(design.SendCombined), string(design.SendSeparate)),
			integer("net_buffers", 1, 64, "NBs per NBL."),
			integer("header", 0, 65535, "Header bytes retreated into the backfill before a send."),
			boolean("source_handle", "Set NET_BUFFER_LIST->SourceHandle to the binding handle before each send (false: SourceHandleNotSet)."),
			choice("flags", "The flags of NdisSendNetBufferLists: none, NDIS_SEND_FLAGS_DISPATCH_LEVEL when the protocol knows it runs at DISPATCH_LEVEL (from-irql: under its spin lock), or always (dispatch-level).",
				string(design.SendFlagsNone), string(design.SendFlagsFromIrql), string(design.SendFlagsDispatch)),
			choice("lock", "The spin lock that guards the send count: none, spin (NdisAcquireSpinLock; NdisDprAcquireSpinLock in a send-complete at DISPATCH_LEVEL), spin-across-send (held across NdisSendNetBufferLists), dpr (NdisDprAcquireSpinLock everywhere).",
				string(design.SendLockNone), string(design.SendLockSpin), string(design.SendLockAcrossSend), string(design.SendLockDpr)),
			choice("when", "When a write may send: running, not-paused (also while a pended pause waits), open (from the end of the bind to the unbind).",
				string(design.SendWhenRunning), string(design.SendWhenNotPaused), string(design.SendWhenOpen)),
			choice("on_failure", "What send-complete does with an NBL whose send failed: free it, or keep it (return early).",
				string(design.SendFailureFree), string(design.SendFailureKeep))),
		mapping("receive", "How the protocol receives.",
			boolean("hold", "Keep received NBLs and return them from a work item (keep: hold); false returns them at once (keep: return)."),
			choice("keep", "What happens to a received NBL while Running: hold it for a read, copy it into an NBL of the protocol's own receive pool and return it, hold it only for a read waiting for one and copy it otherwise (hold-for-read), or return it at once. Give keep or hold, not both.",
				string(design.ReceiveHold), string(design.ReceiveCopy), string(design.ReceiveHoldForRead), string(design.ReceiveReturn)),
			choice("resources", "An indication with NDIS_RECEIVE_FLAGS_RESOURCES: copy what is needed and keep and return nothing, or ignore the flag (keep or return it like any other).",
				string(design.ResourcesCopy), string(design.ResourcesIgnore))),
		lifecycleSpec,
	}}

// requests is a list of OID requests the protocol makes, each at most once.
func requests(name, doc string, choices ...design.Request) *field {
	names := make([]string, len(choices))
	for i, c := range choices {
		names[i] = string(c)
	}
	return list(name, int64(len(choices)), doc, choice("", "An OID request.", names...))
}

var lifecycleSpec = mapping("lifecycle", "How the protocol goes through bind, pause, restart and unbind.",
	choice("pools", "Whose the pools are: the binding's (made at bind, freed at unbind) or the driver's (made at the first bind, never freed at unbind).",
		string(design.PoolsPerBinding), string(design.PoolsDriver)),
	choice("create_pools", "When the pools are made: at bind, or at the first write.",
		string(design.PoolsAtBind), string(design.PoolsAtFirstWrite)),
	choice("request_ids", "Who numbers the protocol's OID requests: the protocol, before the call (own), or NDIS, learnt when NdisOidRequest returns (ndis).",
		string(design.RequestIDsOwn), string(design.RequestIDsNDIS)),
	mapping("bind", "ProtocolBindAdapterEx.",
		choice("wait", "For an open that pends and the bind's requests: pend (return PENDING, complete later), event (NdisWaitEvent in the bind), none (PENDING taken for success).",
			string(design.WaitPend), string(design.WaitEvent), string(design.WaitNone)),
		requests("oids", "OID requests made once the open has completed.",
			design.RequestFrameSize, design.RequestPacketFilter, design.RequestMulticastList),
		choice("complete_from", "Where a bind pended for its requests is completed: the work item, or the OID-complete handler of the last one.",
			string(design.CompleteFromWorkItem), string(design.CompleteFromOidComplete))),
	mapping("pause", "ProtocolNetPnPEvent(NetEventPause).",
		choice("wait", "For sends in flight: pend (return PENDING, complete later), sleep (poll with NdisMSleep), event (NdisWaitEvent), none (return SUCCESS at once).",
			string(design.WaitPend), string(design.WaitSleep), string(design.WaitEvent), string(design.WaitNone)),
		choice("complete_from", "Where a pended pause is completed (NdisCompleteNetPnPEvent): the work item, or the send-complete handler of the last send.",
			string(design.CompleteFromWorkItem), string(design.CompleteFromSendComplete)),
		boolean("goodbye_send", "Send one last frame from the pause handler.")),
	mapping("restart", "ProtocolNetPnPEvent(NetEventRestart).",
		choice("rebuild_failure", "When the pool rebuild cannot allocate: retry from the work item, then run on the old pools; or fail the restart.",
			string(design.RebuildRetry), string(design.RebuildFail))),
	mapping("unbind", "ProtocolUnbindAdapterEx.",
		requests("oids", "OID requests made before the close: packet-filter (set to 0), multicast-list (set empty).",
			design.RequestPacketFilter, design.RequestMulticastList),
		choice("oids_wait", "For those requests: pend (return PENDING; close once they complete), event (NdisWaitEvent), none (close at once).",
			string(design.WaitPend), string(design.WaitEvent), string(design.WaitNone)),
		choice("oids_order", "Whether the requests are made before NdisCloseAdapterEx or after it.",
			string(design.OIDsBeforeClose), string(design.OIDsAfterClose)),
		choice("close_from", "Who closes an unbind that pended for its requests: the work item, or the OID-complete handler of the last one.",
			string(design.CompleteFromWorkItem), string(design.CompleteFromOidComplete)),
		choice("close_wait", "For a close that pends: pend (complete the unbind from ProtocolCloseAdapterCompleteEx), event (NdisWaitEvent), none (return SUCCESS at once).",
			string(design.WaitPend), string(design.WaitEvent), string(design.WaitNone)),
		choice("free_pools", "Where the pools are freed: once the close has completed, or in ProtocolCloseAdapterCompleteEx only.",
			string(design.FreeAfterClose), string(design.FreeInCloseComplete))),
)

var workloadSpec = mapping("workload", "What the simulated environment does.",
	integer("steps", 1, 100000, "Environment moves per run (--steps overrides it)."),
	mapping("faults", "Fault probabilities, per opportunity.",
		probability("allocation_failure", "How often an allocation fails."),
		probability("oid_failure", "How often an OID request fails."),
		probability("send_failure", "How often a send completes with a failure status."),
		probability("pend", "How often a call that may pend returns NDIS_STATUS_PENDING.")),
)

// rulesSpec is the rules section: each entry raises a warning to an error
// or silences a rule, with a reason.
var rulesSpec = list("rules", maxRuleSettings, "Per-design rule settings: raise a warning to an error, or silence a rule with a reason.",
	&field{kind: kindMapping, oneOf: []string{"severity", "silence"},
		doc: "One rule's setting: severity: error, or silence: REASON.",
		fields: []*field{
			required(&field{name: "rule", kind: kindRule, doc: "A rule of the catalogue (`ndissim rules`)."}),
			choice("severity", "error: findings of this rule fail the check, as errors do.", "error"),
			{name: "silence", kind: kindReason, doc: "Why this rule is set aside for this design: a silenced rule always says why, in the file that silences it."},
		}})
