package rule_test

import (
	"go/ast"
	"go/parser"
	"go/token"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/ndissim/ndissim/internal/ruletest"
	"github.com/ndissim/ndissim/rule"
)

// nameConstants reads the Name constants declared in catalogue.go, in
// order, with their values.
func nameConstants(t *testing.T) (idents []string, values []rule.Name) {
	t.Helper()
	f, err := parser.ParseFile(token.NewFileSet(), "catalogue.go", nil, 0)
	require.NoError(t, err)
	for _, decl := range f.Decls {
		gd, ok := decl.(*ast.GenDecl)
		if !ok || gd.Tok != token.CONST {
			continue
		}
		for _, spec := range gd.Specs {
			vs := spec.(*ast.ValueSpec)
			if id, ok := vs.Type.(*ast.Ident); !ok || id.Name != "Name" {
				continue
			}
			for i, n := range vs.Names {
				lit, ok := vs.Values[i].(*ast.BasicLit)
				require.True(t, ok && lit.Kind == token.STRING, "%s is not a string literal", n.Name)
				v, err := strconv.Unquote(lit.Value)
				require.NoError(t, err)
				idents = append(idents, n.Name)
				values = append(values, rule.Name(v))
			}
		}
	}
	require.NotEmpty(t, idents, "no Name constants found in catalogue.go")
	return idents, values
}

// Every Name constant is in the catalogue, under its own spelling, and the
// catalogue holds nothing else.
func TestEveryNameConstantIsCatalogued(t *testing.T) {
	idents, values := nameConstants(t)
	for i, id := range idents {
		require.Equal(t, id, string(values[i]), "the constant %s must spell its own name", id)
		_, ok := rule.Lookup(values[i])
		require.True(t, ok, "%s is declared but not in Catalogue", id)
	}
	require.Len(t, rule.Catalogue, len(values), "Catalogue has entries that are not Name constants")
}

func TestCatalogueNamesAreUnique(t *testing.T) {
	seen := map[rule.Name]bool{}
	for _, r := range rule.Catalogue {
		require.NotEmpty(t, r.Name)
		require.False(t, seen[r.Name], "%s appears twice", r.Name)
		seen[r.Name] = true
	}
}

var groups = []string{"Pools", "Structures", "Send and receive", "Lifecycle", "IRQL and locks"}

func TestCatalogueEntriesAreWellFormed(t *testing.T) {
	urls := map[string]string{} // by ID
	ids2 := map[string]string{} // by URL
	var order []string
	for _, r := range rule.Catalogue {
		require.Contains(t, []rule.Severity{rule.Error, rule.Warning}, r.Severity, r.Name)
		require.Contains(t, groups, r.Group, r.Name)
		require.NotEmpty(t, strings.TrimSpace(r.Summary), r.Name)
		require.NotContains(t, r.Summary, "\n", r.Name)

		if r.Name != rule.DesignPanic {
			require.NotEmpty(t, r.Sources, "%s rests on no NDIS page", r.Name)
		}
		ids := map[string]bool{}
		for _, s := range r.Sources {
			// S<n> is the contract's tag for a page; a lower-case letter
			// after it marks a further page filed under that tag.
			require.Regexp(t, `^S\d+[a-z]?$`, s.ID, r.Name)
			require.NotEmpty(t, s.Title, "%s: source %s has no title", r.Name, s.ID)
			require.False(t, ids[s.ID], "%s cites %s twice", r.Name, s.ID)
			ids[s.ID] = true
			require.True(t, strings.HasPrefix(s.URL, "https://learn.microsoft.com/windows-hardware/drivers/"), "%s: %s", r.Name, s.URL)
			if u, ok := urls[s.ID]; ok {
				require.Equal(t, u, s.URL, "source %s has two URLs", s.ID)
			}
			urls[s.ID] = s.URL
			if id, ok := ids2[s.URL]; ok {
				require.Equal(t, id, s.ID, "%s has two IDs", s.URL)
			}
			ids2[s.URL] = s.ID
		}

		// A group is one run of the catalogue, so that docs/rules.md has
		// one table per group in catalogue order.
		if len(order) == 0 || order[len(order)-1] != r.Group {
			require.NotContains(t, order, r.Group, "group %s is split (at %s)", r.Group, r.Name)
			order = append(order, r.Group)
		}
	}
	require.Equal(t, groups, order)
}

func TestLookup(t *testing.T) {
	r, ok := rule.Lookup(rule.SendBackfillShortfall)
	require.True(t, ok)
	require.Equal(t, rule.Warning, r.Severity)
	_, ok = rule.Lookup("NoSuchRule")
	require.False(t, ok)
	require.Equal(t, rule.DoubleFree, rule.MustLookup(rule.DoubleFree).Name)
	require.PanicsWithValue(t, "rule: unknown rule NoSuchRule", func() { rule.MustLookup("NoSuchRule") })
	require.Equal(t, "Severity(0)", rule.Severity(0).String())
}

// No rule exists without a test: every rule of the catalogue is broken by
// some table of tests (each table checks, in its own package, that it breaks
// exactly the rules listed for it), or is pending with a reason.
func TestEveryRuleHasATable(t *testing.T) {
	where := map[rule.Name][]ruletest.Table{}
	for table, names := range ruletest.Tables {
		for _, n := range names {
			_, ok := rule.Lookup(n)
			require.True(t, ok, "table %s lists %s, which is not a rule", table, n)
			require.NotContains(t, where[n], table, "table %s lists %s twice", table, n)
			where[n] = append(where[n], table)
		}
	}
	for n, why := range ruletest.Pending {
		_, ok := rule.Lookup(n)
		require.True(t, ok, "Pending lists %s, which is not a rule", n)
		require.Empty(t, where[n], "%s is pending but table(s) %v break it", n, where[n])
		require.NotEmpty(t, why, "%s is pending without a reason", n)
	}
	for _, r := range rule.Catalogue {
		_, pending := ruletest.Pending[r.Name]
		require.True(t, len(where[r.Name]) > 0 || pending, "no table of tests breaks %s", r.Name)
	}
}
