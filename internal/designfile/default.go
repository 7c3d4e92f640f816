package designfile

import (
	_ "embed"

	"github.com/ndissim/ndissim/sim"
)

// DefaultYAML is the default design: a correct configurable protocol on a
// miniport with two filters, and a third filter inserted mid-run.
//
//go:embed default.yaml
var DefaultYAML []byte

// DefaultFile is what errors in, and Design.File of, the default design say.
const DefaultFile = "(embedded default)"

// Default is the design `ndissim check` runs without a file.
func Default() sim.Design {
	d, err := Parse(DefaultFile, DefaultYAML)
	if err != nil {
		panic("designfile: the embedded default design is broken: " + err.Error())
	}
	return d
}
