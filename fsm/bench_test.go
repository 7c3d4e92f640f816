package fsm_test

import (
	"testing"

	"github.com/ndissim/ndissim/fsm"
)

var walk = []fsm.Event{
	fsm.Bind, fsm.BindComplete,
	fsm.Restart, fsm.RestartComplete,
	fsm.Pause, fsm.PauseComplete,
	fsm.Unbind, fsm.UnbindComplete,
}

// BenchmarkFire walks the whole lifecycle once per iteration; it ends in
// Unbound, so the next iteration starts clean without a Reset.
func BenchmarkFire(b *testing.B) {
	m := fsm.New()
	b.ReportAllocs()
	for b.Loop() {
		for _, ev := range walk {
			if err := m.Fire(ev); err != nil {
				b.Fatal(err)
			}
		}
	}
}

var sink fsm.State

func BenchmarkState(b *testing.B) {
	m := fsm.New()
	for _, ev := range walk[:4] {
		if err := m.Fire(ev); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportAllocs()
	for b.Loop() {
		sink = m.State()
	}
}
