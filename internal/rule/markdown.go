package rule

import (
	"fmt"
	"strings"
)

// Markdown renders the catalogue as docs/rules.md: an introduction, then one
// table per group in catalogue order. The file is generated from the code
// (go test ./internal/rule -update) so that the two cannot drift.
func Markdown() string {
	var b strings.Builder
	b.WriteString("# Rule catalogue\n\n")
	b.WriteString("<!-- Generated from internal/rule/catalogue.go by `go test ./internal/rule -update`. Do not edit. -->\n\n")
	b.WriteString(`Every finding ndissim reports names one of these rules, the way Driver Verifier
names a bug check.

- **error**: the NDIS documentation says "must" or "must not". An error finding
  fails a check and ends the run that drew it, as a bug check stops Windows.
- **warning**: the documentation says "should", or NDIS absorbs the cost (a lower
  layer has to allocate). Warnings fail a check only with ` + "`--strict`" + `; each
  is reported once per run.
- The **names are a public contract**: users grep for them and gate CI on them.
  A rule is never renamed; new rules may be added.
- MAA = MEMORY_ALLOCATION_ALIGNMENT: 16 on 64-bit Windows (the default), 8 on
  32-bit.
- Sources link the NDIS documentation pages a rule rests on; the labels (S1,
  S2, ...) are ndissim's tags for those pages.
`)
	for _, group := range groups() {
		fmt.Fprintf(&b, "\n## %s\n\n", group)
		b.WriteString("| name | severity | the rule | sources |\n")
		b.WriteString("|---|---|---|---|\n")
		for _, r := range Catalogue {
			if r.Group != group {
				continue
			}
			fmt.Fprintf(&b, "| `%s` | %s | %s | %s |\n", r.Name, r.Severity, cell(summaryText(r.Summary)), sourceLinks(r.Sources))
		}
	}
	return b.String()
}

// groups lists the catalogue's groups in the order they first appear.
func groups() []string {
	var out []string
	seen := map[string]bool{}
	for _, r := range Catalogue {
		if !seen[r.Group] {
			seen[r.Group] = true
			out = append(out, r.Group)
		}
	}
	return out
}

// summaryText shortens the summary for a table cell; the introduction
// defines MAA.
func summaryText(s string) string {
	return strings.ReplaceAll(s, "MEMORY_ALLOCATION_ALIGNMENT", "MAA")
}

func sourceLinks(sources []Source) string {
	if len(sources) == 0 {
		return "—"
	}
	links := make([]string, len(sources))
	for i, s := range sources {
		links[i] = fmt.Sprintf("[%s](%s)", s.ID, s.URL)
	}
	return strings.Join(links, ", ")
}

// cell escapes what would break a Markdown table row.
func cell(s string) string {
	s = strings.ReplaceAll(s, "|", `\|`)
	return strings.ReplaceAll(s, "\n", " ")
}
