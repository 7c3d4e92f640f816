package properties

import "github.com/ndissim/ndissim/rule"

func ruleCatalogue() []rule.Name {
	var out []rule.Name
	for _, r := range rule.Catalogue {
		if r.Severity == rule.Error {
			out = append(out, r.Name)
		}
	}
	return out
}
