package properties

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"

	"github.com/ndissim/ndissim/sim"
)

// maxReportLines bounds the trace lines a failure message prints; the trace
// file has them all.
const maxReportLines = 400

// report shrinks f, replays the shrunk run with a trace, saves it and fails
// the test with everything needed to read and reproduce it.
func (c *checker) report(e *sim.Engine, f *failure) {
	c.t.Helper()
	// The file's directory and the file itself are made while the run is
	// shrunk: on a busy disk that is the slow part of saving it.
	path := c.path(f)
	w := sim.StartWrite(path)
	defer w.Abort() // on a panic; nothing once committed
	stream, minimal := c.shrink(e, f)
	shrunk := e.Replay(stream, true)
	if !c.same(shrunk, f) { // cannot happen: shrinking keeps only failing streams
		stream, minimal = f.stream, false
		shrunk = e.ReplayMoves(stream, f.steps, true) // the run as drawn
	}
	f = c.restate(shrunk, f)
	err := c.save(w, f, stream, shrunk.Steps, shrunk.Lines)
	var b strings.Builder
	fmt.Fprintf(&b, "ndissim: design %q %s with seed %d (run %d):\n    %s\n", c.d.Name, f.what(), f.seed, f.run, f.msg)
	shrinkNote := "shrunk, not to a fixpoint: the shrink budget ran out"
	if minimal {
		shrinkNote = "shrunk: no single choice can be removed or lowered"
	}
	fmt.Fprintf(&b, "trace (%d moves, from %d; %s):\n", shrunk.Steps, f.steps, shrinkNote)
	writeLines(&b, shrunk.Lines)
	c.finish(&b, f.seed, path, err)
}

// what names what broke: the rule, and the invariant that restates it.
func (f *failure) what() string {
	switch {
	case f.inv == "":
		return fmt.Sprintf("drew a %s finding of rule %s (fails with Strict)", f.severity, f.rule)
	case f.byRule:
		return fmt.Sprintf("broke rule %s (%s), invariant %s,", f.rule, f.severity, f.inv)
	}
	return fmt.Sprintf("failed the simulator self-check of invariant %s (%s: a bug in ndissim, not in the design)", f.inv, SelfCheck)
}

func writeLines(b *strings.Builder, lines []string) {
	for i, l := range lines {
		if i == maxReportLines {
			fmt.Fprintf(b, "    ... %d more lines in the trace file\n", len(lines)-i)
			break
		}
		b.WriteString("    ")
		b.WriteString(strings.TrimLeft(l, " "))
		b.WriteByte('\n')
	}
}

// finish adds where the trace is and how to reproduce it, and fails t.
func (c *checker) finish(b *strings.Builder, seed uint64, path string, saveErr error) {
	c.t.Helper()
	switch {
	case saveErr != nil:
		fmt.Fprintf(b, "trace file: not saved: %v\n", saveErr)
	default:
		fmt.Fprintf(b, "trace file: %s\n", path)
	}
	fmt.Fprintf(b, "reproduce:\n    go test -run '%s' -%s=%d -%s=1\n", runPattern(c.t.Name()), SeedFlag, seed, RunsFlag)
	if saveErr == nil && cliLoadable(c.d) {
		fmt.Fprintf(b, "    ndissim replay %s\n", path)
	}
	c.t.Fatalf("%s", strings.TrimRight(b.String(), "\n"))
}

// path is where the trace file of f goes: its seed and rule name it, and
// shrinking keeps both.
func (c *checker) path(f *failure) string {
	return filepath.Join(c.dir, fmt.Sprintf("%s-%d-%s.trace", safeName(c.d.Name), f.seed, f.rule))
}

// save commits the trace file of f, started at c.path(f). It does not
// fsync: the file is a failing test's by-product, made again by running
// the test, and replaySaved skips (with a message) a file torn by a crash
// of the whole system; a killed test still leaves the old file or the new,
// never a part of one. An fsync would cost every failure milliseconds on a
// busy disk.
func (c *checker) save(w *sim.PendingWrite, f *failure, stream []uint32, moves int, lines []string) error {
	tf := sim.TraceFile{
		Version: sim.Version, Design: c.d.Name, Origin: sim.Origin(c.d), Hash: sim.DesignHash(c.d),
		Seed: f.seed, Rule: f.rule, Moves: moves, Stream: stream, Lines: lines,
	}
	return w.Commit(tf.Marshal())
}

