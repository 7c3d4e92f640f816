package designfile

import (
	"fmt"
	"math"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"go.yaml.in/yaml/v3"

	"github.com/ndissim/ndissim/sim"
)

// maxDepth bounds how deeply mappings and lists nest. A real design nests
// five levels (the file, stack, changes, one change, its insert); the bound
// keeps hostile input cheap to walk, where yaml's own limit is 10000.
const maxDepth = 16

// decoder walks a yaml.Node tree itself, rather than unmarshalling into
// structs, so that every complaint carries a line and column, and so that
// duplicate keys, unknown fields and loose types (yes, 1.0, "5") are errors
// instead of guesses.
type decoder struct {
	file string
	// fields records where each key of the file is, by its path, as the
	// mappings are read (see Design.Fields).
	fields map[string]sim.FieldPos
}

func (d *decoder) fail(n *yaml.Node, field, format string, args ...any) {
	d.failAt(n.Line, n.Column, field, format, args...)
}

// record notes where the key of the field at path is.
func (d *decoder) record(path string, key *yaml.Node) {
	if d.fields == nil {
		d.fields = map[string]sim.FieldPos{}
	}
	d.fields[path] = sim.FieldPos{Line: key.Line, Column: key.Column}
}

// object is a mapping whose keys are known to be unique and expected.
type object struct {
	d     *decoder
	spec  *field // the mapping's entry in the field table
	path  string
	at    *yaml.Node // where a missing field is reported: the key that introduced the mapping
	keys  map[string]*yaml.Node
	vals  map[string]*yaml.Node
	order []string
}

// object reads the mapping n as the field table's spec describes it.
func (d *decoder) object(n, at *yaml.Node, path string, spec *field) *object {
	fields := spec.names()
	if n.Kind != yaml.MappingNode || n.Tag != "!!map" {
		d.fail(n, path, "expected a mapping of %s, got %s", strings.Join(fields, ", "), describe(n))
	}
	o := &object{d: d, spec: spec, path: path, at: at, keys: map[string]*yaml.Node{}, vals: map[string]*yaml.Node{}}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		name := k.Value
		if first, dup := o.keys[name]; dup {
			d.fail(k, o.child(name), "duplicate key; already given on line %d", first.Line)
		}
		if !slices.Contains(fields, name) {
			d.fail(k, o.child(name), "unknown field; expected one of %s", strings.Join(fields, ", "))
		}
		o.keys[name], o.vals[name] = k, v
		d.record(o.child(name), k)
		o.order = append(o.order, name)
	}
	return o
}

var plainKey = regexp.MustCompile(`^[A-Za-z0-9_-]+$`)

// child is the path of a field, quoting a key that is not a plain name so
// that an error about a strange key still reads as one path.
func (o *object) child(name string) string {
	if !plainKey.MatchString(name) {
		name = strconv.Quote(short(name))
	}
	if o.path == "" {
		return name
	}
	return o.path + "." + name
}

func (o *object) get(name string) (*yaml.Node, bool) {
	n, ok := o.vals[name]
	return n, ok
}

func (o *object) need(name, expected string) *yaml.Node {
	n, ok := o.vals[name]
	if !ok {
		o.d.fail(o.at, o.child(name), "required; expected %s", expected)
	}
	return n
}

// sub is the nested mapping at name, or nil when the field is absent.
func (o *object) sub(name string) *object {
	n, ok := o.vals[name]
	if !ok {
		return nil
	}
	return o.d.object(n, o.keys[name], o.child(name), o.spec.child(name))
}

func (o *object) needSub(name string) *object {
	o.need(name, "a mapping of "+strings.Join(o.spec.child(name).names(), ", "))
	return o.sub(name)
}

// integer is the integer at name, within the field table's bounds, or def.
func (o *object) integer(name string, def int64) int64 {
	if n, ok := o.vals[name]; ok {
		f := o.spec.child(name)
		return o.d.integer(n, o.child(name), f.lo, f.hi)
	}
	return def
}

func (o *object) boolean(name string, def bool) bool {
	if n, ok := o.vals[name]; ok {
		return o.d.boolean(n, o.child(name))
	}
	return def
}

