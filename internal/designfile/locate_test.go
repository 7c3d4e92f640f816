package designfile

import (
	"flag"
	"fmt"
	"os"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/ndissim/ndissim/rule"
	"github.com/ndissim/ndissim/sim"
)

// Every rule of the table is in the catalogue and every field it names is
// in the field table, so that a renamed field or rule fails here.
func TestRuleFieldsNameRealRulesAndFields(t *testing.T) {
	for r, fields := range ruleFields {
		_, ok := rule.Lookup(r)
		require.True(t, ok, "%s is not a rule of the catalogue", r)
		require.NotEmpty(t, fields, r)
		for _, f := range fields {
			spec := fileSpec
			for _, part := range strings.Split(f, ".") {
				spec = spec.child(part) // panics on a field the table lacks
			}
			require.NotEqual(t, kindMapping, spec.kind, "%s: %s is a mapping, not a setting", r, f)
		}
	}
}

const ctx12 = `version: 1
name: ctx12
stack:
  miniport: {name: nic}
protocol:
  sizing: pool
  nbl_pool:
    allocate_net_buffer: true
    context_size: 12
  send: {api: combined, header: 14}
`

// The parser records each key's line and column, and Locate picks the
// setting responsible.
func TestLocate(t *testing.T) {
	d, err := Parse("ctx12.yaml", []byte(ctx12))
	require.NoError(t, err)
	require.Equal(t, sim.FieldPos{Line: 9, Column: 5}, d.Fields["protocol.nbl_pool.context_size"])
	require.Equal(t, sim.FieldPos{Line: 10, Column: 10}, d.Fields["protocol.send.api"])

	cases := map[rule.Name]struct {
		field     string
		line, col int
	}{
		"PoolContextAlignment":         {"protocol.nbl_pool.context_size", 9, 5},
		"SendContextShortfall":         {"protocol.sizing", 6, 3},
		"PoolDataSizeWithoutNetBuffer": {"protocol.nbl_pool.allocate_net_buffer", 8, 5},
		"MdlAndDataNeedsDataPool":      {"protocol.send.api", 10, 10},
		"ReturnNotOwned":               {"protocol", 5, 1}, // receive.hold is not set: its nearest parent
	}
	for r, c := range cases {
		field, pos, ok := Locate(d, r)
		require.True(t, ok, r)
		require.Equal(t, c.field, field, r)
		require.Equal(t, sim.FieldPos{Line: c.line, Column: c.col}, pos, r)
	}
	_, _, ok := Locate(d, "DoubleFree")
	require.False(t, ok, "no setting decides DoubleFree")

	_, _, ok = Locate(Default(), "PoolContextAlignment")
	require.False(t, ok, "the embedded default has no file to point into")
}

// A file whose protocol is a Go design points every rule at protocol.go.
func TestLocateGoProtocol(t *testing.T) {
	src := "version: 1\nname: g\nstack:\n  miniport: {name: nic}\nprotocol:\n  go: ndisprot\n"
	d, err := Parse("g.yaml", []byte(src))
	if err != nil {
		t.Skip("ndisprot is not registered in this package's tests: ", err)
	}
	field, pos, ok := Locate(d, "DoubleFree")
	require.True(t, ok)
	require.Equal(t, "protocol.go", field)
	require.Equal(t, sim.FieldPos{Line: 6, Column: 3}, pos)
}

// docs/report.md's table of the setting each finding points at is the
// table above, rule by rule in catalogue order.
func TestReportDocListsTheLocateTable(t *testing.T) {
	var b strings.Builder
	b.WriteString("| rule | fields, the most responsible first |\n|---|---|\n")
	for _, r := range rule.Catalogue {
		fields := ruleFields[r.Name]
		if len(fields) == 0 {
			continue
		}
		quoted := make([]string, len(fields))
		for i, f := range fields {
			quoted[i] = "`" + f + "`"
		}
		fmt.Fprintf(&b, "| %s | %s |\n", r.Name, strings.Join(quoted, ", "))
	}
	want := b.String()
	doc, err := os.ReadFile("../../docs/report.md")
	require.NoError(t, err)
	start := strings.Index(string(doc), "| rule | fields, the most responsible first |")
	require.GreaterOrEqual(t, start, 0, "docs/report.md has no rule/fields table")
	end := strings.Index(string(doc)[start:], "\n\n")
	got := string(doc)[start : start+end+1]
	if *updateDocs {
		s := string(doc)[:start] + want + string(doc)[start+end+1:]
		require.NoError(t, os.WriteFile("../../docs/report.md", []byte(s), 0o644))
		return
	}
	require.Equal(t, want, got, "docs/report.md is stale; regenerate with go test ./internal/designfile -run TestReportDoc -update-docs")
}

var updateDocs = flag.Bool("update-docs", false, "rewrite docs/report.md's table of finding locations")
