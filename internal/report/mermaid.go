package report

import (
	"fmt"
	"strings"
)

// Mermaid renders one trace as a Mermaid sequenceDiagram, which GitHub
// draws in a ```mermaid block of a comment, an issue or a Markdown file:
// participants App, Protocol, NDIS, each filter (top of the stack first) and
// Miniport; an arrow per call; a note across all lanes for each state the
// binding enters, with its counters; a note on NDIS for each finding. The
// counters that a call changed follow its text in brackets.
func Mermaid(lines []string) string {
	d := ReadTrace(lines)
	var b strings.Builder
	b.WriteString("sequenceDiagram\n")
	ids := map[string]string{}
	for i, l := range d.Lanes {
		ids[l.ID] = mermaidID(l, i)
		if ids[l.ID] == l.Name {
			fmt.Fprintf(&b, "    participant %s\n", l.Name)
		} else {
			fmt.Fprintf(&b, "    participant %s as %s\n", ids[l.ID], mermaidText(l.Name))
		}
	}
	span := ids[d.Lanes[0].ID] + "," + ids[d.Lanes[len(d.Lanes)-1].ID]
	var prev []Counter
	for _, e := range d.Events {
		changed := changedCounters(prev, e.Counters)
		if e.Counters != nil {
			prev = e.Counters
		}
		b.WriteString("    ")
		switch e.Kind {
		case State:
			fmt.Fprintf(&b, "Note over %s: %s %s", span, mermaidText(e.Entered), mermaidText(counterText(e.Counters)))
		case Flagged:
			fmt.Fprintf(&b, "Note over %s: %s", ids["ndis"], mermaidWrap("⚠ "+e.Args()))
		case Note:
			fmt.Fprintf(&b, "Note over %s: %s", span, mermaidWrap(e.Text))
		default:
			arrow := "->>"
			if e.Kind == Return {
				arrow = "-->>"
			}
			text := e.Text
			if changed != "" {
				text += " [" + changed + "]"
			}
			fmt.Fprintf(&b, "%s%s%s: %s", ids[e.From], arrow, ids[e.To], mermaidWrap(text))
		}
		b.WriteString("\n")
	}
	return b.String()
}

// mermaidID is a participant's identifier: its name for the four fixed
// lanes, F1, F2, ... for filters, whose names may hold any character.
func mermaidID(l Lane, i int) string {
	if strings.HasPrefix(l.ID, "filter:") {
		return fmt.Sprintf("F%d", i-2)
	}
	return l.Name
}

// mermaidText escapes what Mermaid would read as syntax: ";" ends a
// statement, "#" starts an entity, and "<" ">" would be taken for HTML. The
// replacer makes one pass, so the "#" and ";" of an entity stay as they are.
var mermaidText = strings.NewReplacer(
	"#", "#35;", ";", "#59;", "<", "#lt;", ">", "#gt;", `"`, "#quot;", "\n", " ",
).Replace

// mermaidWrap escapes text and breaks it into lines of about 60
// characters at spaces, so that a long call does not stretch the diagram.
func mermaidWrap(text string) string {
	const width = 60
	var lines []string
	line := ""
	for _, w := range strings.Fields(text) {
		if line != "" && len(line)+1+len(w) > width {
			lines = append(lines, line)
			line = ""
		}
		if line != "" {
			line += " "
		}
		line += w
	}
	lines = append(lines, line)
	for i := range lines {
		lines[i] = mermaidText(lines[i])
	}
	return strings.Join(lines, "<br/>")
}

// changedCounters is "nbls=1 nbs=0" for the counters that differ from prev;
// empty for the first line, which has no prev.
func changedCounters(prev, cur []Counter) string {
	if prev == nil {
		return ""
	}
	var out []string
	for i, c := range cur {
		if i < len(prev) && prev[i] != c {
			out = append(out, fmt.Sprintf("%s=%d", c.Name, c.Value))
		}
	}
	return strings.Join(out, " ")
}

func counterText(cs []Counter) string {
	var out []string
	for _, c := range cs {
		out = append(out, fmt.Sprintf("%s=%d", c.Name, c.Value))
	}
	return strings.Join(out, " ")
}
