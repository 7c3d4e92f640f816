package properties_test

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ndissim/ndissim/binding"
	"github.com/ndissim/ndissim/designkit"
	"github.com/ndissim/ndissim/fsm"
	_ "github.com/ndissim/ndissim/internal/design" // registers ndisprot
	"github.com/ndissim/ndissim/oid"
	"github.com/ndissim/ndissim/properties"
	"github.com/ndissim/ndissim/sim"
)

// recorder is a testing.TB that records failures instead of failing.
type recorder struct {
	testing.TB
	fatals, errors, logs []string
}

func (r *recorder) Fatalf(format string, args ...any) {
	r.fatals = append(r.fatals, fmt.Sprintf(format, args...))
}
func (r *recorder) Errorf(format string, args ...any) {
	r.errors = append(r.errors, fmt.Sprintf(format, args...))
}
func (r *recorder) Logf(format string, args ...any) {
	r.logs = append(r.logs, fmt.Sprintf(format, args...))
}
func (r *recorder) failed() bool    { return len(r.fatals)+len(r.errors) > 0 }
func (r *recorder) message() string { return strings.Join(append(r.fatals, r.errors...), "\n") }

func runs(n int) int {
	if testing.Short() {
		return max(n/5, 1)
	}
	return n
}

func TestCheckPassesNdisprot(t *testing.T) {
	t.Parallel()
	g, ok := sim.Lookup("ndisprot")
	if !ok {
		t.Fatal("ndisprot is not registered")
	}
	properties.Check(t, g.Design(), properties.Options{Runs: runs(300), FailDir: t.TempDir()})
}

// eager is a user's protocol on designkit with the classic pause bug: it
// completes a pause at once, with sends still in flight.
type eager struct {
	designkit.Base
	fixed bool // waits for its sends, as the base does
}

func newEager(fixed bool) binding.Protocol {
	return &eager{Base: designkit.New(designkit.DefaultConfig()), fixed: fixed}
}

func (p *eager) NetPnPEvent(nd *binding.NDIS, ev binding.PnPEvent) binding.Status {
	if ev.Kind == binding.NetEventPause && !p.fixed {
		p.ReturnHeld(nd)
		p.State = fsm.Paused
		return binding.StatusSuccess // sends may still be in flight
	}
	return p.Base.NetPnPEvent(nd, ev)
}

func eagerDesign(fixed bool) sim.Design {
	stack, err := oid.NewStack(oid.MAA64, oid.Layer{Name: "nic"})
	if err != nil {
		panic(err)
	}
	return sim.Design{
		Name: "eager", Stack: stack,
		New:    func() binding.Protocol { return newEager(fixed) },
		Source: []byte(fmt.Sprintf("eager fixed=%v", fixed)),
	}
}

func TestCheckFailsABrokenDesign(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	rec := &recorder{TB: t}
	properties.Check(rec, eagerDesign(false), properties.Options{Runs: 200, FailDir: dir})
	if len(rec.fatals) != 1 {
		t.Fatalf("Check reported %d fatal failures, want 1:\n%s", len(rec.fatals), rec.message())
	}
	msg := rec.fatals[0]
	for _, want := range []string{
		"PauseWithOutstanding", "pause-drains", // the rule and the invariant
		"ProtocolNetPnPEvent NetEventPause", "NdisSendNetBufferLists", // the trace
		"go test -run '^TestCheckFailsABrokenDesign$' -ndissim.seed=", "-ndissim.runs=1",
		"trace file: " + dir,
	} {
		if !strings.Contains(msg, want) {
			t.Errorf("the failure does not mention %q:\n%s", want, msg)
		}
	}
	if strings.Contains(msg, "ndissim replay") {
		t.Errorf("a design only a test defines cannot be replayed by the CLI, yet:\n%s", msg)
	}
	files, _ := filepath.Glob(filepath.Join(dir, "*.trace"))
	if len(files) != 1 {
		t.Fatalf("saved %d trace files, want 1", len(files))
	}
	data, err := os.ReadFile(files[0])
	if err != nil {
		t.Fatal(err)
	}
	tf, err := sim.ParseTrace(files[0], data)
	if err != nil || tf.Rule != "PauseWithOutstanding" || tf.Design != "eager" {
		t.Fatalf("trace file: %+v, %v", tf, err)
	}

	// The saved trace is replayed first: still broken, it fails again.
	again := &recorder{TB: t}
	properties.Check(again, eagerDesign(false), properties.Options{Runs: 1, Seed: 1 << 40, FailDir: dir})
	if !strings.Contains(again.message(), "still fails the saved trace "+files[0]) {
		t.Errorf("the saved trace was not replayed first:\n%s", again.message())
	}

	// Fixed, it passes and the saved trace is only logged.
	fixed := &recorder{TB: t}
	properties.Check(fixed, eagerDesign(true), properties.Options{Runs: runs(200), FailDir: dir})
	if fixed.failed() {
		t.Fatalf("the fixed design failed:\n%s", fixed.message())
	}
	if !strings.Contains(strings.Join(fixed.logs, "\n"), "no longer fails") {
		t.Errorf("the fixed design's check did not say the saved trace passes: %q", fixed.logs)
	}
}

