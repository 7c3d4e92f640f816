package rule

import "fmt"

// Name is the public, stable name of a rule, such as "DoubleFree".
type Name string

// Severity follows the rule's basis (see Basis and Rule.CheckBasis): Error for
// "must", a DDI compliance rule or a bug check; Warning for "should" and for
// costs that NDIS absorbs.
type Severity uint8

const (
	// Warning findings fail a check only with --strict.
	Warning Severity = iota + 1
	// Error findings always fail a check and end the run that drew them.
	Error
)

func (s Severity) String() string {
	switch s {
	case Warning:
		return "warning"
	case Error:
		return "error"
	}
	return fmt.Sprintf("Severity(%d)", uint8(s))
}

// Rule is one entry of the catalogue.
type Rule struct {
	Name     Name
	Severity Severity
	Group    string // Pools, Structures, Send and receive, Lifecycle, IRQL and locks
	Summary  string // the rule in one line
	// Bases are what the severity rests on, the one it rests on first
	// (Primary). CheckBasis states the policy.
	Bases   []Basis
	Sources []Source // every page the rule rests on, the bases' pages among them
}

// Source is a documentation page a rule rests on.
type Source struct {
	ID    string // ndissim's tag for the page, such as "S16" (see docs/rules.md)
	Title string // the page's title, such as "NdisFreeNetBufferList"
	URL   string
}

// Lookup returns the catalogue entry for name.
func Lookup(name Name) (Rule, bool) {
	for _, r := range Catalogue {
		if r.Name == name {
			return r, true
		}
	}
	return Rule{}, false
}

// MustLookup is Lookup for names the code itself defines; an unknown name is
// a programming error in ndissim, caught by the catalogue tests.
func MustLookup(name Name) Rule {
	r, ok := Lookup(name)
	if !ok {
		panic("rule: unknown rule " + string(name))
	}
	return r
}
