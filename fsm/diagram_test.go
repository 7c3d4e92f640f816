package fsm_test

import (
	"flag"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ndissim/ndissim/fsm"
)

var update = flag.Bool("update", false, "rewrite the golden diagrams in testdata")

func TestDiagrams(t *testing.T) {
	for _, tc := range []struct {
		file string
		draw func() string
	}{
		{"lifecycle.mmd", fsm.Mermaid},
		{"lifecycle.dot", fsm.DOT},
	} {
		t.Run(tc.file, func(t *testing.T) {
			got := tc.draw()
			// looplab walks maps to draw; it must sort, or goldens flap.
			for range 20 {
				require.Equal(t, got, tc.draw())
			}
			path := filepath.Join("testdata", tc.file)
			if *update {
				require.NoError(t, os.WriteFile(path, []byte(got), 0o644))
			}
			want, err := os.ReadFile(path)
			require.NoError(t, err, "run go test ./fsm/ -run TestDiagrams -update")
			assert.Equal(t, string(want), got)
			for _, tr := range fsm.Transitions() {
				assert.Contains(t, got, string(tr.Event))
			}
		})
	}
}
