package main

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/ndissim/ndissim/sim"
)

// ndissimCtx is ndissim with a context that a test ends.
func ndissimCtx(t *testing.T, ctx context.Context, args ...string) (int, string, string) {
	t.Helper()
	var out, errb bytes.Buffer
	code := run(ctx, args, &out, &errb)
	return code, out.String(), errb.String()
}

// Every flag is bounded, and checked before anything runs.
func TestFlagBoundsAreCheckedBeforeAnythingRuns(t *testing.T) {
	out := filepath.Join(t.TempDir(), "never")
	cases := []struct {
		args []string
		flag string
	}{
		{[]string{"check", "--workers", "9223372036854775807"}, "--workers"},
		{[]string{"check", "--workers", "1000000"}, "--workers"},
		{[]string{"check", "--workers", "-1"}, "--workers"},
		{[]string{"check", "--steps", "1000000000"}, "--steps"},
		{[]string{"check", "--steps", "100001"}, "--steps"},
		{[]string{"check", "--runs", "0"}, "--runs"},
		{[]string{"check", "--runs", "1000000001"}, "--runs"},
		{[]string{"check", "--verify", "-1"}, "--verify"},
		{[]string{"check", "--verify", "100001"}, "--verify"},
		{[]string{"check", "--seed", "18446744073709551615", "--runs", "2"}, "--seed"},
		{[]string{"check", "--seed", "-1"}, "--seed"},
		{[]string{"run", "--steps", "1000000000"}, "--steps"},
		{[]string{"run", "--steps", "-1"}, "--steps"},
	}
	for _, c := range cases {
		start := time.Now()
		args := c.args
		if args[0] == "check" {
			args = append(args, "--out", out)
		}
		code, _, errs := ndissim(t, args...)
		require.Equal(t, exitInput, code, c.args)
		require.Contains(t, errs, c.flag, c.args)
		require.Less(t, time.Since(start), 5*time.Second, "nothing ran")
		require.NoDirExists(t, out, "nothing ran")
	}
	code, _, errs := ndissim(t, "check", "--workers", "1000000")
	require.Equal(t, exitInput, code)
	require.Contains(t, errs, "expected 0 (one per CPU, at most 64) to 64")
	code, out2, _ := ndissim(t, "check", "--seed", "18446744073709551615", "--runs", "1", "--steps", "3", "--out", t.TempDir())
	require.Equal(t, exitOK, code, out2)
}

// Designs and traces are read only from regular files: a FIFO, a device or
// a directory is refused at once, and an empty argument is named.
func TestNonRegularFilesAreRefusedAtOnce(t *testing.T) {
	dir := t.TempDir()
	fifo := filepath.Join(dir, "design.fifo")
	require.NoError(t, syscall.Mkfifo(fifo, 0o600))
	cases := []struct {
		args []string
		want string
	}{
		{[]string{"check", fifo, "--out", dir}, "named pipe (FIFO), not a regular file"},
		{[]string{"run", fifo}, "named pipe"},
		{[]string{"validate", fifo}, "named pipe"},
		{[]string{"replay", fifo}, "named pipe"},
		{[]string{"replay", "/dev/zero"}, "a device, not a regular file"},
		{[]string{"check", dir, "--out", dir}, "a directory, not a regular file"},
		{[]string{"replay", dir}, "a directory"},
		{[]string{"check", "", "--out", dir}, "argument 1 is empty"},
		{[]string{"validate", "x.yaml", ""}, "argument 2 is empty"},
		{[]string{"replay", ""}, "argument 1 is empty"},
	}
	for _, c := range cases {
		done := make(chan struct{})
		go func() {
			defer close(done)
			code, _, errs := ndissim(t, c.args...)
			require.Equal(t, exitInput, code, c.args)
			require.Contains(t, errs, c.want, c.args)
		}()
		select {
		case <-done:
		case <-time.After(10 * time.Second):
			t.Fatalf("%v did not return", c.args)
		}
	}
}

