package sim_test

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/ndissim/ndissim/rule"
	"github.com/ndissim/ndissim/sim"
)

func TestTraceFileRoundTrip(t *testing.T) {
	for _, origin := range []string{"designs/d.yaml", "", "go:ndisprot", " lead\nnew line.yaml"} {
		tf := sim.TraceFile{Version: sim.Version, Design: "d", Origin: origin, Hash: "sha256:00", Seed: 9,
			Rule: rule.DoubleFree, Moves: 3, Stream: []uint32{1, 2, 300}, Lines: []string{"    1  NDIS  state Opening", "two\nlines"}}
		got, err := sim.ParseTrace("t.trace", tf.Marshal())
		require.NoError(t, err)
		tf.Lines = nil
		require.Equal(t, tf, got)
	}
	tf := sim.TraceFile{Version: sim.Version, Design: "d", Rule: rule.DoubleFree, Hash: "h", Unshrunk: true}
	got, err := sim.ParseTrace("t.trace", tf.Marshal())
	require.NoError(t, err)
	require.True(t, got.Unshrunk)
	require.Empty(t, got.Stream)
}

// Every damaged or edited trace is refused with the line at fault: none
// reads as a trace that no longer reproduces.
func TestTraceFileErrorsNameTheLine(t *testing.T) {
	good := sim.TraceFile{Version: sim.Version, Design: "d", Origin: "o", Hash: "h", Rule: rule.DoubleFree,
		Moves: 5, Stream: []uint32{1, 22, 3}, Lines: []string{"  1  x"}}.Marshal()
	at := func(s string) int { return bytes.Index(good, []byte(s)) }
	swap := func(old, new string) []byte { return bytes.Replace(good, []byte(old), []byte(new), 1) }
	last := bytes.Count(good, []byte("\n"))
	cases := []struct {
		name string
		data []byte
		line int
		msg  string
	}{
		{"empty", nil, 0, "empty file"},
		{"not a trace", []byte("hello\n"), 1, "not an ndissim trace"},
		{"format v1", []byte("# ndissim trace v1\nversion: 0.1.0\n"), 1, "format v1"},
		{"format v2", []byte("# ndissim trace v2\nversion: 0.2.0\n"), 1, "format v2"},
		{"moves not a number", swap("moves: 5", "moves: five"), 8, "moves: expected a number"},
		{"moves missing", swap("moves: 5\n", ""), 8, `expected the field "moves"`},
		{"cut before rule", good[:at("rule:")], 7, "rule: missing"},
		{"cut inside stream", good[:at("22")+1], 9, "truncated"},
		{"cut after stream", good[:at("# the run")], 9, "without its checksum"},
		{"cut inside checksum", good[:len(good)-5], last, "truncated"},
		{"emptied stream", swap("stream: 1 22 3", "stream:"), last, "checksum: does not match"},
		{"swapped rule", swap("DoubleFree", "DoubleFreeNbl"), 7, "not a rule"},
		{"other rule", swap("rule: DoubleFree", "rule: "+string(rule.PauseWithOutstanding)), last, "damaged or edited"},
		{"edited comment", swap("  1  x", "  1  y"), last, "checksum"},
		{"bad choice", swap("stream: 1", "stream: 1 x"), 9, "choice 2"},
		{"huge choice", swap("stream: 1", "stream: 99999999999"), 9, "32-bit"},
		{"unquoted origin", swap(`origin: "o"`, "origin: o"), 4, "double-quoted"},
		{"fields out of order", swap("seed:", "sead:"), 6, `expected the field "seed"`},
		{"a field added", swap("# the run", "colour: red\n# the run"), 10, "expected a comment line"},
		{"no final newline", good[:len(good)-1], last, "no end"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := sim.ParseTrace("x.trace", c.data)
			var te *sim.TraceError
			require.True(t, errors.As(err, &te), "%v", err)
			require.Equal(t, c.line, te.Line, "%v", err)
			require.Contains(t, te.Error(), c.msg)
			require.Contains(t, te.Error(), "x.trace")
		})
	}
}

func TestTraceFromAnotherVersionIsRefused(t *testing.T) {
	tf := sim.TraceFile{Version: "0.1.9", Design: "d", Hash: "h", Rule: rule.DoubleFree}
	got, err := sim.ParseTrace("x.trace", tf.Marshal())
	require.NoError(t, err)
	err = got.CheckVersion("x.trace")
	require.ErrorContains(t, err, "x.trace:2: version")
	require.ErrorContains(t, err, "0.1.9")
	require.NoError(t, sim.TraceFile{Version: sim.Version}.CheckVersion("x"))
}

