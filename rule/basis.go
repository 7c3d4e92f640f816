package rule

import (
	"errors"
	"fmt"
	"regexp"
	"strings"
)

// BasisKind is the kind of authority a rule rests on.
type BasisKind uint8

const (
	// Must: an English Microsoft page says "must" or "must not".
	Must BasisKind = iota + 1
	// DDI: a DDI compliance rule of Static Driver Verifier or Driver
	// Verifier names the misuse.
	DDI
	// BugCheck: NDIS stops Windows with bug check 0x7C and a subcode, or the
	// misuse corrupts memory (a use after free, a double free), which ends
	// in a bug check of its own.
	BugCheck
	// Should: an English Microsoft page says "should" or "should not".
	Should
	// Inferred: no page says it; the basis carries ndissim's reason.
	Inferred
)

var kindNames = map[BasisKind]string{
	Must: "must", DDI: "ddi", BugCheck: "bugcheck", Should: "should", Inferred: "inferred",
}

func (k BasisKind) String() string {
	if s, ok := kindNames[k]; ok {
		return s
	}
	return fmt.Sprintf("BasisKind(%d)", uint8(k))
}

// strength orders the kinds: must, ddi and bugcheck make errors, should makes
// warnings, inferred makes either.
func (k BasisKind) strength() int {
	switch k {
	case Must, DDI, BugCheck:
		return 3
	case Should:
		return 2
	}
	return 1
}

// Basis is one ground for a rule's severity.
type Basis struct {
	Kind BasisKind
	// Word is what the authority says:
	//   must, should: the page's keyword ("must", "must not", "should", "should not");
	//   ddi: the rule's name ("Irql_Protocol_Driver_Function");
	//   bugcheck: the bug check and subcode ("0x7C/0x27") or
	//     "memory corruption (...)" naming the corruption;
	//   inferred: empty.
	Word string
	// Page is where the authority says it: the English page, the DDI
	// rule's page, the bug check's page or the page that sets up the
	// ownership being broken. Empty only for inferred.
	Page Source
	// Why is ndissim's reason for an inferred basis (required), or a note
	// on any other basis (what the keyword covers, what it leaves out).
	Why string
}

var (
	bugCheckWord = regexp.MustCompile(`^0x7C/0x[0-9A-F]{2}$|^memory corruption \(.+\)$`)
	ddiWord      = regexp.MustCompile(`^[A-Z][A-Za-z]*(_[A-Za-z]+)*$`)
)

// check reports what is missing or malformed in one basis.
func (b Basis) check() error {
	switch b.Kind {
	case Must:
		if b.Word != "must" && b.Word != "must not" {
			return fmt.Errorf("a must basis quotes \"must\" or \"must not\", not %q", b.Word)
		}
	case Should:
		if b.Word != "should" && b.Word != "should not" {
			return fmt.Errorf("a should basis quotes \"should\" or \"should not\", not %q", b.Word)
		}
	case DDI:
		if !ddiWord.MatchString(b.Word) {
			return fmt.Errorf("a ddi basis names the rule, not %q", b.Word)
		}
	case BugCheck:
		if !bugCheckWord.MatchString(b.Word) {
			return fmt.Errorf("a bugcheck basis names 0x7C/0xNN or \"memory corruption (...)\", not %q", b.Word)
		}
	case Inferred:
		if b.Word != "" {
			return fmt.Errorf("an inferred basis quotes no word, has %q", b.Word)
		}
		if strings.TrimSpace(b.Why) == "" {
			return errors.New("an inferred basis says why ndissim holds the rule")
		}
		return nil
	default:
		return fmt.Errorf("basis of unknown kind %d", b.Kind)
	}
	if b.Page.URL == "" || b.Page.ID == "" || b.Page.Title == "" {
		return fmt.Errorf("the %s basis %q names no page", b.Kind, b.Word)
	}
	return nil
}

// Label is the basis in a few words, as `ndissim rules` prints it:
// "must: NdisOpenAdapterEx page", "ddi: Irql_Protocol_Driver_Function",
// "bugcheck: 0x7C/0x27", "inferred".
func (b Basis) Label() string {
	switch b.Kind {
	case Must, Should:
		return b.Kind.String() + ": " + b.Page.Title + " page"
	case DDI, BugCheck:
		return b.Kind.String() + ": " + b.Word
	}
	return b.Kind.String()
}

// Primary is the basis the rule's severity rests on: the first.
func (r Rule) Primary() Basis {
	if len(r.Bases) == 0 {
		return Basis{}
	}
	return r.Bases[0]
}

// Inferred reports whether no page, DDI rule or bug check stands behind the
// rule's severity: its primary basis is ndissim's own reading.
func (r Rule) Inferred() bool { return r.Primary().Kind == Inferred }

// CheckBasis applies the severity policy to a rule:
//
//   - every rule has at least one basis, each complete (a keyword or a rule
//     or bug check named, with its page; an inferred one with its reason);
//   - a must, ddi or bugcheck basis makes the rule an Error;
//   - otherwise a should basis makes it a Warning;
//   - a rule resting only on inferred bases may be either;
//   - the first basis is the strongest, since the severity rests on it;
//   - every basis's page is among the rule's Sources.
func (r Rule) CheckBasis() error {
	if len(r.Bases) == 0 {
		return fmt.Errorf("%s has no basis", r.Name)
	}
	strongest := 0
	for i, b := range r.Bases {
		if err := b.check(); err != nil {
			return fmt.Errorf("%s, basis %d: %w", r.Name, i+1, err)
		}
		strongest = max(strongest, b.Kind.strength())
		if b.Page.URL != "" && !hasSource(r.Sources, b.Page) {
			return fmt.Errorf("%s, basis %d: page %s is not among the rule's sources", r.Name, i+1, b.Page.ID)
		}
	}
	if p := r.Primary(); p.Kind.strength() < strongest {
		return fmt.Errorf("%s: the first basis (%s) is not the strongest; list the one the severity rests on first", r.Name, p.Kind)
	}
	switch want := r.Primary().Kind; {
	case want.strength() == 3 && r.Severity != Error:
		return fmt.Errorf("%s rests on %s but its severity is %s; %s makes an error", r.Name, r.Primary().Label(), r.Severity, want)
	case want == Should && r.Severity != Warning:
		return fmt.Errorf("%s rests on %s but its severity is %s; should makes a warning", r.Name, r.Primary().Label(), r.Severity)
	}
	return nil
}

func hasSource(sources []Source, s Source) bool {
	for _, x := range sources {
		if x == s {
			return true
		}
	}
	return false
}
