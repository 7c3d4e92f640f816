package designfile

import (
	"bytes"
	"fmt"
	"regexp"
	"strconv"
	"strings"
)

// Error is a design file that does not describe a design. Error() is
// "FILE:LINE:COL: FIELD: what was expected", leaving out COL when it is 0,
// LINE when it is 0 and FIELD when it is empty.
type Error struct {
	File         string
	Line, Column int
	Field        string // the YAML path: "stack.filters[1].data_backfill"
	Msg          string
}

func (e *Error) Error() string {
	var b strings.Builder
	b.WriteString(e.File)
	if e.Line > 0 {
		fmt.Fprintf(&b, ":%d", e.Line)
		if e.Column > 0 {
			fmt.Fprintf(&b, ":%d", e.Column)
		}
	}
	if b.Len() > 0 {
		b.WriteString(": ")
	}
	if e.Field != "" {
		b.WriteString(e.Field)
		b.WriteString(": ")
	}
	b.WriteString(e.Msg)
	return b.String()
}

// failure carries an *Error up through the parser's recursion; Parse
// recovers it. Anything else that panics is a bug and is left to crash, so
// that the fuzzer finds it.
type failure struct{ err *Error }

func (d *decoder) failAt(line, col int, field, format string, args ...any) {
	panic(failure{&Error{File: d.file, Line: line, Column: col, Field: field, Msg: fmt.Sprintf(format, args...)}})
}

func (d *decoder) catch(err *error) {
	if r := recover(); r != nil {
		f, ok := r.(failure)
		if !ok {
			panic(r)
		}
		*err = f.err
	}
}

var yamlErrorText = regexp.MustCompile(`^yaml: (?:line (\d+): )?((?s).*)$`)

// parserProblems are the messages of yaml's parser, as opposed to its
// scanner. yaml adds 1 to the 0-based line of scanner errors only, so a
// parser error names the line above the one an editor shows: add it back.
var parserProblems = []string{
	"did not find expected <stream-start>",
	"did not find expected <document start>",
	"did not find expected node content",
	"did not find expected '-' indicator",
	"did not find expected key",
	"did not find expected ',' or ']'",
	"did not find expected ',' or '}'",
	"found undefined tag handle",
	"found duplicate %YAML directive",
	"found incompatible YAML document",
	"found duplicate %TAG directive",
}

// syntax turns one of yaml's error strings into an *Error with the line the
// problem is on. yaml leaves the line out when it is the first one, and for
// the errors it finds after parsing, which carry no position at all.
func (d *decoder) syntax(err error, data []byte) {
	m := yamlErrorText.FindStringSubmatch(err.Error())
	if m == nil {
		d.failAt(0, 0, "", "YAML syntax error: %s", err)
	}
	msg := m[2]
	line := 1
	if m[1] != "" {
		line, _ = strconv.Atoi(m[1])
		for _, p := range parserProblems {
			if msg == p {
				line++
			}
		}
	}
	// At the end of the stream yaml names the line after the last one.
	if last := bytes.Count(bytes.TrimSuffix(data, []byte("\n")), []byte("\n")) + 1; line > last {
		line = last
	}
	if name, ok := strings.CutPrefix(msg, "unknown anchor '"); ok {
		name = strings.TrimSuffix(name, "' referenced")
		l, c := position(data, bytes.Index(data, []byte("*"+name)))
		d.failAt(l, c, "", "alias *%s: anchors and aliases are not allowed in a design file; write the value out", short(name))
	}
	if !strings.HasPrefix(msg, "found") && !strings.HasPrefix(msg, "did not") &&
		!strings.HasPrefix(msg, "could not") && !strings.Contains(msg, "not allowed in this context") &&
		!strings.HasPrefix(msg, "exceeded") {
		line = 0 // not the scanner's or parser's: a complaint about the document as a whole
	}
	if strings.Contains(msg, "tab") || msg == "found character that cannot start any token" {
		if col := tabColumn(data, line); col > 0 {
			d.failAt(line, col, "", "a tab character: YAML indents with spaces only (yaml: %s)", msg)
		}
	}
	d.failAt(line, 0, "", "YAML syntax error: %s", msg)
}

// position turns a byte offset into a 1-based line and column in
// characters, as yaml counts them; -1 gives 0, 0.
func position(data []byte, off int) (line, col int) {
	if off < 0 || off > len(data) {
		return 0, 0
	}
	before := data[:off]
	line = bytes.Count(before, []byte("\n")) + 1
	start := bytes.LastIndexByte(before, '\n') + 1
	return line, len([]rune(string(before[start:]))) + 1
}

// tabColumn is the column of the first tab in the leading whitespace of
// line, or 0.
func tabColumn(data []byte, line int) int {
	lines := bytes.Split(data, []byte("\n"))
	if line < 1 || line > len(lines) {
		return 0
	}
	for i, b := range lines[line-1] {
		switch b {
		case '\t':
			return i + 1
		case ' ':
		default:
			return 0
		}
	}
	return 0
}
