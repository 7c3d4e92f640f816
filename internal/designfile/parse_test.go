package designfile_test

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/ndissim/ndissim/binding"
	"github.com/ndissim/ndissim/internal/designfile"
	"github.com/ndissim/ndissim/oid"
	"github.com/ndissim/ndissim/sim"
)

const testGoDesign = "designfile-test-proto"

// testProtocol is never driven: the test only checks which factory a file
// selects.
type testProtocol struct{ binding.Protocol }

func init() {
	sim.MustRegister(sim.GoDesign{
		Name:    testGoDesign,
		Summary: "registered by the designfile tests",
		New:     func() binding.Protocol { return testProtocol{} },
		Stack: func() *oid.Stack {
			s, _ := oid.NewStack(oid.MAA64, oid.Layer{Name: "nic"})
			return s
		},
	})
}

func TestDefault(t *testing.T) {
	d := designfile.Default()
	require.Equal(t, "default", d.Name)
	require.Equal(t, designfile.DefaultFile, d.File)
	require.Equal(t, "e1000(0/0) < qos(32/16) < wfp-lwf(16/16)", d.Stack.String())
	require.Equal(t, oid.MAA64, d.Stack.MAA)
	require.Equal(t, oid.CompleteMixed, d.Stack.Completes)
	require.Equal(t, oid.Needs{DataBackfill: 48, ContextBackfill: 32}, d.Stack.Needs())
	require.Equal(t, []oid.Edit{{Insert: &oid.Layer{Name: "vpn", DataBackfill: 64, ContextBackfill: 32}}}, d.Changes)
	require.Equal(t, "configurable", d.Protocol)
	require.NotNil(t, d.New)
	require.Equal(t, 200, d.Workload.Steps)
	require.Equal(t, 0.01, d.Workload.AllocationFailure)
	require.Equal(t, 0.02, d.Workload.OIDFailure)
	require.Equal(t, 0.5, d.Workload.Pend)
	require.Equal(t, sim.DefaultWorkload, d.Workload, "the default design's workload is the default workload")
	require.Equal(t, designfile.DefaultYAML, d.Source)

	after := d.Stack.Clone()
	require.NoError(t, after.Apply(d.Changes[0]))
	require.Equal(t, oid.Needs{DataBackfill: 112, ContextBackfill: 64}, after.Needs(), "the inserted filter grows the needs")
}

func TestParseMinimalTakesDefaults(t *testing.T) {
	src := "version: 1\nname: tiny\nstack:\n  miniport: {name: nic}\nprotocol: {}\n"
	d, err := designfile.Parse("tiny.yaml", []byte(src))
	require.NoError(t, err)
	require.Equal(t, "tiny.yaml", d.File)
	require.Equal(t, "nic(0/0)", d.Stack.String())
	require.Equal(t, oid.MAA64, d.Stack.MAA)
	require.Equal(t, oid.CompleteMixed, d.Stack.Completes)
	require.Empty(t, d.Changes)
	require.Equal(t, "configurable", d.Protocol)
	require.NotNil(t, d.New)
	require.Equal(t, sim.DefaultWorkload, d.Workload)
	require.Equal(t, []byte(src), d.Source)
}

func TestParseFullStack(t *testing.T) {
	src := `version: 1
name: full.design_2
stack:
  maa: 8
  miniport:
    name: nic
    data_backfill: 0x10
    completes: pend
  filters:
    - {name: qos, data_backfill: 32, context_backfill: 16}
    - name: wfp
  changes:
    - remove: qos
    - insert: {name: qos, data_backfill: 8}
    - remove: wfp
protocol:
  requirements: fixed
  fixed: {data_backfill: 96, context_backfill: 48}
workload:
  steps: 100000
  faults: {allocation_failure: 0, oid_failure: 1, pend: .25}
`
	d, err := designfile.Parse("full.yaml", []byte(src))
	require.NoError(t, err)
	require.Equal(t, "full.design_2", d.Name)
	require.Equal(t, oid.MAA32, d.Stack.MAA)
	require.Equal(t, oid.CompletePend, d.Stack.Completes)
	require.Equal(t, "nic(16/0) < qos(32/16) < wfp(0/0)", d.Stack.String())
	require.Equal(t, []oid.Edit{
		{Remove: "qos"},
		{Insert: &oid.Layer{Name: "qos", DataBackfill: 8}},
		{Remove: "wfp"},
	}, d.Changes)
	require.Equal(t, sim.Workload{Steps: 100000, AllocationFailure: 0, OIDFailure: 1,
		SendFailure: sim.DefaultWorkload.SendFailure, Pend: 0.25}, d.Workload)
	require.Equal(t, "nic(16/0) < qos(32/16) < wfp(0/0)", d.Stack.String(), "checking the changes leaves the stack alone")
}

