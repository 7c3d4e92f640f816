package rule

import (
	"bytes"
	"encoding/json"
)

// The catalogue as `ndissim rules --json` prints it.
type (
	jsonRule struct {
		Name     Name         `json:"name"`
		Severity string       `json:"severity"`
		Group    string       `json:"group"`
		Summary  string       `json:"summary"`
		Inferred bool         `json:"inferred"`
		Basis    jsonBasis    `json:"basis"` // the primary basis
		Bases    []jsonBasis  `json:"bases"` // all of them, the primary first
		Sources  []jsonSource `json:"sources"`
	}
	jsonBasis struct {
		Kind string      `json:"kind"`
		Word string      `json:"word,omitempty"`
		Page *jsonSource `json:"page,omitempty"`
		Why  string      `json:"why,omitempty"`
	}
	jsonSource struct {
		ID    string `json:"id"`
		Title string `json:"title"`
		URL   string `json:"url"`
	}
)

// JSON renders the catalogue as an indented JSON array, one object per rule
// in catalogue order: name, severity, group, summary, inferred, basis (the
// primary one: kind, word, page, why), bases (all) and sources.
func JSON() ([]byte, error) {
	out := make([]jsonRule, 0, len(Catalogue))
	for _, r := range Catalogue {
		j := jsonRule{
			Name: r.Name, Severity: r.Severity.String(), Group: r.Group, Summary: r.Summary,
			Inferred: r.Inferred(), Bases: []jsonBasis{}, Sources: []jsonSource{},
		}
		for _, b := range r.Bases {
			jb := jsonBasis{Kind: b.Kind.String(), Word: b.Word, Why: b.Why}
			if b.Page.URL != "" {
				p := jsonSource(b.Page)
				jb.Page = &p
			}
			j.Bases = append(j.Bases, jb)
		}
		if len(j.Bases) > 0 {
			j.Basis = j.Bases[0]
		}
		for _, s := range r.Sources {
			j.Sources = append(j.Sources, jsonSource(s))
		}
		out = append(out, j)
	}
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false) // summaries hold ">" and "&"; print them as they are
	enc.SetIndent("", "  ")
	if err := enc.Encode(out); err != nil {
		return nil, err
	}
	return bytes.TrimSuffix(b.Bytes(), []byte("\n")), nil
}
