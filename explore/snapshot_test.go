package explore

import (
	"reflect"
	"strings"
	"testing"

	"github.com/ndissim/ndissim/internal/designfile"
	"github.com/ndissim/ndissim/sim"
)

// Expanding from snapshots finds what replaying from the start finds: the
// same states, transitions, findings with the same shortest traces, lassos
// and coverage, on the three reference designs and on every built-in Go
// design, each of which copies itself: a copy that missed a field, or
// shared a slice with the state it was taken of, would expand some state
// as another.
func TestSnapshotsExploreAsReplay(t *testing.T) {
	small := DefaultOptions()
	small.Depth = 8
	small.Bounds.Faults = sim.FaultAll
	cases := []struct {
		d   sim.Design
		opt Options
	}{
		{designfile.Default(), defaultBounds(2)},
		{designfile.Default(), small},
	}
	tree := small
	tree.Depth, tree.NoDedup = 4, true
	cases = append(cases, struct {
		d   sim.Design
		opt Options
	}{lookup(t, "ndisprot"), tree})
	for _, g := range sim.GoDesigns() {
		opt := brokenOptions()
		opt.Depth = 8
		cases = append(cases, struct {
			d   sim.Design
			opt Options
		}{g.Design(), opt})
	}
	for _, c := range cases {
		t.Run(c.d.Name, func(t *testing.T) {
			c.opt.OutDir = ""
			replay := c.opt
			replay.Replay = true
			want := explore(t, c.d, replay)
			got := explore(t, c.d, c.opt)
			want.Elapsed, got.Elapsed = 0, 0
			if !reflect.DeepEqual(got, want) {
				t.Fatalf("with snapshots:\n%s\nby replay:\n%s", text(got), text(want))
			}
			if c.d.Name[:min(len(c.d.Name), 7)] != "broken-" && want.States < 100 {
				t.Fatalf("only %d states", want.States)
			}
			if x := newSearch(c.d, c.opt); x.snaps[0] == nil {
				t.Fatalf("%s is not copied: the comparison compares replay with itself", c.d.Name)
			}
			t.Logf("%d states, %d transitions", got.States, got.Transitions)
		})
	}
}

func text(r Report) string {
	var b strings.Builder
	r.Text(&b)
	return b.String()
}