// The seed a failure reports reproduces it in one run.
func TestCheckSeedReproduces(t *testing.T) {
	t.Parallel()
	rec := &recorder{TB: t}
	properties.Check(rec, eagerDesign(false), properties.Options{Runs: 200, Seed: 1000, FailDir: t.TempDir()})
	var seed uint64
	msg := rec.message()
	i := strings.Index(msg, "-ndissim.seed=")
	if i < 0 {
		t.Fatalf("no seed in:\n%s", msg)
	}
	if _, err := fmt.Sscanf(msg[i:], "-ndissim.seed=%d", &seed); err != nil {
		t.Fatal(err)
	}
	one := &recorder{TB: t}
	properties.Check(one, eagerDesign(false), properties.Options{Runs: 1, Seed: seed, FailDir: t.TempDir()})
	if !strings.Contains(one.message(), fmt.Sprintf("with seed %d (run 1)", seed)) {
		t.Errorf("seed %d did not reproduce in one run:\n%s", seed, one.message())
	}
}

// A registered Go design's failure names the CLI command that replays it.
func TestCheckNamesTheReplayCommandForRegisteredDesigns(t *testing.T) {
	t.Parallel()
	for _, g := range sim.GoDesigns() {
		if g.Breaks == "" {
			continue
		}
		rec := &recorder{TB: t}
		dir := t.TempDir()
		properties.Check(rec, g.Design(), properties.Options{Runs: runs(500), FailDir: dir})
		if !rec.failed() {
			t.Logf("%s (breaks %s): no failure in %d runs", g.Name, g.Breaks, runs(500))
			continue
		}
		if msg := rec.message(); !strings.Contains(msg, "ndissim replay "+dir) {
			t.Errorf("%s: no ndissim replay command in:\n%s", g.Name, msg)
		}
		return // one is enough
	}
	t.Skip("no registered broken Go design fails")
}

// A design that panics outside its callbacks (here in New, on some runs)
// fails the test; it does not crash the test binary.
func TestCheckReportsAPanickingDesign(t *testing.T) {
	t.Parallel()
	d := eagerDesign(true)
	calls := 0
	d.New = func() binding.Protocol {
		calls++
		if calls == 3 {
			panic("out of memory in New")
		}
		return newEager(true)
	}
	rec := &recorder{TB: t}
	properties.Check(rec, d, properties.Options{Runs: 10, Workers: 1, FailDir: t.TempDir()})
	if !strings.Contains(rec.message(), "out of memory in New") {
		t.Errorf("the panic was not reported:\n%s", rec.message())
	}
}

// With Strict, the warnings ndisprot earns on a stack that needs backfill
// fail the check.
func TestCheckStrictFailsOnWarnings(t *testing.T) {
	t.Parallel()
	g, _ := sim.Lookup("ndisprot")
	rec := &recorder{TB: t}
	properties.Check(rec, g.Design(), properties.Options{Runs: 50, Strict: true, FailDir: t.TempDir()})
	msg := rec.message()
	if !strings.Contains(msg, "warning finding of rule Send") || !strings.Contains(msg, "fails with Strict") {
		t.Errorf("Strict did not fail on a warning:\n%s", msg)
	}
	if !strings.Contains(msg, "ndissim replay ") {
		t.Errorf("a registered design's failure names no ndissim replay command:\n%s", msg)
	}
}
