package gopterx

import (
	"errors"
	"strings"

	"github.com/ndissim/ndissim/properties"
)

func asInvariant(err error, target **properties.InvariantError) bool { return errors.As(err, target) }

func joinLines(lines []string) string { return strings.Join(lines, "\n") }