// A trace cut short, emptied, edited or from another version is refused,
// never replayed as "not reproduced".
func TestDamagedTracesAreRefused(t *testing.T) {
	dir := t.TempDir()
	f := filepath.Join(dir, "short.yaml")
	require.NoError(t, os.WriteFile(f, []byte(shortDesign), 0o644))
	trace := firstTrace(t, f, dir)
	good, err := os.ReadFile(trace)
	require.NoError(t, err)
	stream := bytes.Index(good, []byte("stream: ")) + len("stream: ")
	lines := bytes.Count(good, []byte("\n"))
	edit := func(s string, old, new string) []byte { return bytes.Replace([]byte(s), []byte(old), []byte(new), 1) }
	streamLine := string(good[stream-len("stream: ") : stream+bytes.IndexByte(good[stream:], '\n')])
	ruleLine := string(good[bytes.Index(good, []byte("rule: ")):][:bytes.IndexByte(good[bytes.Index(good, []byte("rule: ")):], '\n')])
	other := sim.TraceFile{Version: "0.1.9", Design: "short", Origin: "short.yaml", Hash: "h", Rule: "DoubleFree"}.Marshal()
	cases := map[string]struct {
		data []byte
		want string
	}{
		"cut inside stream": {good[:stream+1], ":9: stream: the line has no end"},
		"emptied stream":    {edit(string(good), streamLine, "stream:"), ":" + strconv.Itoa(lines) + ": checksum: does not match"},
		"swapped rule":      {edit(string(good), ruleLine, "rule: DoubleFree"), ":" + strconv.Itoa(lines) + ": checksum"},
		"other version":     {other, ":2: version"},
		"format v1":         {[]byte("# ndissim trace v1\nversion: 0.1.0\n"), ":1: a trace in format v1"},
		"format v2":         {[]byte("# ndissim trace v2\nversion: 0.2.0\n"), ":1: a trace in format v2"},
	}
	for name, c := range cases {
		p := filepath.Join(dir, "damaged.trace")
		require.NoError(t, os.WriteFile(p, c.data, 0o644))
		code, out, errs := ndissim(t, "replay", p)
		require.Equal(t, exitInput, code, name)
		require.Contains(t, errs, "damaged.trace"+c.want, name)
		require.NotContains(t, out, "not reproduced", name)
	}
	code, _, _ := ndissim(t, "replay", trace)
	require.Equal(t, exitFindings, code, "the trace itself is sound")
}

// firstTrace checks the design file f under --strict, saving traces in out,
// and returns the first finding's trace.
func firstTrace(t *testing.T, f, out string) string {
	t.Helper()
	code, js, errs := ndissim(t, "check", f, "--json", "--strict", "--runs", "50", "--out", out)
	require.Equal(t, exitFindings, code, errs)
	var rep jsonReport
	require.NoError(t, json.Unmarshal([]byte(js), &rep))
	return rep.Designs[0].Findings[0].Trace
}

// A trace's origin is read only inside the trace's directory; anything else
// is refused without reading the file or repeating what the trace says.
func TestOriginOutsideTheTraceDirectoryIsNeitherReadNorEchoed(t *testing.T) {
	top := t.TempDir()
	dir := filepath.Join(top, "traces")
	require.NoError(t, os.Mkdir(dir, 0o755))
	secret := filepath.Join(top, "secret.yaml")
	require.NoError(t, os.WriteFile(secret, []byte("SECRET-FIRST-LINE: x\n"), 0o600))
	require.NoError(t, os.Symlink(secret, filepath.Join(dir, "link.yaml")))
	for _, origin := range []string{"/etc/shadow", "../secret.yaml", "../..", "/dev/zero", "link.yaml", "sub/../../secret.yaml", "embedded:other"} {
		tf := sim.TraceFile{Version: sim.Version, Design: "d", Origin: origin, Hash: "h", Rule: "DoubleFree"}
		p := filepath.Join(dir, "x.trace")
		require.NoError(t, os.WriteFile(p, tf.Marshal(), 0o644))
		done := make(chan struct{})
		go func() {
			defer close(done)
			code, out, errs := ndissim(t, "replay", p)
			require.Equal(t, exitInput, code, origin)
			require.Contains(t, errs, "x.trace:4: origin", origin)
			require.NotContains(t, out+errs, "SECRET", origin)
			if origin != "link.yaml" {
				require.NotContains(t, out+errs, origin, "the origin is not repeated")
			}
		}()
		select {
		case <-done:
		case <-time.After(10 * time.Second):
			t.Fatalf("origin %s: replay did not return", origin)
		}
	}
}

