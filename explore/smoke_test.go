package explore

import (
	"context"
	"os"
	"testing"

	_ "github.com/ndissim/ndissim/internal/design"
	"github.com/ndissim/ndissim/internal/designfile"
	"github.com/ndissim/ndissim/sim"
)

func TestSmoke(t *testing.T) {
	for _, d := range []sim.Design{designfile.Default(), lookup(t, "ndisprot")} {
		opt := DefaultOptions()
		opt.Depth = 8
		rep, err := Explore(context.Background(), d, opt)
		if err != nil {
			t.Fatal(err)
		}
		rep.Text(os.Stdout)
		rep.WriteTime(os.Stdout)
	}
}

func lookup(t testing.TB, name string) sim.Design {
	g, ok := sim.Lookup(name)
	if !ok {
		t.Fatalf("no design %s", name)
	}
	return g.Design()
}
