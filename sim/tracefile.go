package sim

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"strconv"
	"strings"

	"github.com/ndissim/ndissim/rule"
)

// Version is ndissim's version, stamped into every trace file. A trace
// replays only on the version that wrote it: another version's simulator
// may draw a run's choices differently.
const Version = "0.3.0"

// TraceFile is a saved run: enough to replay it (the design's origin and
// hash, the choice stream) and to read it (the lines).
type TraceFile struct {
	Version string
	Design  string // the design's name
	// Origin is where the design is, as the trace's reader finds it: a path
	// relative to the trace's directory and inside it, "go:NAME",
	// "embedded:NAME", or "" when the design file lies outside the
	// trace's directory (replay is then told the file).
	Origin string
	Hash   string // of the design's Source
	Seed   uint64
	Rule   rule.Name
	// Moves is how many moves the run made: replay makes as many (fewer
	// if the stream ends first), then the teardown draws the rest of the
	// stream, as the run did (Engine.ReplayMoves).
	Moves  int
	Stream []uint32
	Lines  []string
	// Unshrunk says the stream is the run as drawn (the check was
	// interrupted, or asked not to shrink).
	Unshrunk bool
}

// DesignHash is the hash a trace file records of a design.
func DesignHash(d Design) string {
	sum := sha256.Sum256(d.Source)
	return "sha256:" + hex.EncodeToString(sum[:])
}

const (
	traceMagic   = "# ndissim trace v3"
	traceMagicV2 = "# ndissim trace v2"
	traceMagicV1 = "# ndissim trace v1"
	checksumKey  = "checksum: "
)

// traceFields are the header's keys, one a line, in this order, from line 2.
var traceFields = []string{"version", "design", "origin", "hash", "seed", "rule", "moves", "stream"}

// Marshal renders the trace file. Its last line is a checksum of every byte
// before it, so that a trace cut short or edited is refused, not replayed as
// something it is not.
func (t TraceFile) Marshal() []byte {
	var b bytes.Buffer
	fmt.Fprintln(&b, traceMagic)
	fmt.Fprintf(&b, "version: %s\n", t.Version)
	fmt.Fprintf(&b, "design: %s\n", strconv.Quote(t.Design))
	fmt.Fprintf(&b, "origin: %s\n", strconv.Quote(t.Origin))
	fmt.Fprintf(&b, "hash: %s\n", t.Hash)
	fmt.Fprintf(&b, "seed: %d\n", t.Seed)
	fmt.Fprintf(&b, "rule: %s\n", t.Rule)
	fmt.Fprintf(&b, "moves: %d\n", t.Moves)
	b.WriteString("stream:")
	for _, v := range t.Stream {
		b.WriteByte(' ')
		b.WriteString(strconv.FormatUint(uint64(v), 10))
	}
	b.WriteByte('\n')
	switch {
	case t.Unshrunk && len(t.Lines) == 0:
		b.WriteString("# the run as drawn, not shrunk (the check was interrupted); replay prints it step by step\n")
	case t.Unshrunk:
		b.WriteString("# the run as drawn, not shrunk, step by step (not read back; replay re-creates it):\n")
	default:
		b.WriteString("# the run, step by step (not read back; replay re-creates it):\n")
	}
	for _, l := range t.Lines {
		b.WriteString("#")
		b.WriteString(strings.NewReplacer("\r", "\\r", "\n", "\\n").Replace(l))
		b.WriteByte('\n')
	}
	sum := sha256.Sum256(b.Bytes())
	b.WriteString(checksumKey + "sha256:" + hex.EncodeToString(sum[:]) + "\n")
	return b.Bytes()
}

// TraceError is a trace file that cannot be read or used.
type TraceError struct {
	File string
	Line int
	Msg  string
}

func (e *TraceError) Error() string {
	if e.Line > 0 {
		return fmt.Sprintf("%s:%d: %s", e.File, e.Line, e.Msg)
	}
	return e.File + ": " + e.Msg
}

// MaxTraceSize bounds a trace file ndissim reads. A trace of an unshrunk
// run of MaxSteps moves takes a few MiB; the bound leaves room for that
// and keeps a wrong path from being read whole.
const MaxTraceSize = 16 << 20

// traceParser reads a trace file line by line.
type traceParser struct {
	name  string
	lines []string
	t     TraceFile
}

func (p *traceParser) fail(line int, format string, args ...any) error {
	return &TraceError{File: p.name, Line: line, Msg: fmt.Sprintf(format, args...)}
}

// ParseTrace reads a trace file written by Marshal. Every error is a
// *TraceError naming the line at fault; the checksum is checked after the
// fields, so that a damaged field is named where it is.
func ParseTrace(name string, data []byte) (TraceFile, error) {
	p := &traceParser{name: name}
	if len(data) > MaxTraceSize {
		return TraceFile{}, p.fail(0, "%d bytes is more than a trace file holds (at most %d)", len(data), MaxTraceSize)
	}
	if len(data) == 0 {
		return TraceFile{}, p.fail(0, "empty file; expected an ndissim trace")
	}
	p.lines = strings.Split(string(data), "\n")
	if err := p.magic(); err != nil {
		return TraceFile{}, err
	}
	for i, key := range traceFields {
		if err := p.field(i+2, key); err != nil {
			return TraceFile{}, err
		}
	}
	if err := p.checksum(data); err != nil {
		return TraceFile{}, err
	}
	return p.t, nil
}