// Replay confirms a fix: from any directory, the recorded moves on the
// design as it is now either still break the rule (1) or no longer do (0).
func TestReplayConfirmsAFixFromAnyDirectory(t *testing.T) {
	top := t.TempDir()
	proj := filepath.Join(top, "proj")
	require.NoError(t, os.MkdirAll(filepath.Join(proj, "designs"), 0o755))
	require.NoError(t, os.WriteFile(filepath.Join(proj, "designs", "short.yaml"), []byte(shortDesign), 0o644))
	t.Chdir(proj)
	trace := firstTrace(t, "designs/short.yaml", ".")
	require.False(t, filepath.IsAbs(trace))
	abs, err := filepath.Abs(trace)
	require.NoError(t, err)
	tf, err := sim.ReadTrace(trace)
	require.NoError(t, err)
	require.Equal(t, "designs/short.yaml", tf.Origin)

	t.Chdir(top)
	code, out, _ := ndissim(t, "replay", abs)
	require.Equal(t, exitFindings, code, out)
	require.Contains(t, out, "reproduced: ")

	// A comment changes the design's bytes but not the bug.
	design := filepath.Join(proj, "designs", "short.yaml")
	require.NoError(t, os.WriteFile(design, []byte("# a comment\n"+shortDesign), 0o644))
	code, out, _ = ndissim(t, "replay", abs)
	require.Equal(t, exitFindings, code, out)
	require.Contains(t, out, "has changed since this trace was recorded")
	require.Contains(t, out, "still broken")

	require.NoError(t, os.WriteFile(design, []byte(strings.Replace(shortDesign, "rebuild: never", "rebuild: when-grown", 1)), 0o644))
	code, out, _ = ndissim(t, "replay", abs)
	require.Equal(t, exitOK, code, out)
	require.Contains(t, out, "fixed on these moves")
}

// --out is checked before the check runs.
func TestOutIsCheckedBeforeTheCheck(t *testing.T) {
	file := writeFile(t, "file", "x")
	for _, out := range []string{file, filepath.Join(file, "sub"), "/proc/ndissim-traces", ""} {
		start := time.Now()
		code, stdout, errs := ndissim(t, "check", "--runs", "1000000", "--out", out)
		require.Equal(t, exitInput, code, out)
		require.Contains(t, errs, "--out", out)
		require.Empty(t, stdout)
		require.Less(t, time.Since(start), 5*time.Second, "refused before running")
	}
}

// A trace that cannot be written still leaves the report, with the reason,
// and the exit code of the findings.
func TestTraceWriteFailureStillPrintsTheReport(t *testing.T) {
	dir := t.TempDir()
	f := writeFile(t, "short.yaml", shortDesign)
	trace := firstTrace(t, f, dir)
	require.NoError(t, os.Remove(trace))
	require.NoError(t, os.Mkdir(trace, 0o755))
	code, out, _ := ndissim(t, "check", f, "--strict", "--runs", "50", "--out", dir)
	require.Equal(t, exitFindings, code)
	require.Contains(t, out, "FAIL: short")
	require.Contains(t, out, "trace: NOT SAVED: ")
	code, out, _ = ndissim(t, "check", f, "--strict", "--json", "--runs", "50", "--out", dir)
	require.Equal(t, exitFindings, code)
	var rep jsonReport
	require.NoError(t, json.Unmarshal([]byte(out), &rep))
	require.NotEmpty(t, rep.Designs[0].Findings[0].TraceError)
	code, _, _ = ndissim(t, "check", f, "--runs", "50", "--out", dir)
	require.Equal(t, exitOK, code, "warnings count only with --strict, saved or not")
}

// Two design files of one name, checked together, keep their own traces.
func TestTwoFilesOfOneNameKeepTheirTraces(t *testing.T) {
	out := t.TempDir()
	a, b := writeFile(t, "short.yaml", shortDesign), writeFile(t, "short.yaml", shortDesign)
	code, js, _ := ndissim(t, "check", a, b, "--json", "--strict", "--runs", "50", "--out", out)
	require.Equal(t, exitFindings, code)
	var rep jsonReport
	require.NoError(t, json.Unmarshal([]byte(js), &rep))
	require.Len(t, rep.Designs, 2)
	ta, tb := rep.Designs[0].Findings[0].Trace, rep.Designs[1].Findings[0].Trace
	require.NotEqual(t, ta, tb)
	for _, p := range []string{ta, tb} {
		code, _, _ := ndissim(t, "replay", p, map[string]string{ta: a, tb: b}[p])
		require.Equal(t, exitFindings, code)
	}
}

// shellArgs splits a command line as a POSIX shell does.
func shellArgs(t *testing.T, line string) []string {
	t.Helper()
	out, err := exec.Command("sh", "-c", `eval "set -- $1"; for a in "$@"; do printf '%s\0' "$a"; done`, "sh", line).Output()
	require.NoError(t, err)
	return strings.Split(strings.TrimSuffix(string(out), "\x00"), "\x00")
}