func TestParseGoDesign(t *testing.T) {
	src := "version: 1\nname: g\nstack:\n  miniport: {name: nic}\n  filters: [{name: f}]\nprotocol: {go: " + testGoDesign + "}\n"
	d, err := designfile.Parse("g.yaml", []byte(src))
	require.NoError(t, err)
	require.Equal(t, testGoDesign, d.Protocol)
	require.NotNil(t, d.New)
	require.IsType(t, testProtocol{}, d.New())
	require.Equal(t, "nic(0/0) < f(0/0)", d.Stack.String(), "the file's stack, not the Go design's own")
}

func TestReadFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "d.yaml")
	require.NoError(t, os.WriteFile(path, designfile.DefaultYAML, 0o644))
	d, err := designfile.ReadFile(path)
	require.NoError(t, err)
	require.Equal(t, path, d.File)
	require.Equal(t, "default", d.Name)
}

func TestErrorString(t *testing.T) {
	for _, c := range []struct {
		err  designfile.Error
		want string
	}{
		{designfile.Error{File: "d.yaml", Line: 3, Column: 5, Field: "stack.maa", Msg: "expected 16"}, "d.yaml:3:5: stack.maa: expected 16"},
		{designfile.Error{File: "d.yaml", Line: 3, Msg: "bad"}, "d.yaml:3: bad"},
		{designfile.Error{File: "d.yaml", Msg: "cannot read"}, "d.yaml: cannot read"},
		{designfile.Error{Line: 2, Column: 1, Field: "name", Msg: "x"}, ":2:1: name: x"},
	} {
		require.Equal(t, c.want, c.err.Error())
	}
}

// base is a valid design; cases append to it or replace it.
const base = "version: 1\nname: t\nstack:\n  miniport: {name: nic}\n  filters: [{name: qos, data_backfill: 32}]\nprotocol: {}\n"

