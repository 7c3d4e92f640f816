package designfile_test

import (
	"bytes"
	"encoding/json"
	"flag"
	"math/rand/v2"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"
	"github.com/stretchr/testify/require"
	"go.yaml.in/yaml/v3"

	"github.com/ndissim/ndissim/internal/designfile"
)

var updateSchema = flag.Bool("update-schema", false, "write docs/design-file.schema.json from the parser's field table")

const schemaPath = "../../docs/design-file.schema.json"

// The schema file in docs is the one the field table gives: regenerate it
// with go test ./internal/designfile -update-schema.
func TestSchemaFileIsUpToDate(t *testing.T) {
	got := designfile.Schema()
	if *updateSchema {
		require.NoError(t, os.WriteFile(schemaPath, got, 0o644))
	}
	want, err := os.ReadFile(schemaPath)
	require.NoError(t, err)
	require.Equal(t, string(want), string(got),
		"docs/design-file.schema.json is out of date: run go test ./internal/designfile -update-schema")
	require.Equal(t, got, designfile.Schema(), "the same bytes every time")
}

// compiled is the schema, compiled by a draft 2020-12 validator.
func compiled(t *testing.T) *jsonschema.Schema {
	t.Helper()
	doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(designfile.Schema()))
	require.NoError(t, err)
	c := jsonschema.NewCompiler()
	c.DefaultDraft(jsonschema.Draft2020)
	require.NoError(t, c.AddResource(designfile.SchemaID, doc))
	s, err := c.Compile(designfile.SchemaID)
	require.NoError(t, err)
	return s
}

// validate checks a design file's YAML against the schema, as an editor's
// YAML language server does: the YAML's values, as JSON.
func validate(t *testing.T, s *jsonschema.Schema, src string) error {
	t.Helper()
	var v any
	if err := yaml.Unmarshal([]byte(src), &v); err != nil {
		return err
	}
	b, err := json.Marshal(v)
	require.NoError(t, err, "a design file's values are JSON values")
	inst, err := jsonschema.UnmarshalJSON(bytes.NewReader(b))
	require.NoError(t, err)
	return s.Validate(inst)
}

// examples are the design files the repository shows: the embedded
// default and every YAML block of the README and docs that is a whole
// design file.
func examples(t *testing.T) map[string]string {
	out := map[string]string{"default.yaml": string(designfile.DefaultYAML)}
	block := regexp.MustCompile("(?s)```yaml\n(version: 1[ \n].*?)```")
	files, err := filepath.Glob("../../docs/*.md")
	require.NoError(t, err)
	for _, f := range append(files, "../../README.md") {
		data, err := os.ReadFile(f)
		require.NoError(t, err)
		for i, m := range block.FindAllStringSubmatch(string(data), -1) {
			out[filepath.Base(f)+"#"+string(rune('a'+i))] = m[1]
		}
	}
	require.GreaterOrEqual(t, len(out), 3, "the default, the README's and design-files.md's")
	return out
}

func TestExamplesValidateAgainstTheSchema(t *testing.T) {
	s := compiled(t)
	for name, src := range examples(t) {
		_, err := designfile.Parse(name, []byte(src))
		require.NoError(t, err, name)
		require.NoError(t, validate(t, s, src), name)
	}
}

// Files the parser refuses for what a schema can say are refused by the
// schema too.
func TestInvalidFilesAreRefusedByParserAndSchema(t *testing.T) {
	s := compiled(t)
	cases := map[string]string{
		"unknown field":         withProtocol + "colour: red\n",
		"unknown nested field":  base + "protocol:\n  send: {apii: combined}\n",
		"missing name":          "version: 1\nstack: {miniport: {name: nic}}\nprotocol: {}\n",
		"version 2":             "version: 2\nname: t\nstack: {miniport: {name: nic}}\nprotocol: {}\n",
		"string for integer":    withProtocol + "workload: {steps: many}\n",
		"steps out of range":    withProtocol + "workload: {steps: 0}\n",
		"maa 12":                base + "  maa: 12\nprotocol: {}\n",
		"probability 1.5":       withProtocol + "workload: {faults: {pend: 1.5}}\n",
		"yes for boolean":       base + "protocol: {receive: {hold: yes}}\n",
		"unknown choice":        base + "protocol: {sizing: huge}\n",
		"bad name":              "version: 1\nname: my design!\nstack: {miniport: {name: nic}}\nprotocol: {}\n",
		"long tag":              base + "protocol: {nbl_pool: {tag: Protocol}}\n",
		"go with other fields":  base + "protocol: {go: ndisprot, sizing: pool}\n",
		"insert and remove":     base + "  changes: [{insert: {name: vpn}, remove: qos}]\nprotocol: {}\n",
		"empty change":          base + "  changes: [{}]\nprotocol: {}\n",
		"65 filters":            "version: 1\nname: t\nstack:\n  miniport: {name: nic}\n  filters:\n" + strings.Repeat("    - {name: f}\n", 65) + "protocol: {}\n",
		"unknown rule":          withRules + "  - {rule: NoSuchRule, severity: error}\n",
		"rule without setting":  withRules + "  - {rule: DoubleFree}\n",
		"severity and silence":  withRules + "  - {rule: DoubleFree, severity: error, silence: why}\n",
		"severity warning":      withRules + "  - {rule: DoubleFree, severity: warning}\n",
		"empty reason":          withRules + "  - {rule: DoubleFree, silence: \" \"}\n",
		"missing reason (null)": withRules + "  - {rule: DoubleFree, silence: }\n",
	}
	for name, src := range cases {
		_, err := designfile.Parse("t.yaml", []byte(src))
		require.Error(t, err, "parser: %s", name)
		require.Error(t, validate(t, s, src), "schema: %s", name)
	}
}

// Whatever the parser accepts, the schema accepts: mutations of the
// examples and of the fuzz corpus, parsed by both. (The converse does not
// hold: the schema cannot check that a change applies to the stack.)
func TestSchemaAcceptsWhatTheParserAccepts(t *testing.T) {
	s := compiled(t)
	var seeds []string
	for _, src := range examples(t) {
		seeds = append(seeds, src)
	}
	seeds = append(seeds, withRules+"  - {rule: PnPEventFailed, silence: a reason}\n  - {rule: SendWhilePausing, severity: error}\n",
		base+"  maa: 0x8\n  changes:\n    - remove: qos\n    - insert: {name: vpn, data_backfill: 0x40}\nprotocol: {go: "+testGoDesign+"}\n")
	tokens := strings.Fields("version name stack protocol workload rules rule severity silence error maa miniport filters changes insert remove " +
		"requirements fixed sizing rebuild nbl_pool nb_pool send receive api hold tag steps faults pend data_backfill context_backfill completes " +
		"1 0 -1 0x10 70000 8 16 x {} [] true yes 0.5 .5 2 separate never oid sync Prot DoubleFree")
	r := rand.New(rand.NewPCG(3, 4))
	accepted := 0
	for range 20000 {
		src := seeds[r.IntN(len(seeds))]
		for range 1 + r.IntN(2) {
			words := strings.Fields(src)
			src = strings.Replace(src, words[r.IntN(len(words))], tokens[r.IntN(len(tokens))], 1)
		}
		if _, err := designfile.Parse("m.yaml", []byte(src)); err != nil {
			continue
		}
		accepted++
		require.NoError(t, validate(t, s, src), "the parser accepts:\n%s", src)
	}
	require.Greater(t, accepted, 1000, "enough mutations stay valid to mean something")
}
