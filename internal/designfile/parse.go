// Package designfile reads design files: the YAML that describes a stack,
// the edits NDIS makes to it, the protocol design under test and the
// workload (docs/design-files.md is the reference). A file that does not
// describe a design is an *Error naming the file, line, column and field.
package designfile

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"slices"
	"unicode/utf8"

	"go.yaml.in/yaml/v3"

	"github.com/ndissim/ndissim/sim"
)

// MaxFileSize is the largest design file read. Real designs are a few
// hundred bytes; the limit keeps a wrong path (a log, a core dump) from
// being read whole.
const MaxFileSize = 1 << 20

// ReadFile reads the design file at path and parses it.
func ReadFile(path string) (sim.Design, error) {
	f, err := os.Open(path)
	if err != nil {
		return sim.Design{}, &Error{File: path, Msg: "cannot read the design file: " + reason(err)}
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, MaxFileSize+1))
	if err != nil {
		return sim.Design{}, &Error{File: path, Msg: "cannot read the design file: " + reason(err)}
	}
	if len(data) > MaxFileSize {
		return sim.Design{}, tooLarge(path)
	}
	return Parse(path, data)
}

// reason drops the path an *fs.PathError repeats, since Error names the file.
func reason(err error) string {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err.Error()
	}
	return err.Error()
}

func tooLarge(file string) *Error {
	return &Error{File: file, Msg: fmt.Sprintf("larger than %d bytes (1 MiB), the limit for a design file", MaxFileSize)}
}

// Parse reads a design file's contents; filename is what errors and
// Design.File call it. Every error is an *Error.
func Parse(filename string, data []byte) (design sim.Design, err error) {
	if len(data) > MaxFileSize {
		return sim.Design{}, tooLarge(filename)
	}
	d := &decoder{file: filename}
	defer d.catch(&err)
	root := d.document(oneLineBreak(data))

	// A file from a newer ndissim may use fields this one does not know:
	// saying so is more use than calling them unknown.
	for i := 0; i+1 < len(root.Content); i += 2 {
		if root.Content[i].Value == "version" {
			d.version(root.Content[i+1])
			break
		}
	}
	top := d.object(root, root, "", fileSpec)
	top.need("version", "version: 1")
	name := d.name(top.need("name", "the design's name"), "name")
	stack, changes := d.stack(top)
	protocol, newProtocol := d.protocol(top)
	return sim.Design{
		Name:     name,
		File:     filename,
		Stack:    stack,
		Changes:  changes,
		Protocol: protocol,
		New:      newProtocol,
		Workload: d.workload(top),
		Rules:    d.rules(top),
		Source:   bytes.Clone(data),
		Fields:   d.fields,
	}, nil
}

// oneLineBreak turns CR LF and lone CR line breaks into LF. YAML reads all
// three as line breaks, but yaml's messages and this package count lines by
// LF: without this a file with CR-only line endings was all line 1. Source
// keeps the file's own bytes.
func oneLineBreak(data []byte) []byte {
	if !bytes.Contains(data, []byte("\r")) {
		return data
	}
	data = bytes.ReplaceAll(data, []byte("\r\n"), []byte("\n"))
	return bytes.ReplaceAll(data, []byte("\r"), []byte("\n"))
}

// document checks the bytes, parses the one YAML document and returns its
// top-level mapping.
func (d *decoder) document(data []byte) *yaml.Node {
	d.text(data)
	dec := yaml.NewDecoder(bytes.NewReader(data))
	var doc yaml.Node
	if err := decode(dec, &doc); err == io.EOF {
		d.failAt(1, 0, "", "empty design file; expected a mapping with version, name, stack and protocol")
	} else if err != nil {
		d.syntax(err, data)
	}
	var next yaml.Node
	if err := decode(dec, &next); err == nil {
		d.fail(&next, "", "a second YAML document: a design file holds exactly one")
	} else if err != io.EOF {
		d.syntax(err, data)
	}
	if len(doc.Content) != 1 {
		d.failAt(1, 0, "", "empty design file; expected a mapping with version, name, stack and protocol")
	}
	root := doc.Content[0]
	d.plain(root, "", 0)
	if isNull(root) {
		d.fail(root, "", "empty design file; expected a mapping with version, name, stack and protocol")
	}
	if root.Kind != yaml.MappingNode {
		d.fail(root, "", "expected a mapping with version, name, stack and protocol, got %s", describe(root))
	}
	return root
}

// decode keeps a bug in the YAML library from crashing the caller: a design
// file is untrusted input, and the CLI must answer it with exit 2.
func decode(dec *yaml.Decoder, n *yaml.Node) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("yaml: the YAML parser failed: %v", r)
		}
	}()
	return dec.Decode(n)
}

// text refuses what is not YAML text before yaml sees it: yaml reports
// these without a line, and a binary file deserves a plainer word.
func (d *decoder) text(data []byte) {
	line, col := 1, 1
	for i := 0; i < len(data); {
		r, size := utf8.DecodeRune(data[i:])
		switch {
		case r == utf8.RuneError && size == 1:
			d.failAt(line, col, "", "invalid UTF-8 (byte 0x%02x): a design file is UTF-8 text", data[i])
		case r == 0:
			d.failAt(line, col, "", "a NUL byte: a design file is UTF-8 text, and this looks like a binary file")
		case !printable(r):
			d.failAt(line, col, "", "control character %U: YAML does not allow it", r)
		}
		i += size
		col++
		if r == '\n' {
			line, col = line+1, 1
		}
	}
}

// printable is YAML 1.2's c-printable.
func printable(r rune) bool {
	switch {
	case r == '\t' || r == '\n' || r == '\r' || r == 0x85:
		return true
	case r < 0x20 || r == 0x7f || r >= 0x80 && r < 0xa0:
		return false
	case r == 0xfffe || r == 0xffff:
		return false
	}
	return true
}

func (d *decoder) version(n *yaml.Node) {
	if v := d.anyInteger(n, "version", "1"); !slices.Contains(fileSpec.child("version").values, v) {
		d.fail(n, "version", "version %d is not supported; expected 1, the only version this ndissim reads", v)
	}
}

func (d *decoder) workload(top *object) sim.Workload {
	w := sim.DefaultWorkload
	wo := top.sub("workload")
	if wo == nil {
		return w
	}
	w.Steps = int(wo.integer("steps", int64(w.Steps)))
	if fo := wo.sub("faults"); fo != nil {
		w.AllocationFailure = fo.probability("allocation_failure", w.AllocationFailure)
		w.OIDFailure = fo.probability("oid_failure", w.OIDFailure)
		w.SendFailure = fo.probability("send_failure", w.SendFailure)
		w.Pend = fo.probability("pend", w.Pend)
	}
	return w
}