// magic checks the first line, naming an older format for what it is.
func (p *traceParser) magic() error {
	switch first := strings.TrimSuffix(p.lines[0], "\r"); first {
	case traceMagic:
		return nil
	case traceMagicV1:
		return p.fail(1, "a trace in format v1, written by ndissim 0.1, which has no checksum; this ndissim (%s) reads format v3 only: run check again for a fresh trace", Version)
	case traceMagicV2:
		return p.fail(1, "a trace in format v2, written by ndissim 0.2, which does not record its run's moves; this ndissim (%s) reads format v3 only: run check again for a fresh trace", Version)
	}
	return p.fail(1, "not an ndissim trace file: expected the first line %q", traceMagic)
}

// field reads the header line n, which must hold key.
func (p *traceParser) field(n int, key string) error {
	if n > len(p.lines) || n == len(p.lines) && p.lines[n-1] == "" {
		return p.fail(n, "%s: missing; the file ends at line %d, so it is truncated", key, len(p.lines)-1)
	}
	if n == len(p.lines) {
		return p.fail(n, "%s: the line has no end; the file is truncated", key)
	}
	line := p.lines[n-1]
	val, ok := strings.CutPrefix(line, key+":")
	if !ok {
		return p.fail(n, "expected the field %q here (fields come in the order %s)", key, strings.Join(traceFields, ", "))
	}
	return p.value(n, key, strings.TrimPrefix(val, " "))
}

// value stores one field's value.
func (p *traceParser) value(n int, key, val string) error {
	switch key {
	case "version", "hash":
		if val == "" || strings.ContainsAny(val, " \t\r") {
			return p.fail(n, "%s: expected one word", key)
		}
		if key == "version" {
			p.t.Version = val
		} else {
			p.t.Hash = val
		}
	case "design", "origin":
		s, err := strconv.Unquote(val)
		if err != nil || !strings.HasPrefix(val, `"`) {
			return p.fail(n, "%s: expected a double-quoted string", key)
		}
		if key == "design" {
			p.t.Design = s
		} else {
			p.t.Origin = s
		}
	case "seed":
		s, err := strconv.ParseUint(val, 10, 64)
		if err != nil {
			return p.fail(n, "seed: expected an unsigned 64-bit integer")
		}
		p.t.Seed = s
	case "rule":
		if _, ok := rule.Lookup(rule.Name(val)); !ok {
			return p.fail(n, "rule: %q is not a rule of the catalogue", truncate(val))
		}
		p.t.Rule = rule.Name(val)
	case "moves":
		m, err := strconv.ParseUint(val, 10, 32)
		if err != nil || m > MaxSteps+1 {
			return p.fail(n, "moves: expected a number of moves from 0 to %d", MaxSteps+1)
		}
		p.t.Moves = int(m)
	case "stream":
		return p.stream(n, val)
	}
	return nil
}

func (p *traceParser) stream(n int, val string) error {
	fields := strings.Fields(val)
	p.t.Stream = make([]uint32, 0, len(fields))
	for i, f := range fields {
		v, err := strconv.ParseUint(f, 10, 32)
		if err != nil {
			return p.fail(n, "stream: choice %d is %q, expected an unsigned 32-bit integer", i+1, truncate(f))
		}
		p.t.Stream = append(p.t.Stream, uint32(v))
	}
	return nil
}

// checksum checks that the file ends with its checksum line, after comment
// lines only, and that the checksum matches everything before it.
func (p *traceParser) checksum(data []byte) error {
	last := len(p.lines) // 1-based number of the line after the final newline
	if p.lines[last-1] != "" {
		return p.fail(last, "the last line has no end; the file is truncated")
	}
	n := last - 1
	if !strings.HasPrefix(p.lines[n-1], checksumKey) {
		return p.fail(n, "the file ends without its checksum line: it is truncated or was edited")
	}
	for i := len(traceFields) + 2; i < n; i++ {
		if !strings.HasPrefix(p.lines[i-1], "#") {
			return p.fail(i, "expected a comment line (#) or the checksum; the file was edited")
		}
	}
	body := data[:len(data)-len(p.lines[n-1])-1]
	sum := sha256.Sum256(body)
	if strings.TrimPrefix(p.lines[n-1], checksumKey) != "sha256:"+hex.EncodeToString(sum[:]) {
		return p.fail(n, "checksum: does not match lines 1 to %d; the file was damaged or edited after ndissim wrote it, so it is not replayed: run check again for a fresh trace", n-1)
	}
	p.t.Unshrunk = strings.HasPrefix(p.lines[len(traceFields)+1], "# the run as drawn")
	return nil
}

// CheckVersion refuses a trace written by another version of ndissim, whose
// simulator may draw a run's choices differently: replaying it could call a
// design fixed that is not.
func (t TraceFile) CheckVersion(file string) error {
	if t.Version == Version {
		return nil
	}
	return &TraceError{File: file, Line: 2, Msg: fmt.Sprintf(
		"version: the trace was written by ndissim %q and this is ndissim %s; a trace replays only on the version that wrote it: run check again with this version",
		truncate(t.Version), Version)}
}

func truncate(s string) string {
	if len(s) > 40 {
		return s[:40] + "…"
	}
	return s
}
