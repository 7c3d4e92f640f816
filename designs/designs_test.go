package designs_test

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ndissim/ndissim/designs"
	"github.com/ndissim/ndissim/properties"
)

// A design file loaded from Go passes properties.Check, every invariant
// after every step, as ndissim check passes it.
func TestLoadedDesignPassesProperties(t *testing.T) {
	t.Parallel()
	for _, path := range []string{"../examples/npcap-capture.yaml", "../examples/vpn-pool-rebuild.yaml", "testdata/sample-unbind.yaml"} {
		t.Run(filepath.Base(path), func(t *testing.T) {
			t.Parallel()
			d, err := designs.Load(path)
			if err != nil {
				t.Fatal(err)
			}
			properties.Check(t, d, properties.Options{Runs: 500, Strict: true, FailDir: t.TempDir()})
		})
	}
	t.Run("default", func(t *testing.T) {
		t.Parallel()
		properties.Check(t, designs.Default(), properties.Options{Runs: 500, Strict: true, FailDir: t.TempDir()})
	})
}

// recorder is a testing.TB that records failures instead of failing.
type recorder struct {
	testing.TB
	fatals []string
}

func (r *recorder) Fatalf(format string, args ...any) {
	r.fatals = append(r.fatals, fmt.Sprintf(format, args...))
}
func (r *recorder) Logf(string, ...any) {}

// A design file whose lifecycle setting breaks a rule fails
// properties.Check, naming the rule.
func TestLoadedBrokenDesignFailsProperties(t *testing.T) {
	t.Parallel()
	d, err := designs.Load("testdata/pause-from-send-complete.yaml")
	if err != nil {
		t.Fatal(err)
	}
	rec := &recorder{TB: t}
	properties.Check(rec, d, properties.Options{Runs: 500, FailDir: t.TempDir()})
	if len(rec.fatals) != 1 || !strings.Contains(rec.fatals[0], "IrqlTooHigh") {
		t.Fatalf("want one failure naming IrqlTooHigh, got %d:\n%s", len(rec.fatals), strings.Join(rec.fatals, "\n"))
	}
}

// Load and Parse return *Error for a file that is not a design, with the
// line, column and field.
func TestLoadErrors(t *testing.T) {
	t.Parallel()
	_, err := designs.Parse("bad.yaml", []byte("version: 1\nname: bad\nstack:\n  miniport: {name: nic}\nprotocol:\n  lifecycle: {pause: {wait: forever}}\n"))
	var de *designs.Error
	if !errors.As(err, &de) || de.Line != 6 || de.Field != "protocol.lifecycle.pause.wait" {
		t.Fatalf("got %v (%#v)", err, de)
	}
	_, err = designs.Load(filepath.Join(t.TempDir(), "missing.yaml"))
	if !errors.As(err, &de) || !errors.Is(err, os.ErrNotExist) && !strings.Contains(err.Error(), "cannot read") {
		t.Fatalf("a missing file: %v", err)
	}
}