// Only regular files are read, and no more of them than the limit.
func TestReadRegularFileRefusesOtherFiles(t *testing.T) {
	dir := t.TempDir()
	fifo := filepath.Join(dir, "fifo")
	require.NoError(t, syscall.Mkfifo(fifo, 0o600))
	big := filepath.Join(dir, "big")
	require.NoError(t, os.WriteFile(big, make([]byte, 101), 0o600))
	for path, want := range map[string]string{
		fifo: "named pipe", dir: "a directory", "/dev/zero": "a device", big: "larger than 100",
		"": "empty path", filepath.Join(dir, "none"): "cannot open",
	} {
		done := make(chan error, 1)
		go func() { _, err := sim.ReadRegularFile(path, 100); done <- err }()
		select {
		case err := <-done:
			require.ErrorContains(t, err, want, path)
			var fe *sim.FileError
			require.ErrorAs(t, err, &fe)
		case <-time.After(10 * time.Second):
			t.Fatalf("%s: reading did not return", path)
		}
	}
	_, err := sim.ReadTrace(fifo)
	require.ErrorContains(t, err, "fifo: cannot read the trace file: a named pipe (FIFO), not a regular file")
}

// ReadInTree reads nothing outside the directory, through ".." or through
// a symbolic link.
func TestReadInTreeStaysInside(t *testing.T) {
	top := t.TempDir()
	dir := filepath.Join(top, "traces")
	require.NoError(t, os.MkdirAll(filepath.Join(dir, "sub"), 0o755))
	require.NoError(t, os.WriteFile(filepath.Join(top, "secret"), []byte("s"), 0o600))
	require.NoError(t, os.WriteFile(filepath.Join(dir, "sub", "d.yaml"), []byte("ok"), 0o600))
	require.NoError(t, os.Symlink(filepath.Join(top, "secret"), filepath.Join(dir, "link")))
	data, err := sim.ReadInTree(dir, "sub/d.yaml", 10)
	require.NoError(t, err)
	require.Equal(t, "ok", string(data))
	for _, rel := range []string{"../secret", "/etc/passwd", "link", "sub/../../secret", ""} {
		_, err := sim.ReadInTree(dir, rel, 10)
		require.Error(t, err, rel)
	}
}

func TestTraceOriginIsInsideTheTraceDirectoryOrNothing(t *testing.T) {
	d := sim.Design{Name: "d", File: "designs/d.yaml"}
	o, ext := sim.TraceOrigin(d, "designs")
	require.Equal(t, "d.yaml", o)
	require.False(t, ext)
	o, ext = sim.TraceOrigin(d, "designs/traces")
	require.Equal(t, "", o)
	require.True(t, ext)
	o, ext = sim.TraceOrigin(sim.Design{Name: "g", Protocol: "ndisprot"}, "x")
	require.Equal(t, "go:ndisprot", o)
	require.False(t, ext)
}

func TestWriteFileAtomicFollowsTheUmask(t *testing.T) {
	old := syscall.Umask(0o027)
	defer syscall.Umask(old)
	p := filepath.Join(t.TempDir(), "new", "f.trace")
	require.NoError(t, sim.WriteFileAtomic(p, []byte("x")))
	st, err := os.Stat(p)
	require.NoError(t, err)
	require.Equal(t, os.FileMode(0o640), st.Mode().Perm())
	st, err = os.Stat(filepath.Dir(p))
	require.NoError(t, err)
	require.Equal(t, os.FileMode(0o750), st.Mode().Perm())
}

func TestRemoveStaleTemp(t *testing.T) {
	dir := t.TempDir()
	old, fresh, other := filepath.Join(dir, ".ndissim-1.tmp"), filepath.Join(dir, ".ndissim-2.tmp"), filepath.Join(dir, "x.tmp")
	for _, p := range []string{old, fresh, other} {
		require.NoError(t, os.WriteFile(p, nil, 0o600))
	}
	now := time.Now()
	require.NoError(t, os.Chtimes(old, now.Add(-2*sim.StaleTempAge), now.Add(-2*sim.StaleTempAge)))
	require.Equal(t, 1, sim.RemoveStaleTemp(dir, now))
	require.NoFileExists(t, old)
	require.FileExists(t, fresh, "a write in progress elsewhere is left alone")
	require.FileExists(t, other)
}

func TestShellCommandPastesAsIs(t *testing.T) {
	for args, want := range map[string]string{
		"ndissim replay t/a-1-X.trace":     "ndissim replay t/a-1-X.trace",
		"ndissim replay -a.trace":          "ndissim replay -- -a.trace",
		"ndissim replay t/it's here.trace": `ndissim replay 't/it'\''s here.trace'`,
	} {
		require.Equal(t, want, sim.ShellCommand(strings.SplitN(args, " ", 3)...))
	}
	require.Equal(t, "ndissim replay 'a\nb' ' d.yaml'", sim.ShellCommand("ndissim", "replay", "a\nb", " d.yaml"))
}
