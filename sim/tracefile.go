package sim

import (
	"bufio"
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"strconv"
	"strings"

	"github.com/ndissim/ndissim/internal/rule"
)

// Version is ndissim's version, stamped into every trace file.
const Version = "0.1.0"

// TraceFile is a saved run: enough to replay it (the design's origin and
// hash, the choice stream) and to read it (the lines).
type TraceFile struct {
	Version string
	Design  string // the design's name
	Origin  string // the design file's path, "embedded:default" or "go:NAME"
	Hash    string // of the design's Source
	Seed    uint64
	Rule    rule.Name
	Stream  []uint32
	Lines   []string
}

// DesignHash is the hash a trace file records of a design.
func DesignHash(d Design) string {
	sum := sha256.Sum256(d.Source)
	return "sha256:" + hex.EncodeToString(sum[:])
}

const traceMagic = "# ndissim trace v1"

// Marshal renders the trace file.
func (t TraceFile) Marshal() []byte {
	var b bytes.Buffer
	fmt.Fprintln(&b, traceMagic)
	fmt.Fprintf(&b, "version: %s\n", t.Version)
	fmt.Fprintf(&b, "design: %s\n", t.Design)
	fmt.Fprintf(&b, "origin: %s\n", t.Origin)
	fmt.Fprintf(&b, "hash: %s\n", t.Hash)
	fmt.Fprintf(&b, "seed: %d\n", t.Seed)
	fmt.Fprintf(&b, "rule: %s\n", t.Rule)
	b.WriteString("stream:")
	for _, v := range t.Stream {
		b.WriteByte(' ')
		b.WriteString(strconv.FormatUint(uint64(v), 10))
	}
	b.WriteString("\n# the run, step by step (not read back; replay re-creates it):\n")
	for _, l := range t.Lines {
		b.WriteString("#")
		b.WriteString(l)
		b.WriteByte('\n')
	}
	return b.Bytes()
}

// TraceError is a trace file that cannot be read.
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

// MaxTraceSize bounds a trace file ndissim reads.
const MaxTraceSize = 16 << 20

// ParseTrace reads a trace file written by Marshal.
func ParseTrace(name string, data []byte) (TraceFile, error) {
	var t TraceFile
	fail := func(line int, format string, args ...any) (TraceFile, error) {
		return TraceFile{}, &TraceError{File: name, Line: line, Msg: fmt.Sprintf(format, args...)}
	}
	if len(data) > MaxTraceSize {
		return fail(0, "%d bytes is more than a trace file holds (at most %d)", len(data), MaxTraceSize)
	}
	sc := bufio.NewScanner(bytes.NewReader(data))
	sc.Buffer(make([]byte, 0, 64<<10), MaxTraceSize)
	seen := map[string]bool{}
	n := 0
	for sc.Scan() {
		n++
		line := sc.Text()
		if n == 1 {
			if line != traceMagic {
				return fail(1, "not an ndissim trace file: expected the first line %q", traceMagic)
			}
			continue
		}
		if strings.HasPrefix(line, "#") || strings.TrimSpace(line) == "" {
			continue
		}
		key, val, ok := strings.Cut(line, ":")
		if !ok {
			return fail(n, "expected \"key: value\", found %q", truncate(line))
		}
		val = strings.TrimSpace(val)
		if seen[key] {
			return fail(n, "%s: given twice", key)
		}
		seen[key] = true
		switch key {
		case "version":
			t.Version = val
		case "design":
			t.Design = val
		case "origin":
			t.Origin = val
		case "hash":
			t.Hash = val
		case "seed":
			s, err := strconv.ParseUint(val, 10, 64)
			if err != nil {
				return fail(n, "seed: expected an unsigned integer, found %q", truncate(val))
			}
			t.Seed = s
		case "rule":
			if _, ok := rule.Lookup(rule.Name(val)); !ok {
				return fail(n, "rule: %q is not a rule of the catalogue", truncate(val))
			}
			t.Rule = rule.Name(val)
		case "stream":
			for i, f := range strings.Fields(val) {
				v, err := strconv.ParseUint(f, 10, 32)
				if err != nil {
					return fail(n, "stream: choice %d is %q, expected an unsigned 32-bit integer", i+1, truncate(f))
				}
				t.Stream = append(t.Stream, uint32(v))
			}
		default:
			return fail(n, "unknown field %q; expected version, design, origin, hash, seed, rule or stream", truncate(key))
		}
	}
	if err := sc.Err(); err != nil {
		return fail(n+1, "cannot read: %v", err)
	}
	if n == 0 {
		return fail(0, "empty file; expected an ndissim trace")
	}
	for _, k := range []string{"version", "design", "origin", "hash", "rule", "stream"} {
		if !seen[k] {
			return fail(0, "%s: missing; the trace file is truncated or edited", k)
		}
	}
	return t, nil
}

func truncate(s string) string {
	if len(s) > 40 {
		return s[:40] + "…"
	}
	return s
}
