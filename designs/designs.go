// Package designs loads design files (docs/design-files.md) as sim.Design
// values, for Go code that checks a design written in YAML: a test that
// hands it to properties.Check, or a tool of its own built on sim.Check.
//
//	func TestMyProtocol(t *testing.T) {
//		d, err := designs.Load("testdata/my-protocol.yaml")
//		if err != nil {
//			t.Fatal(err)
//		}
//		properties.Check(t, d, properties.Options{Runs: 2000})
//	}
//
// A design file is read exactly as `ndissim check FILE` reads it: the
// same parser, the same errors, the same built-in Go designs for
// `protocol: {go: NAME}`.
package designs

import (
	"errors"

	"github.com/ndissim/ndissim/internal/designfile"
	"github.com/ndissim/ndissim/sim"
)

// Error is a design file that does not describe a design: its File, Line,
// Column (where known), the Field as the YAML spells it, and Msg, what was
// expected. Every error Load and Parse return is an *Error.
type Error struct {
	File         string
	Line, Column int
	Field        string // the YAML path: "stack.filters[1].data_backfill"
	Msg          string
}

// Error reads as the command prints it: "FILE:LINE:COL: FIELD: message".
func (e *Error) Error() string { return e.internal().Error() }

func (e *Error) internal() *designfile.Error {
	return &designfile.Error{File: e.File, Line: e.Line, Column: e.Column, Field: e.Field, Msg: e.Msg}
}

// public turns the parser's error into the package's own.
func public(d sim.Design, err error) (sim.Design, error) {
	var de *designfile.Error
	if errors.As(err, &de) {
		return d, &Error{File: de.File, Line: de.Line, Column: de.Column, Field: de.Field, Msg: de.Msg}
	}
	return d, err
}

// MaxFileSize is the largest design file Load reads (1 MiB).
const MaxFileSize = designfile.MaxFileSize

// Load reads and parses the design file at path.
func Load(path string) (sim.Design, error) { return public(designfile.ReadFile(path)) }

// Parse parses a design file's contents; name is what errors and reports
// call the file (Design.File).
func Parse(name string, data []byte) (sim.Design, error) { return public(designfile.Parse(name, data)) }

// Default is the design `ndissim check` runs without a file: a correct
// configurable protocol on a miniport with two filters, and a third
// filter inserted mid-run.
func Default() sim.Design { return designfile.Default() }