// oneOf is the string at name, one of the field table's choices, or def.
func (o *object) oneOf(name, def string) string {
	if n, ok := o.vals[name]; ok {
		return o.d.oneOf(n, o.child(name), o.spec.child(name).choices...)
	}
	return def
}

func (o *object) probability(name string, def float64) float64 {
	if n, ok := o.vals[name]; ok {
		return o.d.probability(n, o.child(name))
	}
	return def
}

// list is the items of an optional list of at most the field table's
// number of items; a key with no value (every item commented out) is an
// empty list.
func (o *object) list(name string) []*yaml.Node {
	max := int(o.spec.child(name).hi)
	n, ok := o.vals[name]
	if !ok || isNull(n) {
		return nil
	}
	if n.Kind != yaml.SequenceNode || n.Tag != "!!seq" {
		o.d.fail(n, o.child(name), "expected a list, got %s", describe(n))
	}
	if len(n.Content) > max {
		o.d.fail(n.Content[max], fmt.Sprintf("%s[%d]", o.child(name), max), "expected a list of at most %d items", max)
	}
	return n.Content
}

func isNull(n *yaml.Node) bool {
	return n.Kind == yaml.ScalarNode && n.Tag == "!!null"
}

var integerDigits = regexp.MustCompile(`^[-+]?[0-9]+$`)

func (d *decoder) integer(n *yaml.Node, path string, lo, hi int64) int64 {
	want := fmt.Sprintf("an integer in %d..%d", lo, hi)
	v := d.anyInteger(n, path, want)
	if v < lo || v > hi {
		d.fail(n, path, "expected %s, got %d", want, v)
	}
	return v
}

// anyInteger accepts decimal and 0x hexadecimal. yaml would also read 0o17,
// 0b101, 1_000 and, as YAML 1.1 octal, 0100 as 64: a driver author who
// writes a backfill of 0100 means a hundred, so those are refused.
func (d *decoder) anyInteger(n *yaml.Node, path, want string) int64 {
	// yaml types a decimal too long for 64 bits as a float.
	isInt := n.Tag == "!!int" || n.Tag == "!!float" && integerDigits.MatchString(n.Value)
	if n.Kind != yaml.ScalarNode || !isInt {
		d.fail(n, path, "expected %s, got %s", want, describe(n))
	}
	v, ok, overflow := parseInt(n.Value)
	switch {
	case overflow:
		d.fail(n, path, "%s is too large; expected %s", short(n.Value), want)
	case !ok:
		d.fail(n, path, "expected %s written in decimal (or 0x hexadecimal), got %s", want, short(n.Value))
	}
	return v
}

func parseInt(s string) (v int64, ok, overflow bool) {
	neg := false
	if s != "" && (s[0] == '-' || s[0] == '+') {
		neg = s[0] == '-'
		s = s[1:]
	}
	base := 10
	if hex, found := strings.CutPrefix(strings.ToLower(s), "0x"); found {
		s, base = hex, 16
	} else if len(s) > 1 && s[0] == '0' {
		return 0, false, false
	}
	if s == "" || strings.ContainsAny(s, "+-_") {
		return 0, false, false
	}
	u, err := strconv.ParseUint(s, base, 64)
	switch {
	case err != nil && err.(*strconv.NumError).Err == strconv.ErrRange:
		return 0, false, true
	case err != nil:
		return 0, false, false
	case neg && u > 1<<63, !neg && u > math.MaxInt64:
		return 0, false, true
	case neg:
		return -int64(u), true, false
	}
	return int64(u), true, false
}

func (d *decoder) probability(n *yaml.Node, path string) float64 {
	const want = "a probability from 0 to 1"
	if n.Kind != yaml.ScalarNode || n.Tag != "!!int" && n.Tag != "!!float" {
		d.fail(n, path, "expected %s, got %s", want, describe(n))
	}
	var p float64
	if n.Tag == "!!int" {
		v, ok, _ := parseInt(n.Value)
		if !ok {
			d.fail(n, path, "expected %s, got %s", want, short(n.Value))
		}
		p = float64(v)
	} else {
		var err error
		p, err = strconv.ParseFloat(n.Value, 64)
		if strings.HasPrefix(strings.TrimLeft(n.Value, "+-"), ".") && strings.ContainsAny(n.Value, "nNiI") {
			d.fail(n, path, "expected %s, got %s, which is not a number", want, short(n.Value))
		}
		if err != nil || math.IsNaN(p) || math.IsInf(p, 0) {
			d.fail(n, path, "expected %s, got %s", want, short(n.Value))
		}
	}
	if p < 0 || p > 1 {
		d.fail(n, path, "expected %s, got %s", want, short(n.Value))
	}
	return p
}

