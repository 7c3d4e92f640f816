package report

import (
	"flag"
	"os"
	"path/filepath"
	"testing"
)

var update = flag.Bool("update", false, "rewrite the golden files under testdata")

// golden compares got with testdata/NAME, or writes it there with -update.
func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test ./internal/report -update to write it)", err)
	}
	if string(got) != string(want) {
		t.Errorf("%s differs; got:\n%s\n(run go test ./internal/report -update if the change is right)", name, got)
	}
}

func TestMermaidGolden(t *testing.T) {
	golden(t, "context-shortfall.mmd", []byte(Mermaid(traceLines(t, "broken-no-context-backfill-1-SendContextShortfall.trace"))))
}

func TestMermaidEscapes(t *testing.T) {
	got := Mermaid([]string{
		"    1  filter   a#b;c attaches on top (FilterAttach): m(0/0) < a#b;c(8/8)  [Paused pools=0 nbls=0 nbs=0 sent=0 held=0]",
		`    2  protocol NdisOidRequest "x" <y> -> SUCCESS  [Paused pools=0 nbls=0 nbs=0 sent=0 held=0]`,
	})
	want := `sequenceDiagram
    participant App
    participant Protocol
    participant NDIS
    participant F1 as a#35;b#59;c
    participant Miniport
    F1->>F1: a#35;b#59;c attaches on top (FilterAttach): m(0/0) #lt; a#35;b#59;c(8/8)
    Protocol->>NDIS: NdisOidRequest #quot;x#quot; #lt;y#gt; -#gt; SUCCESS
`
	if got != want {
		t.Errorf("got\n%s\nwant\n%s", got, want)
	}
}