func TestMalformed(t *testing.T) {
	cases := []struct {
		name      string
		src       string
		file      func(t *testing.T) string // ReadFile this instead of parsing src
		line, col int                       // col -1: not asserted
		field     string
		msg       string
	}{
		{name: "yaml syntax", src: "version: 1\nname: [t\nstack: {}\n", line: 2, col: 0, msg: "did not find expected ',' or ']'"},
		{name: "yaml syntax on line 1", src: "version: 1: 2\n", line: 1, col: 0, msg: "mapping values are not allowed"},
		{name: "tab indent", src: "version: 1\nstack:\n\tmaa: 16\n", line: 3, col: 1, msg: "tab"},
		{name: "duplicate key", src: "version: 1\nname: a\nname: b\n", line: 3, col: 1, field: "name", msg: "duplicate key; already given on line 2"},
		{name: "duplicate nested key", src: base + "workload: {steps: 1, steps: 2}\n", line: 7, col: 21, field: "workload.steps", msg: "duplicate key"},
		{name: "string for int", src: base + "workload: {steps: many}\n", line: 7, col: 18, field: "workload.steps", msg: `expected an integer in 1..100000, got the string "many"`},
		{name: "quoted int", src: base + "workload: {steps: \"20\"}\n", line: 7, col: 18, field: "workload.steps", msg: `got the string "20"`},
		{name: "float for int", src: base + "workload: {steps: 2.5}\n", line: 7, col: 18, field: "workload.steps", msg: "got the number 2.5"},
		{name: "yaml 1.1 octal", src: base + "workload: {steps: 0100}\n", line: 7, col: 18, field: "workload.steps", msg: "decimal"},
		{name: "null for int", src: base + "workload: {steps: }\n", line: 7, col: 18, field: "workload.steps", msg: "got nothing (null)"},
		{name: "list for map", src: "version: 1\nname: t\nstack: [nic]\n", line: 3, col: 8, field: "stack", msg: "expected a mapping of maa, miniport, filters, changes, got a list"},
		{name: "map for list", src: "version: 1\nname: t\nstack:\n  miniport: {name: nic}\n  filters: {name: qos}\n", line: 5, col: 12, field: "stack.filters", msg: "expected a list, got a mapping"},
		{name: "yes for bool", src: base + "protocol: {receive: {hold: yes}}\n", line: 7, col: 28, field: "protocol.receive.hold", msg: `expected true or false, got the string "yes"`},
		{name: "True for bool", src: "version: 1\nname: t\nstack: {miniport: {name: nic}}\nprotocol: {nbl_pool: {allocate_net_buffer: True}}\n", line: 4, col: 44, field: "protocol.nbl_pool.allocate_net_buffer", msg: "expected true or false, got True"},
		{name: "unknown top-level field", src: base + "colour: red\n", line: 7, col: 1, field: "colour", msg: "unknown field; expected one of version, name, stack, protocol, workload"},
		{name: "unknown nested field", src: "version: 1\nname: t\nstack: {miniport: {name: nic}}\nprotocol:\n  send:\n    apii: combined\n", line: 6, col: 5, field: "protocol.send.apii", msg: "unknown field; expected one of api, net_buffers, header"},
		{name: "version 2", src: "version: 2\nname: t\nfuture: yes\n", line: 1, col: 10, field: "version", msg: "version 2 is not supported"},
		{name: "version as string", src: "version: \"1\"\n", line: 1, col: 10, field: "version", msg: "expected an integer"},
		{name: "missing version", src: "name: t\nstack: {miniport: {name: nic}}\nprotocol: {}\n", line: 1, col: 1, field: "version", msg: "required"},
		{name: "missing name", src: "version: 1\nstack: {miniport: {name: nic}}\nprotocol: {}\n", line: 1, col: 1, field: "name", msg: "required"},
		{name: "empty name", src: "version: 1\nname: ''\n", line: 2, col: 7, field: "name", msg: "a name of 1 to 64 characters"},
		{name: "bad name characters", src: "version: 1\nname: my design!\n", line: 2, col: 7, field: "name", msg: `got "my design!"`},
		{name: "name too long", src: "version: 1\nname: " + strings.Repeat("n", 65) + "\n", line: 2, col: 7, field: "name", msg: "1 to 64 characters"},
		{name: "missing stack", src: "version: 1\nname: t\nprotocol: {}\n", line: 1, col: 1, field: "stack", msg: "required"},
		{name: "missing miniport", src: "version: 1\nname: t\nstack:\n  maa: 16\nprotocol: {}\n", line: 3, col: 1, field: "stack.miniport", msg: "required"},
		{name: "missing miniport name", src: "version: 1\nname: t\nstack:\n  miniport: {data_backfill: 4}\n", line: 4, col: 3, field: "stack.miniport.name", msg: "required"},
		{name: "missing protocol", src: "version: 1\nname: t\nstack: {miniport: {name: nic}}\n", line: 1, col: 1, field: "protocol", msg: "required"},
		{name: "maa 12", src: "version: 1\nname: t\nstack:\n  maa: 12\n", line: 4, col: 8, field: "stack.maa", msg: "expected 16 (MEMORY_ALLOCATION_ALIGNMENT on 64-bit Windows) or 8 (32-bit), got 12"},
		{name: "negative backfill", src: "version: 1\nname: t\nstack:\n  miniport: {name: nic, data_backfill: -1}\n", line: 4, col: 40, field: "stack.miniport.data_backfill", msg: "expected an integer in 0..65535, got -1"},
		{name: "backfill 70000", src: base + "  - x\n", line: 7, col: 3, msg: "", col2: 0},
	}
	_ = cases
}
