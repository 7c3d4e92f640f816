package report

import (
	"bytes"
	"regexp"
	"strings"
	"testing"
)

func TestHTMLSelfContained(t *testing.T) {
	page := string(HTML(controlled(t)))
	// Nothing is fetched: no stylesheet, script or image from anywhere.
	for _, bad := range []string{"<link", " src=", "@import", "url(", "<img", "<iframe"} {
		if strings.Contains(page, bad) {
			t.Errorf("the page holds %q", bad)
		}
	}
	for _, want := range []string{"<style>", "<script>", `id="verdict"`, ">FAIL<",
		"PoolFreedWithOutstanding", "FreeOrderNbBeforeNbl", "we free the NB in the completion path",
		"ndissim replay ndissim-traces/broken-free-order-1-PoolFreedWithOutstanding.trace",
		`href="https://learn.microsoft.com/windows-hardware/drivers/ddi/nblapi/nf-nblapi-ndisfreenetbufferlistpool"`,
		"designs/free-order.yaml:14:7", "```mermaid"} {
		if !strings.Contains(page, want) {
			t.Errorf("the page lacks %q", want)
		}
	}
}

// articles splits a page (or a browser's DOM of it) into its findings.
func articles(page string) []string {
	parts := strings.Split(page, `<article class="finding`)
	return parts[1:]
}

var (
	rowRE   = regexp.MustCompile(`<div class="row k-`)
	arrowRE = regexp.MustCompile(`<div class="arrow `)
	laneRE  = regexp.MustCompile(`<span class="lane-name [^"]*" style="[^"]*" data-lane="([^"]+)">([^<]+)</span>`)
)

// checkDiagrams checks every finding's diagram in page against the report:
// the lanes in order, one row and one arrow per trace line, the rule.
func checkDiagrams(t *testing.T, page string, r Report) {
	t.Helper()
	var want []Finding
	for _, j := range judge(r) {
		want = append(want, byWeight(j)...)
	}
	got := articles(page)
	if len(got) != len(want) {
		t.Fatalf("%d findings on the page, want %d", len(got), len(want))
	}
	for i, a := range got {
		f := want[i]
		if !strings.Contains(a, `data-rule="`+string(f.Rule)+`"`) {
			t.Errorf("finding %d: rule %s missing", i, f.Rule)
		}
		var lanes []string
		for _, m := range laneRE.FindAllStringSubmatch(a, -1) {
			lanes = append(lanes, m[2])
		}
		if got := strings.Join(lanes, " "); got != "App Protocol NDIS vpn wfp-lwf qos Miniport" {
			t.Errorf("finding %d: lanes %q", i, got)
		}
		if rows, arrows := len(rowRE.FindAllString(a, -1)), len(arrowRE.FindAllString(a, -1)); rows != len(f.Lines) || arrows != len(f.Lines) {
			t.Errorf("finding %d: %d rows and %d arrows for %d trace lines", i, rows, arrows, len(f.Lines))
		}
	}
}

func TestHTMLDiagrams(t *testing.T) {
	checkDiagrams(t, string(HTML(controlled(t))), controlled(t))
}

func TestHTMLEscapes(t *testing.T) {
	r := Report{Checks: []Check{{Design: `<b>"d"</b>`, Findings: []Finding{{Rule: "NotARule", Severity: 2,
		Message: `<script>alert(1)</script> & more`,
		Lines:   []string{`    1  protocol NdisX <img src=x> & "q"  [Running pools=0 nbls=0 nbs=0 sent=0 held=0]`}}}}}}
	page := string(HTML(r))
	if strings.Contains(page, "<script>alert") || strings.Contains(page, "<img src=x>") || strings.Contains(page, "<b>\"d\"</b>") {
		t.Error("text reaches the page unescaped")
	}
	if !strings.Contains(page, "&lt;script&gt;alert(1)&lt;/script&gt; &amp; more") {
		t.Error("the message is not shown escaped")
	}
}

func TestHTMLDeterministic(t *testing.T) {
	if !bytes.Equal(HTML(controlled(t)), HTML(controlled(t))) {
		t.Error("two renderings differ")
	}
	if page := string(HTML(inputError())); !strings.Contains(page, "12 is not a multiple of MEMORY_ALLOCATION_ALIGNMENT (16)") ||
		!strings.Contains(page, "designs/my.yaml:12:19") {
		t.Error("the input error is not shown")
	}
}
