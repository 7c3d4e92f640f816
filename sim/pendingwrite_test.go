package sim_test

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/ndissim/ndissim/sim"
)

func TestPendingWriteCommitReplacesTheFile(t *testing.T) {
	p := filepath.Join(t.TempDir(), "a", "b", "f.trace")
	w := sim.StartWrite(p)
	require.NoError(t, w.Commit([]byte("first")))
	w.Abort() // after Commit: nothing
	got, err := os.ReadFile(p)
	require.NoError(t, err)
	require.Equal(t, "first", string(got))
	require.Error(t, w.Commit([]byte("again")), "a write commits once")

	w = sim.StartWrite(p)
	require.NoError(t, w.Commit([]byte("second")))
	got, err = os.ReadFile(p)
	require.NoError(t, err)
	require.Equal(t, "second", string(got))
	entries, err := os.ReadDir(filepath.Dir(p))
	require.NoError(t, err)
	require.Len(t, entries, 1, "no temporary file is left")
}

func TestPendingWriteAbortLeavesNothing(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "f.trace")
	require.NoError(t, os.WriteFile(p, []byte("old"), 0o644))
	w := sim.StartWrite(p)
	w.Abort()
	w.Abort()
	got, err := os.ReadFile(p)
	require.NoError(t, err)
	require.Equal(t, "old", string(got))
	entries, err := os.ReadDir(dir)
	require.NoError(t, err)
	require.Len(t, entries, 1)
}

func TestPendingWriteReportsTheDirectoryItCannotMake(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "file")
	require.NoError(t, os.WriteFile(file, nil, 0o644))
	w := sim.StartWrite(filepath.Join(file, "sub", "f.trace"))
	require.Error(t, w.Commit([]byte("x")))
	w.Abort()
}
