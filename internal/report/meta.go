package report

import (
	"github.com/ndissim/ndissim/rule"
)

// meta is what the reports say of a rule, from the catalogue.
type meta struct {
	Name     rule.Name
	Known    bool // in the catalogue; an unknown name gets empty fields
	Severity rule.Severity
	Group    string
	Summary  string
	Kind     string // the primary basis's kind: must, ddi, bugcheck, should, inferred
	Word     string // what the authority says: "must", a DDI rule, "0x7C/0x27"
	Label    string // the basis in a few words, as `ndissim rules` prints it
	Page     string // the NDIS page the rule rests on
	PageName string // its title
}

// lookup reads the catalogue entry of n.
func lookup(n rule.Name) meta {
	r, ok := rule.Lookup(n)
	if !ok {
		return meta{Name: n}
	}
	b := r.Primary()
	m := meta{Name: n, Known: true, Severity: r.Severity, Group: r.Group, Summary: r.Summary,
		Kind: b.Kind.String(), Word: b.Word, Label: b.Label()}
	m.Page, m.PageName = rulePage(r)
	return m
}

// rulePage is the page a rule rests on: its primary basis's, or for an
// inferred rule, which has none, the first of its sources.
func rulePage(r rule.Rule) (url, title string) {
	if p := r.Primary().Page; p.URL != "" {
		return p.URL, p.Title
	}
	if len(r.Sources) > 0 {
		return r.Sources[0].URL, r.Sources[0].Title
	}
	return "", ""
}

// severityName is "error" or "warning"; "" for the zero value.
func severityName(s rule.Severity) string {
	switch s {
	case rule.Error, rule.Warning:
		return s.String()
	}
	return ""
}
