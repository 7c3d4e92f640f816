package designfile

import (
	"strings"

	"github.com/ndissim/ndissim/rule"
	"github.com/ndissim/ndissim/sim"
)

// ruleFields maps a rule to the design-file fields of the configurable
// protocol that decide whether it breaks, the most responsible first: a
// report points a finding at the first of them the file sets. A rule that
// no single setting decides (a lifecycle or IRQL rule the configurable
// protocol does not break) has no entry; its findings point at the file as
// a whole. docs/report.md lists this table.
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
	"PoolChangedWhileActive":          {"protocol.rebuild"},
	"PnPEventFailed":                  {"protocol.rebuild"},
	"ReceiveResourcesHeld":            {"protocol.receive.hold"},
	"ReturnNotOwned":                  {"protocol.receive.hold"},
	"OidInInvalidState":               {"protocol.requirements"},
	"PendedNotCompleted":              {"protocol.requirements"},
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