// The printed replay command works when pasted into a shell, for paths with
// newlines, leading spaces and quotes, and for names beginning with a dash;
// the trace files follow the umask.
func TestPrintedReplayCommandPastesAndTracesFollowTheUmask(t *testing.T) {
	old := syscall.Umask(0o027)
	defer syscall.Umask(old)
	top := t.TempDir()
	odd := filepath.Join(top, "a\nb", " it's")
	require.NoError(t, os.MkdirAll(odd, 0o755))
	t.Chdir(odd)
	dashed := strings.Replace(shortDesign, "name: short", "name: -dash", 1)
	require.NoError(t, os.WriteFile("-d.yaml", []byte(dashed), 0o644))
	require.NoError(t, os.WriteFile(" lead.yaml", []byte(shortDesign), 0o644))
	cases := []struct{ args []string }{
		{[]string{"check", "--json", "--strict", "--runs", "50", "--out", ".", "--", "-d.yaml"}},
		{[]string{"check", "--json", "--strict", "--runs", "50", "--out", filepath.Join(odd, "t r"), " lead.yaml"}},
		{[]string{"check", "--json", "--strict", "--runs", "50", "--out", ".", filepath.Join(odd, " lead.yaml")}},
	}
	for _, c := range cases {
		code, js, errs := ndissim(t, c.args...)
		require.Equal(t, exitFindings, code, errs)
		var rep jsonReport
		require.NoError(t, json.Unmarshal([]byte(js), &rep))
		fr := rep.Designs[0].Findings[0]
		st, err := os.Stat(fr.Trace)
		require.NoError(t, err)
		require.Equal(t, os.FileMode(0o640), st.Mode().Perm(), "the umask applies")
		args := shellArgs(t, fr.Replay)
		require.Equal(t, "ndissim", args[0], fr.Replay)
		code, out, errs := ndissim(t, args[1:]...)
		require.Equal(t, exitFindings, code, "%s\n%s%s", fr.Replay, out, errs)
		require.Contains(t, out, "reproduced: ")
	}
}

// Temporary files a killed ndissim left behind go on the next check.
func TestStaleTemporaryFilesAreRemoved(t *testing.T) {
	out := t.TempDir()
	stale := filepath.Join(out, ".ndissim-0123.tmp")
	require.NoError(t, os.WriteFile(stale, []byte("half a trace"), 0o644))
	long := time.Now().Add(-time.Hour)
	require.NoError(t, os.Chtimes(stale, long, long))
	code, _, _ := ndissim(t, "check", "--runs", "5", "--out", out)
	require.Equal(t, exitOK, code)
	require.NoFileExists(t, stale)
	left, _ := filepath.Glob(filepath.Join(out, ".ndissim-*"))
	require.Empty(t, left)
}

// An interrupted check never says pass and never exits 0: it says
// interrupted, lists the designs it did not run, and exits 130 or 143 when
// it found nothing that counts.
func TestInterruptedCheckNeverPasses(t *testing.T) {
	for _, sig := range []syscall.Signal{syscall.SIGINT, syscall.SIGTERM} {
		want := map[syscall.Signal]int{syscall.SIGINT: exitSIGINT, syscall.SIGTERM: exitSIGTERM}[sig]
		// Already interrupted before the first run.
		ctx, cancel := context.WithCancelCause(context.Background())
		cancel(signalCause{sig})
		code, out, errs := ndissimCtx(t, ctx, "check", "--design", "ndisprot", "--out", t.TempDir())
		require.Equal(t, want, code, out+errs)
		require.NotContains(t, out, "pass")
		require.Contains(t, out, "interrupted")
		require.Contains(t, errs, "interrupted")

		// Interrupted in the middle: JSON complete, the rest not run.
		ctx, cancel = context.WithCancelCause(context.Background())
		time.AfterFunc(200*time.Millisecond, func() { cancel(signalCause{sig}) })
		start := time.Now()
		code, out, _ = ndissimCtx(t, ctx, "check", "--json", "--runs", "1000000000", "--verify", "1000", "--out", t.TempDir(),
			"--design", "ndisprot", "--design", "ndisprot")
		require.Less(t, time.Since(start), 200*time.Millisecond+5*time.Second)
		require.Equal(t, want, code, out)
		var rep jsonReport
		require.NoError(t, json.Unmarshal([]byte(out), &rep), out)
		require.True(t, rep.Interrupted())
		require.Equal(t, []string{"go:ndisprot"}, rep.NotRun)
		require.Len(t, rep.Designs, 1)
		require.True(t, rep.Designs[0].Interrupted)
		require.Zero(t, rep.Designs[0].Verified, "no self-check after an interruption")
	}
}

// run, validate and replay stop too.
func TestEveryCommandStopsOnInterruption(t *testing.T) {
	ctx, cancel := context.WithCancelCause(context.Background())
	cancel(signalCause{syscall.SIGINT})
	f := writeFile(t, "short.yaml", shortDesign)
	for _, args := range [][]string{{"run", "--steps", "100000"}, {"validate", f}} {
		code, _, errs := ndissimCtx(t, ctx, args...)
		require.Contains(t, []int{exitOK, exitSIGINT}, code, args)
		if code == exitSIGINT {
			require.Contains(t, errs, "interrupted")
		}
	}
}
