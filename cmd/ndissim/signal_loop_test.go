package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/ndissim/ndissim/sim"
)

// buildBinary builds ndissim once into a temporary directory.
func buildBinary(t *testing.T) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "ndissim")
	build := exec.Command("go", "build", "-o", bin, ".")
	build.Stderr = os.Stderr
	require.NoError(t, build.Run())
	return bin
}

// longTrace writes a trace of a run of sim.MaxSteps moves of ndisprot, the
// longest replay there can be.
func longTrace(t *testing.T, dir string) string {
	g, ok := sim.Lookup("ndisprot")
	require.True(t, ok)
	d := g.Design()
	long := d
	long.Workload.Steps = sim.MaxSteps
	res := sim.NewEngine(long).Run(1)
	tf := sim.TraceFile{Version: sim.Version, Design: d.Name, Origin: sim.Origin(d), Hash: sim.DesignHash(d),
		Seed: 1, Rule: "SendBackfillShortfall", Stream: res.Stream, Unshrunk: true}
	p := filepath.Join(dir, "long.trace")
	require.NoError(t, os.WriteFile(p, tf.Marshal(), 0o644))
	return p
}

// A SIGINT or SIGTERM sent at any moment of any command ends it within a
// second; a second signal ends it at once. An interrupted check --json
// still prints a whole JSON report, and never exits 0.
func TestEverySignalEndsEveryCommandWithinASecond(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary")
	}
	skipUnlessTimed(t)
	bin := buildBinary(t)
	dir := t.TempDir()
	short := filepath.Join(dir, "short.yaml")
	require.NoError(t, os.WriteFile(short, []byte(shortDesign), 0o644))
	fifo := filepath.Join(dir, "design.fifo")
	require.NoError(t, syscall.Mkfifo(fifo, 0o600))
	trace := longTrace(t, dir)
	out := filepath.Join(dir, "traces")
	commands := [][]string{
		{"check", "--no-progress", "--runs", "1000000000", "--out", out},
		{"check", "--json", "--strict", short, "--runs", "1000000000", "--steps", "100000", "--workers", "4", "--verify", "1000", "--out", out},
		{"check", "--json", "--design", "broken-backfill-from-bind", "--design", "ndisprot", "--steps", "100000", "--verify", "100000", "--out", out},
		{"check", "--json", "--workers", "64", "--runs", "1000000000", "--out", out},
		{"run", "--steps", "100000", "--design", "ndisprot"},
		{"replay", trace},
		{"validate", short},
		{"check", fifo, "--out", out},
	}
	rng := rand.New(rand.NewPCG(1, 2))
	const rounds = 80
	signalled := 0
	for i := range rounds {
		args := commands[i%len(commands)]
		sig := []syscall.Signal{syscall.SIGINT, syscall.SIGTERM}[rng.IntN(2)]
		twice := rng.IntN(4) == 0
		// Commands that end by themselves in a few milliseconds are
		// signalled early, so that the signal finds most of them running.
		window := 400
		if args[0] != "check" || args[1] == fifo {
			window = 30
		}
		delay := time.Duration(rng.IntN(window)) * time.Millisecond
		var stdout, stderr bytes.Buffer
		cmd := exec.Command(bin, args...)
		cmd.Stdout, cmd.Stderr = &stdout, &stderr
		require.NoError(t, cmd.Start())
		waited := make(chan error, 1)
		go func() { waited <- cmd.Wait() }()
		select {
		case <-waited: // it ended before the signal was due
			continue
		case <-time.After(delay):
		}
		sent := time.Now()
		signalled++
		_ = cmd.Process.Signal(sig)
		if twice {
			_ = cmd.Process.Signal(sig)
		}
		var err error
		select {
		case err = <-waited:
		case <-time.After(time.Second):
			_ = cmd.Process.Kill()
			t.Fatalf("round %d: %v still running a second after %v (sent after %v)", i, args, sig, delay)
		}
		took := time.Since(sent)
		code := exitCode(t, err)
		if code < 0 {
			continue // the signal came before ndissim's handler was in place
		}
		require.Contains(t, []int{exitOK, exitFindings, exitInput, signalCode(sig)}, code,
			"round %d: %v after %v: %s", i, args, delay, stderr.String())
		if args[0] == "check" && code != exitInput {
			require.NotEqual(t, exitOK, code, "round %d: an interrupted check never exits 0", i)
			require.NotContains(t, stdout.String(), "pass:", "round %d", i)
			if args[1] == "--json" && !twice {
				var rep jsonReport
				require.NoError(t, json.Unmarshal(stdout.Bytes(), &rep), "round %d: %s", i, stdout.String())
				require.True(t, rep.Interrupted(), "round %d", i)
			}
		}
		t.Logf("round %d: %-8s %v after %v: exit %d in %v", i, args[0], sig, delay, code, took.Round(time.Millisecond))
	}
	t.Logf("%d of %d rounds were signalled while running", signalled, rounds)
	require.GreaterOrEqual(t, signalled, 40, "the long checks are always running when signalled")
	partial, _ := filepath.Glob(filepath.Join(out, "*.trace"))
	for _, p := range partial {
		_, err := sim.ReadTrace(p)
		require.NoError(t, err, "every trace written is whole")
	}
}

// exitCode is the process's exit code, or -1 if a signal killed it.
func exitCode(t *testing.T, err error) int {
	if err == nil {
		return 0
	}
	var exit *exec.ExitError
	require.True(t, errors.As(err, &exit), "%v", err)
	if st, ok := exit.Sys().(syscall.WaitStatus); ok && st.Signaled() {
		return -1
	}
	return exit.ExitCode()
}