// boolean takes only true and false: yaml.v3 already reads yes and no as
// strings, and True or TRUE would be the one place the format is not
// spelled one way.
func (d *decoder) boolean(n *yaml.Node, path string) bool {
	if n.Kind == yaml.ScalarNode && n.Tag == "!!bool" {
		switch n.Value {
		case "true":
			return true
		case "false":
			return false
		}
	}
	d.fail(n, path, "expected true or false, got %s", describe(n))
	return false
}

func (d *decoder) str(n *yaml.Node, path, want string) string {
	if n.Kind != yaml.ScalarNode || n.Tag != "!!str" {
		d.fail(n, path, "expected %s, got %s", want, describe(n))
	}
	return n.Value
}

func (d *decoder) oneOf(n *yaml.Node, path string, choices ...string) string {
	want := "one of " + strings.Join(choices, ", ")
	s := d.str(n, path, want)
	if !slices.Contains(choices, s) {
		d.fail(n, path, "expected %s, got %q", want, short(s))
	}
	return s
}

var validName = regexp.MustCompile(`^[A-Za-z0-9._-]{1,64}$`)

// name is a design's or a layer's name. Names appear in stack strings
// ("nic(0/0) < qos(32/16)"), trace file names and findings, so they are
// kept to characters that need no quoting anywhere.
func (d *decoder) name(n *yaml.Node, path string) string {
	const want = "a name of 1 to 64 characters from A-Z a-z 0-9 . _ -"
	s := d.str(n, path, want)
	if !validName.MatchString(s) {
		d.fail(n, path, "expected %s, got %q", want, short(s))
	}
	return s
}

// describe says what a node is, for "expected X, got Y".
func describe(n *yaml.Node) string {
	switch n.Kind {
	case yaml.MappingNode:
		return "a mapping"
	case yaml.SequenceNode:
		return "a list"
	case yaml.AliasNode:
		return "an alias"
	case yaml.DocumentNode:
		return "a document"
	}
	switch n.Tag {
	case "!!null":
		return "nothing (null)"
	case "!!str":
		return fmt.Sprintf("the string %q", short(n.Value))
	case "!!int":
		return "the integer " + short(n.Value)
	case "!!float":
		return "the number " + short(n.Value)
	case "!!bool":
		return n.Value
	case "!!timestamp":
		return "the date " + short(n.Value)
	}
	return fmt.Sprintf("a value tagged %s", short(n.Tag))
}

// short keeps a quoted value from a hostile or mistaken file to a length
// that fits an error line.
func short(s string) string {
	const max = 40
	if utf8.RuneCountInString(s) <= max {
		return s
	}
	return string([]rune(s)[:max]) + "…"
}

// plain rejects what a design file has no use for and what would make it
// hard to read or expensive to walk: anchors and aliases (which also rule
// out alias bombs), deep nesting, and keys that are not scalars.
func (d *decoder) plain(n *yaml.Node, path string, depth int) {
	if n.Anchor != "" {
		d.fail(n, path, "anchor &%s: anchors and aliases are not allowed in a design file; write the value out", short(n.Anchor))
	}
	if n.Kind == yaml.AliasNode {
		d.fail(n, path, "alias *%s: anchors and aliases are not allowed in a design file; write the value out", short(n.Value))
	}
	if n.Kind != yaml.MappingNode && n.Kind != yaml.SequenceNode {
		return
	}
	if depth++; depth > maxDepth {
		d.fail(n, path, "nested deeper than %d levels; a design needs 5 at most", maxDepth)
	}
	for i, c := range n.Content {
		child := fmt.Sprintf("%s[%d]", path, i)
		if n.Kind == yaml.MappingNode {
			k := n.Content[i&^1]
			if k.Kind != yaml.ScalarNode {
				d.fail(k, path, "a key must be a plain name, not %s", describe(k))
			}
			child = (&object{path: path}).child(k.Value)
		}
		d.plain(c, child, depth)
	}
}
