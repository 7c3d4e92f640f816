package designfile

import (
	"strings"

	"github.com/ndissim/ndissim/rule"
	"github.com/ndissim/ndissim/sim"
)

// ruleFields maps a rule to the design-file fields of the configurable
// protocol that decide whether it breaks, the most responsible first: a
// report points a finding at the first of them the file sets. A rule that
// no setting decides (one the configurable protocol does not break, such
// as DoubleFree) has no entry; its findings point at the file as a whole.
// docs/design-files.md ("Rules a setting breaks") gives the setting that
// breaks each rule, with its YAML.
var ruleFields = map[rule.Name][]string{
	"PoolContextAlignment":            {"protocol.nbl_pool.context_size"},
	"PoolDataSizeWithoutNetBuffer":    {"protocol.nbl_pool.data_size", "protocol.nbl_pool.allocate_net_buffer"},
	"CombinedAllocNeedsNetBufferPool": {"protocol.send.api", "protocol.nbl_pool.allocate_net_buffer"},
	"AllocNetBufferOnDataPool":        {"protocol.nb_pool.data_size", "protocol.send.api"},
	"MdlAndDataNeedsDataPool":         {"protocol.nb_pool.data_size", "protocol.send.api"},
	"NetBufferDataRange":              {"protocol.nb_pool.data_size", "protocol.send.header"},
	"NblContextAlignment":             {"protocol.nbl_pool.context_size", "protocol.sizing", "protocol.requirements"},
	"FreePreallocatedNb":              {"protocol.nbl_pool.allocate_net_buffer", "protocol.send.api"},
	"SendWithoutData":                 {"protocol.nbl_pool.allocate_net_buffer", "protocol.send.api"},
	"SendBackfillShortfall":           {"protocol.fixed.data_backfill", "protocol.rebuild", "protocol.sizing", "protocol.requirements"},
	"SendContextShortfall":            {"protocol.fixed.context_backfill", "protocol.rebuild", "protocol.sizing", "protocol.requirements"},
	"RetreatAllocates":                {"protocol.send.header", "protocol.fixed.data_backfill", "protocol.sizing"},
	"PoolChangedWhileActive":          {"protocol.lifecycle.create_pools", "protocol.rebuild"},
	"PoolFreedWithOutstanding":        {"protocol.send.on_failure"},
	"NbPoolFreedWithOutstanding":      {"protocol.send.on_failure"},
	"ResourcesKeptPastUnbind":         {"protocol.lifecycle.pools", "protocol.lifecycle.unbind.free_pools", "protocol.send.on_failure"},
	"PnPEventFailed":                  {"protocol.lifecycle.restart.rebuild_failure", "protocol.rebuild"},
	"ReceiveResourcesHeld":            {"protocol.receive.resources", "protocol.receive.keep", "protocol.receive.hold"},
	"ReturnNotOwned":                  {"protocol.receive.keep", "protocol.receive.hold"},
	"SourceHandleNotSet":              {"protocol.send.source_handle"},
	"SendWhileNotRunning":             {"protocol.send.when"},
	"SendWhilePausing":                {"protocol.lifecycle.pause.goodbye_send", "protocol.send.when"},
	"DispatchFlagMismatch":            {"protocol.send.flags"},
	"IrqlTooLow":                      {"protocol.send.lock"},
	"SpinLockReacquired":              {"protocol.send.lock"},
	"IrqlTooHigh": {"protocol.lifecycle.pause.complete_from", "protocol.lifecycle.unbind.close_from",
		"protocol.lifecycle.pause.wait", "protocol.lifecycle.unbind.close_wait", "protocol.lifecycle.unbind.oids_wait"},
	"PauseWithOutstanding":     {"protocol.lifecycle.pause.wait"},
	"BindWithoutOpen":          {"protocol.lifecycle.bind.wait"},
	"OidInInvalidState":        {"protocol.lifecycle.bind.wait", "protocol.lifecycle.bind.oids", "protocol.requirements"},
	"UnexpectedCompletion":     {"protocol.lifecycle.bind.complete_from"},
	"PendedNotCompleted":       {"protocol.lifecycle.request_ids", "protocol.requirements"},
	"CloseWithOidsOutstanding": {"protocol.lifecycle.unbind.oids_wait", "protocol.lifecycle.unbind.oids"},
	"HandleUsedAfterClose":     {"protocol.lifecycle.unbind.oids_order"},
	"LeakAtUnbind":             {"protocol.lifecycle.unbind.close_wait"},
}

// goField is the field of a file whose protocol is a Go design: that
// design's code decides every rule, and the file names it there.
const goField = "protocol.go"

// RuleFields are the fields that decide rule r, the most responsible
// first, as the locations of findings use them; nil for a rule no setting
// decides.
func RuleFields(r rule.Name) []string { return ruleFields[r] }

// Locate is the design-file setting responsible for a finding of rule r in
// d: the first of the rule's fields that the file sets, else the nearest
// enclosing field it sets (protocol.nbl_pool for nbl_pool.context_size);
// protocol.go for any rule when the protocol is a Go design. ok is false
// for a Go design or the embedded default (no file to point into) and for a
// rule that no setting decides.
func Locate(d sim.Design, r rule.Name) (field string, pos sim.FieldPos, ok bool) {
	if len(d.Fields) == 0 || d.File == "" || strings.HasPrefix(d.File, "(") {
		return "", sim.FieldPos{}, false
	}
	if p, isGo := d.Fields[goField]; isGo {
		return goField, p, true
	}
	candidates := ruleFields[r]
	for _, f := range candidates {
		if p, set := d.Fields[f]; set {
			return f, p, true
		}
	}
	for _, f := range candidates {
		for parent := f; strings.Contains(parent, "."); {
			parent = parent[:strings.LastIndexByte(parent, '.')]
			if p, set := d.Fields[parent]; set {
				return parent, p, true
			}
		}
	}
	return "", sim.FieldPos{}, false
}
