package designfile

import (
	"bytes"
	"encoding/json"
	"fmt"

	"github.com/ndissim/ndissim/rule"
)

// SchemaID is where the JSON Schema of the design file is published: the
// file docs/design-file.schema.json on the main branch. A release's copy is
// at the same path under its tag.
const SchemaID = "https://raw.githubusercontent.com/ndissim/ndissim/main/docs/design-file.schema.json"

// Schema is the JSON Schema (draft 2020-12) of the design file, generated
// from the parser's field table, for editors: the YAML language server
// completes, documents and checks a design file with it. It checks what a
// schema can (keys, types, bounds, choices, rule names); the parser
// checks the rest too (unique layer names, changes that apply to the
// stack, the protocol's choices as a whole, a rule given twice). The
// output is the same bytes for the same table.
func Schema() []byte {
	root := schemaOf(fileSpec)
	root = append(obj{
		{"$schema", "https://json-schema.org/draft/2020-12/schema"},
		{"$id", SchemaID},
		{"title", "ndissim design file"},
	}, root...)
	b, err := json.MarshalIndent(root, "", "  ")
	if err != nil {
		panic("designfile: the schema does not marshal: " + err.Error())
	}
	return append(b, '\n')
}

// kv is one key of a JSON object; obj keeps its keys in the order given,
// so that the schema reads in the order of the format's documentation.
type kv struct {
	k string
	v any
}

type obj []kv

func (o obj) MarshalJSON() ([]byte, error) {
	var b bytes.Buffer
	b.WriteByte('{')
	for i, e := range o {
		if i > 0 {
			b.WriteByte(',')
		}
		k, _ := json.Marshal(e.k)
		v, err := json.Marshal(e.v)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", e.k, err)
		}
		b.Write(k)
		b.WriteByte(':')
		b.Write(v)
	}
	b.WriteByte('}')
	return b.Bytes(), nil
}

// schemaOf is one field's schema.
func schemaOf(f *field) obj {
	var s obj
	if f.doc != "" {
		s = append(s, kv{"description", f.doc})
	}
	switch f.kind {
	case kindMapping:
		return append(s, mappingSchema(f)...)
	case kindList:
		// A key with nothing after it (every item commented out) is an
		// empty list to the parser.
		s = append(s, kv{"type", []string{"array", "null"}}, kv{"maxItems", f.hi}, kv{"items", schemaOf(f.item)})
		if f.item.kind == kindChoice {
			s = append(s, kv{"uniqueItems", true}) // a list of choices names each once
		}
		return s
	case kindInteger:
		if len(f.values) > 0 {
			return append(s, kv{"type", "integer"}, kv{"enum", f.values})
		}
		return append(s, kv{"type", "integer"}, kv{"minimum", f.lo}, kv{"maximum", f.hi})
	case kindProbability:
		return append(s, kv{"type", "number"}, kv{"minimum", 0}, kv{"maximum", 1})
	case kindBoolean:
		return append(s, kv{"type", "boolean"})
	case kindString:
		return append(s, kv{"type", "string"})
	case kindChoice:
		return append(s, kv{"type", "string"}, kv{"enum", f.choices})
	case kindName:
		return append(s, kv{"type", "string"}, kv{"pattern", validName.String()})
	case kindTag:
		return append(s, kv{"type", "string"}, kv{"pattern", "^[ -~]{0,4}$"})
	case kindRule:
		return append(s, kv{"type", "string"}, kv{"enum", ruleNames()})
	case kindReason:
		return append(s, kv{"type", "string"}, kv{"pattern", `\S`})
	}
	panic(fmt.Sprintf("designfile: field %s has no schema for its kind %d", f.name, f.kind))
}

// mappingSchema is a mapping's: its keys, those required, no others, and
// the constraints among them.
func mappingSchema(f *field) obj {
	props := obj{}
	var req []string
	for _, c := range f.fields {
		props = append(props, kv{c.name, schemaOf(c)})
		if c.required {
			req = append(req, c.name)
		}
	}
	s := obj{{"type", "object"}, {"properties", props}}
	if len(req) > 0 {
		s = append(s, kv{"required", req})
	}
	s = append(s, kv{"additionalProperties", false})
	if f.oneKey {
		s = append(s, kv{"minProperties", 1}, kv{"maxProperties", 1})
	}
	if f.alone != "" {
		s = append(s, kv{"dependentSchemas", obj{{f.alone, obj{{"maxProperties", 1}}}}})
	}
	if len(f.oneOf) > 0 {
		var alts []obj
		for _, k := range f.oneOf {
			alts = append(alts, obj{{"required", []string{k}}})
		}
		s = append(s, kv{"oneOf", alts})
	}
	return s
}

// ruleNames are the catalogue's, in its order.
func ruleNames() []string {
	out := make([]string, len(rule.Catalogue))
	for i, r := range rule.Catalogue {
		out[i] = string(r.Name)
	}
	return out
}