// replaySaved replays every trace saved in the check's directory for this
// design, oldest name first, and fails t on the first that still fails. It
// reports whether it failed t.
func (c *checker) replaySaved() bool {
	c.t.Helper()
	entries, err := os.ReadDir(c.dir)
	if err != nil {
		return false // no directory: nothing saved yet
	}
	names := make([]string, 0, len(entries))
	for _, ent := range entries {
		if !ent.IsDir() && strings.HasSuffix(ent.Name(), ".trace") {
			names = append(names, ent.Name())
		}
	}
	slices.Sort(names)
	var e *sim.Engine
	for _, name := range names {
		path := filepath.Join(c.dir, name)
		data, err := os.ReadFile(path)
		if err != nil {
			c.t.Logf("ndissim: cannot read saved trace %s: %v", path, err)
			continue
		}
		tf, err := sim.ParseTrace(path, data)
		if err != nil {
			c.t.Logf("ndissim: skipping saved trace: %v", err)
			continue
		}
		if tf.Design != c.d.Name {
			continue
		}
		if e == nil {
			e = newEngine(c.d)
		}
		res := e.ReplayMoves(tf.Stream, tf.Moves, true)
		f := c.judge(res)
		if f == nil {
			c.t.Logf("ndissim: saved trace %s no longer fails (%s); delete it once the fix is in", path, tf.Rule)
			continue
		}
		changed := ""
		if tf.Hash != sim.DesignHash(c.d) {
			changed = " (the design has changed since it was saved)"
		}
		f.seed = tf.Seed
		var b strings.Builder
		fmt.Fprintf(&b, "ndissim: design %q still fails the saved trace %s%s: it %s\n    %s\n",
			c.d.Name, path, changed, f.what(), f.msg)
		fmt.Fprintf(&b, "trace (%d moves):\n", res.Steps)
		writeLines(&b, res.Lines)
		c.finish(&b, tf.Seed, path, nil)
		return true
	}
	return false
}

// defaultFailDir is testdata/ndissim-failures/<TestName>, subtests nested.
func defaultFailDir(testName string) string {
	parts := strings.Split(testName, "/")
	for i, p := range parts {
		parts[i] = safeName(p)
	}
	return filepath.Join(append([]string{"testdata", "ndissim-failures"}, parts...)...)
}

// safeName keeps a name usable as one path element on every system.
func safeName(s string) string {
	out := []byte(s)
	for i, ch := range out {
		ok := ch == '-' || ch == '_' || ch == '.' || ch == '=' || ch == '+' || ch == '#' ||
			'0' <= ch && ch <= '9' || 'a' <= ch && ch <= 'z' || 'A' <= ch && ch <= 'Z'
		if !ok {
			out[i] = '_'
		}
	}
	r := string(out)
	if r == "" || r == "." || r == ".." {
		r = strings.Repeat("_", max(len(r), 1))
	}
	return r
}

// runPattern is the -run pattern that selects exactly the test (or
// subtest) named name.
func runPattern(name string) string {
	parts := strings.Split(name, "/")
	for i, p := range parts {
		parts[i] = "^" + strings.ReplaceAll(regexp.QuoteMeta(p), "'", ".") + "$"
	}
	return strings.Join(parts, "/")
}

// cliLoadable reports whether `ndissim replay` can load the design a trace
// of d names: a registered Go design as it is registered, or a design file
// on disk.
func cliLoadable(d sim.Design) bool {
	origin := sim.Origin(d)
	switch {
	case strings.HasPrefix(origin, "go:"):
		g, ok := sim.Lookup(strings.TrimPrefix(origin, "go:"))
		return ok && sim.DesignHash(g.Design()) == sim.DesignHash(d)
	case d.File != "" && origin == d.File:
		_, err := os.Stat(d.File)
		return err == nil
	}
	return false
}
