package main

import (
	"bytes"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// An interrupted check stops within a second, prints the report so far,
// saves every trace found so far, and exits with the code its findings
// deserve.
func TestInterruptKeepsWhatWasFound(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary")
	}
	skipUnlessTimed(t)
	dir := t.TempDir()
	bin := filepath.Join(dir, "ndissim")
	build := exec.Command("go", "build", "-o", bin, ".")
	build.Stderr = os.Stderr
	require.NoError(t, build.Run())
	f := writeFile(t, "short.yaml", shortDesign)
	out := filepath.Join(dir, "traces")

	for _, sig := range []syscall.Signal{syscall.SIGINT, syscall.SIGTERM} {
		var stdout bytes.Buffer
		cmd := exec.Command(bin, "check", f, "--strict", "--json", "--runs", "1000000000", "--out", out)
		cmd.Stdout = &stdout
		require.NoError(t, cmd.Start())
		time.Sleep(700 * time.Millisecond)
		sent := time.Now()
		require.NoError(t, cmd.Process.Signal(sig))
		err := cmd.Wait()
		require.Less(t, time.Since(sent), time.Second, "stopped within a second of %v", sig)
		var exit *exec.ExitError
		require.ErrorAs(t, err, &exit)
		require.Equal(t, exitFindings, exit.ExitCode(), "warnings under --strict count")

		var rep jsonReport
		require.NoError(t, json.Unmarshal(stdout.Bytes(), &rep), stdout.String())
		d := rep.Designs[0]
		require.True(t, d.Interrupted)
		require.Greater(t, d.Runs, 0)
		require.NotEmpty(t, d.Findings)
		for _, fr := range d.Findings {
			require.FileExists(t, fr.Trace)
		}
		left, _ := filepath.Glob(filepath.Join(out, ".ndissim-*"))
		require.Empty(t, left, "no temporary files left")
	}
}
