package properties

import (
	"errors"
	"strings"

	"github.com/ndissim/ndissim/rule"
)

func asInvariant(err error, target **InvariantError) bool { return errors.As(err, target) }

func joinLines(lines []string) string { return strings.Join(lines, "\n") }

func ruleCatalogue() []rule.Name {
	var out []rule.Name
	for _, r := range rule.Catalogue {
		if r.Severity == rule.Error {
			out = append(out, r.Name)
		}
	}
	return out
}
