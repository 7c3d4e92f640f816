package rule

import (
	"fmt"
	"strings"
)

// Markdown renders the catalogue as docs/rules.md: an introduction with the
// severity policy, then one table per group in catalogue order, each followed
// by the reasons behind its inferred rules and the notes on its bases. The
// file is generated from the code (go test ./rule -update) so that
// the two cannot drift.
func Markdown() string {
	var b strings.Builder
	b.WriteString("# Rule catalogue\n\n")
	b.WriteString("<!-- Generated from rule/catalogue.go by `go test ./rule -update`. Do not edit. -->\n\n")
	b.WriteString(`Every finding ndissim reports names one of these rules, the way Driver Verifier
names a bug check.

## Severity policy

Every rule records its **basis**: what, outside ndissim, says the misuse is wrong.
The severity follows from the basis, and the test suite fails when a rule has no
basis or a severity its basis contradicts.

| basis | what it is | severity |
|---|---|---|
| must | an English Microsoft page says "must" or "must not"; the keyword and the page are given | error |
| ddi | a DDI compliance rule of Static Driver Verifier or Driver Verifier covers the misuse; the rule is named | error |
| bugcheck | NDIS stops Windows with bug check 0x7C and the subcode given, or the misuse corrupts memory (a use after free, a double free) | error |
| should | an English Microsoft page says "should" or "should not" | warning |
| inferred | no page says it; ndissim's reason is given under the table | error or warning, labelled *inferred* |

- A rule may rest on several bases. The first is the one its severity rests
  on; the others, and notes on what a keyword covers, follow it.
- An **error** finding fails a check and ends the run that drew it, as a bug
  check stops Windows. A **warning** fails a check only with ` + "`--strict`" + `;
  each is reported once per run.
- ndissim follows the English pages. The Japanese "Protocol Driver Buffer
  Management" page is a machine translation: where it says "must" (enough
  backfill and context for the whole stack, freeing an NB before its NBL),
  the English page says "should", so those rules are warnings.
- The **names are a public contract**: users grep for them and gate CI on them.
  A rule is never renamed; new rules may be added.
- MAA = MEMORY_ALLOCATION_ALIGNMENT: 16 on 64-bit Windows (the default), 8 on
  32-bit.
- Sources link the Microsoft pages a rule rests on. The labels are ndissim's
  tags for them: S1, S2, ... as in ndissim's NDIS contract notes, and a
  lower-case letter after the number for a further page filed under the same
  tag (S8o, the NdisOpenAdapterEx page, beside S8, ProtocolBindAdapterEx).
`)
	for _, group := range groups() {
		fmt.Fprintf(&b, "\n## %s\n\n", group)
		b.WriteString("| name | severity | basis | the rule | sources |\n")
		b.WriteString("|---|---|---|---|---|\n")
		var notes []string
		for _, r := range Catalogue {
			if r.Group != group {
				continue
			}
			fmt.Fprintf(&b, "| `%s` | %s | %s | %s | %s |\n",
				r.Name, r.Severity, cell(basisCell(r.Bases)), cell(summaryText(r.Summary)), sourceLinks(r.Sources))
			notes = append(notes, basisNotes(r)...)
		}
		if len(notes) > 0 {
			b.WriteString("\n")
			for _, n := range notes {
				b.WriteString(n)
			}
		}
	}
	b.WriteString(effects)
	return b.String()
}

// basisCell renders a rule's bases for its table row, strongest first.
func basisCell(bases []Basis) string {
	parts := make([]string, len(bases))
	for i, x := range bases {
		parts[i] = basisText(x)
	}
	return strings.Join(parts, "; ")
}

func basisText(x Basis) string {
	link := func(s string) string { return fmt.Sprintf("[%s](%s)", s, x.Page.URL) }
	switch x.Kind {
	case Must, Should:
		return fmt.Sprintf("**%s**: %q, %s", x.Kind, x.Word, link(x.Page.ID))
	case DDI:
		return fmt.Sprintf("**ddi**: %s", link(x.Word))
	case BugCheck:
		if strings.HasPrefix(x.Word, "0x") {
			return fmt.Sprintf("**bugcheck**: %s", link(x.Word))
		}
		return fmt.Sprintf("**bugcheck**: %s, %s", x.Word, link(x.Page.ID))
	}
	return "*inferred* (reason below)"
}

// basisNotes lists, for the text under a table, why ndissim holds an
// inferred basis and the notes on the others.
func basisNotes(r Rule) []string {
	var out []string
	for _, x := range r.Bases {
		if x.Why == "" {
			continue
		}
		label := x.Kind.String()
		if x.Kind != Inferred {
			label = strings.TrimPrefix(basisText(x), "**"+x.Kind.String()+"**: ")
			label = x.Kind.String() + ", " + label
		}
		out = append(out, fmt.Sprintf("- `%s` (%s): %s.\n", r.Name, label, strings.TrimSuffix(x.Why, ".")))
	}
	return out
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

// effects says what the simulated NDIS does when a rule breaks, which the
// tables cannot: a warning's call takes effect, an error's does not.
const effects = `
## What a broken rule does to the run

- A call that breaks an error rule changes nothing and ends the run, as a bug
  check would. A call that breaks a warning rule does what NDIS does, and the
  run goes on; each warning is reported once per run.
- ` + "`FreeOrderNbBeforeNbl`" + `: NdisFreeNetBufferList frees the NBL and the NB
  that came with it. NBs from NdisAllocateNetBuffer still linked are
  unlinked and stay live: reuse them or free them with NdisFreeNetBuffer. One
  never freed is reported at unbind by ` + "`ResourcesKeptPastUnbind`" + `.
- ` + "`NbPoolFreedWithOutstanding`" + `: the NB pool is freed; its live NBs stay
  valid and are still freed with NdisFreeNetBuffer (no ` + "`PoolUseAfterFree`" + `),
  but the pool allocates nothing more. An NBL pool with live NBLs
  (` + "`PoolFreedWithOutstanding`" + `) is an error and the pool stays.
- Retreat memory: a retreat past DataOffset makes NDIS chain an MDL of
  Delta + DataBackFill bytes at the head of the NB. NdisAdvanceNetBufferDataStart
  with FreeMdl TRUE releases it once the data start has passed it; with
  FreeMdl FALSE it is kept for the next retreat. Freeing the NB, or the NBL it
  came with, while such memory is attached is ` + "`RetreatMemoryNotReleased`" + `.
  ` + "`RetreatAllocates`" + ` is reported once per run at the advance that releases
  that memory, so a design that frees the NB without releasing it draws only
  the error.
- NET_BUFFER_LIST_FIRST_NB / NET_BUFFER_NEXT_NB of a freed structure is
  ` + "`UseAfterFree`" + ` (of NULL, ` + "`AllocationFailureIgnored`" + `). Detaching an NB
  (` + "`NDIS.UnlinkNetBuffer`" + `, which stands for clearing FIRST_NB / NEXT_NB) from
  an NBL it is not in is ` + "`NetBufferLinkedTwice`" + `, and from an NBL in flight
  ` + "`SendInFlightTouched`" + `.
- At unbind, an adapter still open or a received NBL still held is
  ` + "`LeakAtUnbind`" + ` (bug check 0x7C/0x27); the protocol's own pools, NBLs and
  NBs still live are the warning ` + "`ResourcesKeptPastUnbind`" + `: they may be the
  driver's, kept across bindings.
- The IRQL of every call and callback is in [irql.md](irql.md).
`
