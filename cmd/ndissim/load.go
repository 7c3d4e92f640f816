package main

import (
	"fmt"
	"strings"

	"github.com/ndissim/ndissim/internal/designfile"
	"github.com/ndissim/ndissim/sim"
)

// loadDesigns reads the designs a command names: files, built-in Go designs
// (--design), or the embedded default when there are neither.
func loadDesigns(files, goNames []string) ([]sim.Design, error) {
	var out []sim.Design
	for _, f := range files {
		d, err := designfile.ReadFile(f)
		if err != nil {
			return nil, inputError{err}
		}
		out = append(out, d)
	}
	for _, name := range goNames {
		g, ok := sim.Lookup(name)
		if !ok {
			return nil, inputError{fmt.Errorf("--design %s: no built-in design of that name; `ndissim designs` lists them (%s)", name, goDesignNames())}
		}
		out = append(out, g.Design())
	}
	if len(out) == 0 {
		out = append(out, designfile.Default())
	}
	return out, nil
}

// designFromOrigin finds the design a trace file was recorded on.
func designFromOrigin(origin string) (sim.Design, error) {
	switch {
	case origin == "embedded:default" || origin == designfile.DefaultFile:
		return designfile.Default(), nil
	case strings.HasPrefix(origin, "go:"):
		g, ok := sim.Lookup(strings.TrimPrefix(origin, "go:"))
		if !ok {
			return sim.Design{}, fmt.Errorf("the trace was recorded on the built-in design %q, which this ndissim does not have", strings.TrimPrefix(origin, "go:"))
		}
		return g.Design(), nil
	case strings.HasPrefix(origin, "embedded:"):
		return sim.Design{}, fmt.Errorf("the trace was recorded on the embedded design %q, which this ndissim does not have", strings.TrimPrefix(origin, "embedded:"))
	}
	return designfile.ReadFile(origin)
}

func goDesignNames() string {
	var names []string
	for _, g := range sim.GoDesigns() {
		names = append(names, g.Name)
	}
	return strings.Join(names, ", ")
}
