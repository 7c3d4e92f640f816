package rule

import (
	"fmt"
	"strings"
)

// Finding is one violation of a rule, as a driver author reads it.
// It implements error so that the packages that detect misuse can return it
// as a value; callers branch on it with errors.As.
type Finding struct {
	Rule     Name
	Severity Severity
	State    string   // the binding's lifecycle state when the rule broke, if known
	Step     int      // the simulation step, if known (0: outside a simulation)
	Objects  []string // the objects involved, such as "NBL 7", "NB 12", "pool 1"
	Message  string
}

// New returns a finding of the named rule with the catalogue's severity.
func New(name Name, objects []string, format string, args ...any) *Finding {
	return &Finding{
		Rule:     name,
		Severity: MustLookup(name).Severity,
		Objects:  objects,
		Message:  fmt.Sprintf(format, args...),
	}
}

func (f *Finding) Error() string {
	var b strings.Builder
	b.WriteString(string(f.Rule))
	b.WriteString(" (")
	b.WriteString(f.Severity.String())
	b.WriteString(")")
	if f.State != "" {
		b.WriteString(" in ")
		b.WriteString(f.State)
	}
	if f.Step > 0 {
		fmt.Fprintf(&b, " at step %d", f.Step)
	}
	b.WriteString(": ")
	b.WriteString(f.Message)
	return b.String()
}
