package rule_test

import (
	"flag"
	"os"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/ndissim/ndissim/rule"
)

var update = flag.Bool("update", false, "rewrite docs/rules.md from the catalogue")

const rulesDoc = "../docs/rules.md"

// docs/rules.md is generated from the catalogue; this test fails when the
// two differ. Regenerate with: go test ./rule -update
func TestRulesDocMatchesCatalogue(t *testing.T) {
	want := rule.Markdown()
	if *update {
		require.NoError(t, os.WriteFile(rulesDoc, []byte(want), 0o644))
	}
	got, err := os.ReadFile(rulesDoc)
	require.NoError(t, err, "regenerate with: go test ./rule -update")
	if string(got) != want {
		line, have, wantLine := firstDifference(string(got), want)
		t.Fatalf("docs/rules.md is stale; regenerate with: go test ./rule -update\n"+
			"first difference at line %d:\n have: %q\n want: %q", line, have, wantLine)
	}
}

// firstDifference finds the first line where a and b differ (1-based).
func firstDifference(a, b string) (line int, la, lb string) {
	as, bs := strings.Split(a, "\n"), strings.Split(b, "\n")
	for i := 0; i < max(len(as), len(bs)); i++ {
		la, lb = "", ""
		if i < len(as) {
			la = as[i]
		}
		if i < len(bs) {
			lb = bs[i]
		}
		if la != lb || i >= len(as) || i >= len(bs) {
			return i + 1, la, lb
		}
	}
	return 0, "", ""
}

// Every rule has its row, under its group's heading, in catalogue order.
func TestMarkdownHasEveryRuleInOrder(t *testing.T) {
	md := rule.Markdown()
	require.True(t, strings.HasPrefix(md, "# Rule catalogue\n"))
	require.Contains(t, md, "MAA = MEMORY_ALLOCATION_ALIGNMENT")
	require.Contains(t, md, "`--strict`")
	require.Contains(t, md, "## Severity policy")
	for _, kind := range []string{"| must |", "| ddi |", "| bugcheck |", "| should |", "| inferred |"} {
		require.Contains(t, md, kind)
	}
	require.Contains(t, md, "Japanese", "the introduction says why ndissim follows the English word")
	last := 0
	group := ""
	for _, r := range rule.Catalogue {
		if r.Group != group {
			group = r.Group
			i := strings.Index(md, "\n## "+group+"\n")
			require.Greater(t, i, last, "group %s out of order", group)
			last = i
		}
		row := "| `" + string(r.Name) + "` | " + r.Severity.String() + " | "
		i := strings.Index(md, row)
		require.Greater(t, i, last, "row of %s missing or out of order", r.Name)
		require.Equal(t, 1, strings.Count(md, row), r.Name)
		line := md[i : i+strings.Index(md[i:], "\n")]
		for _, s := range r.Sources {
			require.Contains(t, line, "["+s.ID+"]("+s.URL+")", r.Name)
		}
		if len(r.Sources) == 0 {
			require.True(t, strings.HasSuffix(line, "| — |"), line)
		}
		require.Equal(t, 6, strings.Count(line, " | ")+2, "a row has five cells: %s", line)

		// The basis cell: the kind, the keyword, rule or bug check, and
		// the page; inferred rules are labelled and their reason follows
		// the table.
		basis := strings.Split(line, " | ")[2]
		for _, b := range r.Bases {
			if b.Kind == rule.Inferred {
				require.Contains(t, basis, "*inferred* (reason below)", r.Name)
				require.Contains(t, md, "- `"+string(r.Name)+"` (inferred): ", r.Name)
				continue
			}
			require.Contains(t, basis, "**"+b.Kind.String()+"**", r.Name)
			require.Contains(t, basis, b.Page.URL, r.Name)
			if b.Kind == rule.Must || b.Kind == rule.Should {
				require.Contains(t, basis, `"`+b.Word+`"`, r.Name)
			} else {
				require.Contains(t, basis, b.Word, r.Name)
			}
			if b.Why != "" {
				require.Contains(t, md, "- `"+string(r.Name)+"` ("+b.Kind.String(), r.Name)
			}
		}
		if r.Inferred() {
			require.True(t, strings.HasPrefix(basis, "*inferred*"), basis)
		}
		last = i
	}
	require.NotContains(t, md, "MEMORY_ALLOCATION_ALIGNMENT |", "tables use MAA")
}
