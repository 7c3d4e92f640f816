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
	require.NotPanics(t, func() { designfile.Default() }, "the embedded default must parse")
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

// base is the start of a valid design, five lines long; cases add the
// protocol (line 6) and what follows.
const base = "version: 1\nname: t\nstack:\n  miniport: {name: nic}\n  filters: [{name: qos, data_backfill: 32}]\n"

const withProtocol = base + "protocol: {}\n"

func TestMalformed(t *testing.T) {
	deep := "version: 1\nname: t\nstack: " + strings.Repeat("[", 20) + strings.Repeat("]", 20) + "\n"
	cases := []struct {
		name      string
		src       string
		file      func(t *testing.T) string // ReadFile this path instead of parsing src
		line, col int
		field     string
		msg       string
	}{
		// YAML itself
		{name: "yaml syntax", src: "version: 1\nname: [t\nstack: {}\n", line: 2, msg: "YAML syntax error: did not find expected ',' or ']'"},
		{name: "yaml syntax on line 1", src: "version: 1: 2\n", line: 1, msg: "mapping values are not allowed"},
		{name: "yaml block syntax", src: "version: 1\nname: t\n- x\n", line: 3, msg: "did not find expected key"},
		{name: "syntax error in a second document", src: withProtocol + "---\nname: [\n", line: 8, msg: "YAML syntax error"},
		{name: "yaml depth limit", src: "version: 1\nname: t\nstack: " + strings.Repeat("[", 10001) + "\n", line: 3, msg: "exceeded max depth of 10000"},
		{name: "tab indent", src: "version: 1\nstack:\n\tmaa: 16\n", line: 3, col: 1, msg: "a tab character: YAML indents with spaces only"},
		{name: "duplicate key", src: "version: 1\nname: a\nname: b\n", line: 3, col: 1, field: "name", msg: "duplicate key; already given on line 2"},
		{name: "duplicate nested key", src: withProtocol + "workload: {steps: 1, steps: 2}\n", line: 7, col: 22, field: "workload.steps", msg: "duplicate key; already given on line 7"},
		{name: "empty file", src: "", line: 1, msg: "empty design file"},
		{name: "only comments", src: "# a design\n\n   # to come\n", line: 1, msg: "empty design file"},
		{name: "only a document marker", src: "---\n", line: 2, col: 1, msg: "empty design file"},
		{name: "two documents", src: withProtocol + "---\nversion: 1\n", line: 7, col: 1, msg: "a second YAML document"},
		{name: "anchor and alias", src: "version: 1\nname: &n t\nstack: {miniport: {name: *n}}\n", line: 2, col: 7, field: "name", msg: "anchors and aliases are not allowed"},
		{name: "alias of an unknown anchor", src: "version: 1\nname: t\nstack: *s\n", line: 3, col: 8, msg: "alias *s: anchors and aliases are not allowed"},
		{name: "20-deep nesting", src: deep, line: 3, col: 23, field: "stack" + strings.Repeat("[0]", 15), msg: "nested deeper than 16 levels"},
		{name: "NUL bytes", src: "version: 1\nname: t\x00\x00\x01\x02", line: 2, col: 8, msg: "a NUL byte"},
		{name: "invalid UTF-8", src: "version: 1\nname: caf\xe9\n", line: 2, col: 10, msg: "invalid UTF-8 (byte 0xe9)"},
		{name: "control character", src: "version: 1\nname: \x1b[1mt\n", line: 2, col: 7, msg: "control character U+001B"},
		{name: "not a mapping", src: "- version: 1\n", line: 1, col: 1, msg: "expected a mapping with version, name, stack and protocol, got a list"},
		{name: "non-scalar key", src: "version: 1\n? [a, b]\n: 1\n", line: 2, col: 3, msg: "a key must be a plain name, not a list"},

		// types
		{name: "string for int", src: withProtocol + "workload: {steps: many}\n", line: 7, col: 19, field: "workload.steps", msg: `expected an integer in 1..100000, got the string "many"`},
		{name: "quoted int", src: withProtocol + "workload: {steps: \"20\"}\n", line: 7, col: 19, field: "workload.steps", msg: `got the string "20"`},
		{name: "float for int", src: withProtocol + "workload: {steps: 2.5}\n", line: 7, col: 19, field: "workload.steps", msg: "got the number 2.5"},
		{name: "yaml 1.1 octal", src: withProtocol + "workload: {steps: 0100}\n", line: 7, col: 19, field: "workload.steps", msg: "written in decimal (or 0x hexadecimal), got 0100"},
		{name: "null for int", src: withProtocol + "workload: {steps: }\n", line: 7, col: 19, field: "workload.steps", msg: "got nothing (null)"},
		{name: "integer overflow", src: base + "  maa: 99999999999999999999\n", line: 6, col: 8, field: "stack.maa", msg: "99999999999999999999 is too large; expected 16 (MEMORY_ALLOCATION_ALIGNMENT on 64-bit Windows) or 8 (32-bit)"},
		{name: "integer overflow in a range", src: "version: 1\nname: t\nstack:\n  miniport: {name: nic, data_backfill: 18446744073709551616}\n", line: 4, col: 40, field: "stack.miniport.data_backfill", msg: "is too large; expected an integer in 0..65535"},
		{name: "list for map", src: "version: 1\nname: t\nstack: [nic]\n", line: 3, col: 8, field: "stack", msg: "expected a mapping of maa, miniport, filters, changes, got a list"},
		{name: "map for list", src: "version: 1\nname: t\nstack:\n  miniport: {name: nic}\n  filters: {name: qos}\n", line: 5, col: 12, field: "stack.filters", msg: "expected a list, got a mapping"},
		{name: "yes for bool", src: base + "protocol: {receive: {hold: yes}}\n", line: 6, col: 28, field: "protocol.receive.hold", msg: `expected true or false, got the string "yes"`},
		{name: "True for bool", src: base + "protocol: {nbl_pool: {allocate_net_buffer: True}}\n", line: 6, col: 44, field: "protocol.nbl_pool.allocate_net_buffer", msg: "expected true or false, got True"},
		{name: "number for name", src: "version: 1\nname: 42\n", line: 2, col: 7, field: "name", msg: "got the integer 42"},

		// fields
		{name: "unknown top-level field", src: withProtocol + "colour: red\n", line: 7, col: 1, field: "colour", msg: "unknown field; expected one of version, name, stack, protocol, workload, rules"},
		{name: "unknown nested field", src: base + "protocol:\n  send:\n    apii: combined\n", line: 8, col: 5, field: "protocol.send.apii", msg: "unknown field; expected one of api, net_buffers, header"},
		{name: "unknown field in a filter", src: "version: 1\nname: t\nstack:\n  miniport: {name: nic}\n  filters:\n    - {name: a}\n    - {name: b, backfill: 3}\n", line: 7, col: 17, field: "stack.filters[1].backfill", msg: "unknown field; expected one of name, data_backfill, context_backfill"},
		{name: "version 2", src: "version: 2\nname: t\nfuture: yes\n", line: 1, col: 10, field: "version", msg: "version 2 is not supported; expected 1"},
		{name: "version as string", src: "version: \"1\"\n", line: 1, col: 10, field: "version", msg: `expected 1, got the string "1"`},
		{name: "missing version", src: "name: t\nstack: {miniport: {name: nic}}\nprotocol: {}\n", line: 1, col: 1, field: "version", msg: "required; expected version: 1"},
		{name: "missing name", src: "version: 1\nstack: {miniport: {name: nic}}\nprotocol: {}\n", line: 1, col: 1, field: "name", msg: "required"},
		{name: "empty name", src: "version: 1\nname: ''\n", line: 2, col: 7, field: "name", msg: "expected a name of 1 to 64 characters from A-Z a-z 0-9 . _ -"},
		{name: "bad name characters", src: "version: 1\nname: my design!\n", line: 2, col: 7, field: "name", msg: `got "my design!"`},
		{name: "name too long", src: "version: 1\nname: " + strings.Repeat("n", 65) + "\n", line: 2, col: 7, field: "name", msg: "1 to 64 characters"},
		{name: "missing stack", src: "version: 1\nname: t\nprotocol: {}\n", line: 1, col: 1, field: "stack", msg: "required"},
		{name: "missing miniport", src: "version: 1\nname: t\nstack:\n  maa: 16\nprotocol: {}\n", line: 3, col: 1, field: "stack.miniport", msg: "required"},
		{name: "missing miniport name", src: "version: 1\nname: t\nstack:\n  miniport: {data_backfill: 4}\n", line: 4, col: 3, field: "stack.miniport.name", msg: "required"},
		{name: "missing protocol", src: base, line: 1, col: 1, field: "protocol", msg: "required"},

		// ranges and choices
		{name: "maa 12", src: base + "  maa: 12\n", line: 6, col: 8, field: "stack.maa", msg: "expected 16 (MEMORY_ALLOCATION_ALIGNMENT on 64-bit Windows) or 8 (32-bit), got 12"},
		{name: "negative backfill", src: "version: 1\nname: t\nstack:\n  miniport: {name: nic, data_backfill: -1}\n", line: 4, col: 40, field: "stack.miniport.data_backfill", msg: "expected an integer in 0..65535, got -1"},
		{name: "backfill 70000", src: "version: 1\nname: t\nstack:\n  miniport: {name: nic}\n  filters:\n    - {name: a}\n    - {name: b, context_backfill: 70000}\n", line: 7, col: 35, field: "stack.filters[1].context_backfill", msg: "expected an integer in 0..65535, got 70000"},
		{name: "probability 1.5", src: withProtocol + "workload:\n  faults: {pend: 1.5}\n", line: 8, col: 18, field: "workload.faults.pend", msg: "expected a probability from 0 to 1, got 1.5"},
		{name: "probability -0.1", src: withProtocol + "workload:\n  faults: {oid_failure: -0.1}\n", line: 8, col: 25, field: "workload.faults.oid_failure", msg: "got -0.1"},
		{name: "probability .nan", src: withProtocol + "workload:\n  faults: {allocation_failure: .nan}\n", line: 8, col: 32, field: "workload.faults.allocation_failure", msg: "got .nan, which is not a number"},
		{name: "probability .inf", src: withProtocol + "workload:\n  faults: {pend: .inf}\n", line: 8, col: 18, field: "workload.faults.pend", msg: "not a number"},
		{name: "steps 0", src: withProtocol + "workload: {steps: 0}\n", line: 7, col: 19, field: "workload.steps", msg: "expected an integer in 1..100000, got 0"},
		{name: "steps 1000001", src: withProtocol + "workload: {steps: 1000001}\n", line: 7, col: 19, field: "workload.steps", msg: "expected an integer in 1..100000, got 1000001"},
		{name: "unknown completes", src: "version: 1\nname: t\nstack:\n  miniport: {name: nic, completes: sometimes}\n", line: 4, col: 36, field: "stack.miniport.completes", msg: `expected one of sync, pend, mixed, got "sometimes"`},
		{name: "unknown requirements", src: base + "protocol: {requirements: guess}\n", line: 6, col: 26, field: "protocol.requirements", msg: `expected one of attributes, oid, fixed, got "guess"`},
		{name: "unknown sizing", src: base + "protocol: {sizing: huge}\n", line: 6, col: 20, field: "protocol.sizing", msg: "expected one of allocation, pool"},
		{name: "unknown rebuild", src: base + "protocol: {rebuild: sometimes}\n", line: 6, col: 21, field: "protocol.rebuild", msg: "expected one of when-grown, always, never"},
		{name: "unknown send api", src: base + "protocol:\n  send: {api: fancy}\n", line: 7, col: 15, field: "protocol.send.api", msg: "expected one of combined, separate"},
		{name: "tag Protocol", src: base + "protocol:\n  nbl_pool: {tag: Protocol}\n", line: 7, col: 19, field: "protocol.nbl_pool.tag", msg: "at most 4 printable ASCII characters, got \"Protocol\" (8 characters)"},
		{name: "net_buffers 0", src: base + "protocol:\n  send: {api: separate, net_buffers: 0}\n  nb_pool: {}\n", line: 7, col: 38, field: "protocol.send.net_buffers", msg: "expected an integer in 1..64, got 0"},
		{name: "data_size 65537", src: base + "protocol:\n  nb_pool: {data_size: 65537}\n", line: 7, col: 24, field: "protocol.nb_pool.data_size", msg: "0..65536"},
		{name: "separate without nb_pool", src: base + "protocol:\n  send: {api: separate}\n", line: 6, col: 1, field: "protocol.nb_pool", msg: "required when send.api is separate"},

		// changes
		{name: "remove of a removed filter", src: base + "  changes:\n    - remove: qos\n    - remove: qos\nprotocol: {}\n", line: 8, col: 7, field: "stack.changes[1].remove", msg: `no filter named "qos" in the stack nic`},
		{name: "remove of the miniport", src: base + "  changes: [{remove: nic}]\nprotocol: {}\n", line: 6, col: 13, field: "stack.changes[0].remove", msg: "it is the miniport"},
		{name: "insert of a duplicate name", src: base + "  changes:\n    - insert: {name: qos}\nprotocol: {}\n", line: 7, col: 7, field: "stack.changes[0].insert", msg: `a layer named "qos" is already in the stack nic < qos`},
		{name: "insert and remove in one change", src: base + "  changes:\n    - {insert: {name: vpn}, remove: qos}\n", line: 7, col: 7, field: "stack.changes[0]", msg: "expected one of insert or remove, got both"},
		{name: "empty change", src: base + "  changes: [{}]\n", line: 6, col: 13, field: "stack.changes[0]", msg: "expected insert: {name, data_backfill, context_backfill} or remove: NAME"},
		{name: "65 filters", src: "version: 1\nname: t\nstack:\n  miniport: {name: nic}\n  filters:\n" + strings.Repeat("    - {name: f}\n", 65), line: 70, col: 7, field: "stack.filters[64]", msg: "expected a list of at most 64 items"},
		{name: "duplicate filter name", src: "version: 1\nname: t\nstack:\n  miniport: {name: nic}\n  filters: [{name: a}, {name: nic}]\n", line: 5, col: 31, field: "stack.filters[1].name", msg: `"nic" is already the name of the miniport`},

		// go designs
		{name: "unknown go design", src: base + "protocol: {go: no-such-design}\n", line: 6, col: 16, field: "protocol.go", msg: `no Go design named "no-such-design" (registered: `},
		{name: "go mixed with sizing", src: base + "protocol:\n  go: " + testGoDesign + "\n  sizing: pool\n", line: 8, col: 3, field: "protocol.sizing", msg: "not allowed with go"},

		// files
		{name: "file over MaxFileSize", file: func(t *testing.T) string {
			path := filepath.Join(t.TempDir(), "big.yaml")
			big := append([]byte(withProtocol), make([]byte, designfile.MaxFileSize)...)
			require.NoError(t, os.WriteFile(path, big, 0o644))
			return path
		}, msg: "larger than 1048576 bytes (1 MiB)"},
		{name: "unreadable path", file: func(t *testing.T) string {
			return filepath.Join(t.TempDir(), "missing.yaml")
		}, msg: "cannot read the design file: no such file or directory"},
		{name: "directory", file: func(t *testing.T) string { return t.TempDir() }, msg: "cannot read the design file"},
	}
	require.GreaterOrEqual(t, len(cases), 35)
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var err error
			file := "t.yaml"
			if c.file != nil {
				file = c.file(t)
				_, err = designfile.ReadFile(file)
			} else {
				_, err = designfile.Parse(file, []byte(c.src))
			}
			var de *designfile.Error
			require.True(t, errors.As(err, &de), "want a *designfile.Error, got %v", err)
			require.Equal(t, file, de.File)
			require.Equal(t, c.line, de.Line, "line: %v", err)
			require.Equal(t, c.col, de.Column, "column: %v", err)
			require.Equal(t, c.field, de.Field, "field: %v", err)
			require.Contains(t, de.Msg, c.msg)
		})
	}
}

// A file with CR-only or CR LF line endings reports its errors on the line
// an editor shows, as one with LF endings does.
func TestLineEndingsDoNotMoveErrors(t *testing.T) {
	src := "version: 1\nname: short\nstack:\n  miniport: {name: nic}\n  filters:\n    - {name: qos, data_backfill: 32, context_backfill: 16}\nprotocol:\n  sizing: pool\n  rebuild: never\n"
	cases := map[string]string{
		"syntax": src + "workload: [\n",
		"field":  strings.Replace(src, "sizing: pool", "sizing: pools", 1),
	}
	for name, body := range cases {
		var want string
		for _, nl := range []string{"\n", "\r\n", "\r"} {
			_, err := designfile.Parse("x.yaml", []byte(strings.ReplaceAll(body, "\n", nl)))
			require.Error(t, err, name)
			if nl == "\n" {
				want = err.Error()
				continue
			}
			require.Equal(t, want, err.Error(), "%s with %q line endings", name, nl)
		}
	}
	d, err := designfile.Parse("x.yaml", []byte(strings.ReplaceAll(src, "\n", "\r")))
	require.NoError(t, err)
	require.Equal(t, strings.ReplaceAll(src, "\n", "\r"), string(d.Source), "the hash is of the file's own bytes")
}
