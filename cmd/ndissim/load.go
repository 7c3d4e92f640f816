package main

import (
	"context"
	"fmt"
	"path/filepath"
	"strings"

	"github.com/ndissim/ndissim/internal/designfile"
	"github.com/ndissim/ndissim/sim"
)

// loadDesigns reads the designs a command names: files, built-in Go designs
// (--design), or the embedded default when there are neither. A signal
// stops it at once, whatever it is reading.
func loadDesigns(ctx context.Context, files, goNames []string) ([]sim.Design, error) {
	if err := nonEmpty(files); err != nil {
		return nil, err
	}
	return interruptible(ctx, func() ([]sim.Design, error) {
		var out []sim.Design
		for _, f := range files {
			d, err := readDesign(f)
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
	})
}

// nonEmpty refuses an empty file argument by its position: an empty path
// would otherwise read as a design file that cannot be opened, named "".
func nonEmpty(files []string) error {
	for i, f := range files {
		if f == "" {
			return inputError{fmt.Errorf("argument %d is empty (\"\"); expected the path of a design file", i+1)}
		}
	}
	return nil
}

// readDesign reads a design file: a regular file only (a FIFO or a device
// would block or never end), and no more than a design file may hold.
func readDesign(path string) (sim.Design, error) {
	data, err := sim.ReadRegularFile(path, designfile.MaxFileSize)
	if err != nil {
		return sim.Design{}, &designfile.Error{File: path, Msg: "cannot read the design file: " + err.Error()}
	}
	return designfile.Parse(path, data)
}

// originLine is the line of a trace file that holds its origin.
const originLine = 4

// designOfTrace finds the design to replay a trace on: the design file the
// user names, or the one the trace's origin names. A file origin is read
// only inside the trace's directory, through sim.ReadInTree; any other
// origin is refused without reading it or repeating it, since a trace file
// may come from anyone.
func designOfTrace(tracePath string, tf sim.TraceFile, designPath string) (sim.Design, error) {
	traceErr := func(format string, args ...any) error {
		return &sim.TraceError{File: tracePath, Line: originLine, Msg: fmt.Sprintf(format, args...)}
	}
	origin := tf.Origin
	switch {
	case designPath != "":
		return readDesign(designPath)
	case origin == "embedded:default":
		return designfile.Default(), nil
	case strings.HasPrefix(origin, "go:"):
		g, ok := sim.Lookup(strings.TrimPrefix(origin, "go:"))
		if !ok {
			return sim.Design{}, traceErr("origin: the trace was recorded on a built-in design this ndissim does not have; `ndissim designs` lists those it has")
		}
		return g.Design(), nil
	case strings.HasPrefix(origin, "embedded:"):
		return sim.Design{}, traceErr("origin: the trace was recorded on an embedded design this ndissim does not have")
	case origin == "":
		return sim.Design{}, traceErr("origin: the design file was outside the trace's directory when the trace was written, so the trace does not name it; give it: ndissim replay TRACEFILE DESIGNFILE")
	case !filepath.IsLocal(filepath.FromSlash(origin)):
		return sim.Design{}, traceErr("origin: not a path inside the trace's directory, nor a built-in design; ndissim reads no design from outside the trace's directory: give the design file: ndissim replay TRACEFILE DESIGNFILE")
	}
	dir := filepath.Dir(tracePath)
	name := filepath.Join(dir, filepath.FromSlash(origin))
	data, err := sim.ReadInTree(dir, filepath.FromSlash(origin), designfile.MaxFileSize)
	if err != nil {
		return sim.Design{}, traceErr("origin: cannot read the design file %q the trace names: %v", name, err)
	}
	return designfile.Parse(name, data)
}

func goDesignNames() string {
	var names []string
	for _, g := range sim.GoDesigns() {
		names = append(names, g.Name)
	}
	return strings.Join(names, ", ")
}
