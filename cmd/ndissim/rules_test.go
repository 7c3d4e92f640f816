package main

import (
	"encoding/json"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/ndissim/ndissim/rule"
)

// rulesRow finds the table row of one rule in `ndissim rules` output.
func rulesRow(t *testing.T, out string, name rule.Name) string {
	t.Helper()
	re := regexp.MustCompile(`(?m)^` + string(name) + `\s.*$`)
	row := re.FindString(out)
	require.NotEmpty(t, row, "no row for %s", name)
	return row
}

// `ndissim rules` prints each rule's basis, inferred ones marked.
func TestRulesPrintsTheBasis(t *testing.T) {
	code, out, _ := ndissim(t, "rules")
	require.Equal(t, exitOK, code)
	require.Regexp(t, `^RULE\s+SEVERITY\s+BASIS\s+THE RULE\s+SOURCE\n`, out)

	for name, want := range map[rule.Name]string{
		rule.Name("OpenOutsideBind"):       "bugcheck: 0x7C/0x16 (+1)",
		rule.LeakAtUnbind:                  "bugcheck: 0x7C/0x27 (+1)",
		rule.Name("IrqlTooHigh"):           "ddi: Irql_Protocol_Driver_Function (+3)",
		rule.Name("SpinLockReleaseUnheld"): "ddi: SpinLockRelease",
		rule.Name("BindWithoutOpen"):       "must: NdisOpenAdapterEx page",
		rule.PoolFreedWithOutstanding:      "must: NdisFreeNetBufferListPool page",
		rule.FreeOrderNbBeforeNbl:          "should: Protocol Driver Buffer Management page (+1)",
		rule.DoubleFree:                    "bugcheck: memory corruption (double free)",
		rule.NetBufferLinkedTwice:          "inferred (see below)",
		rule.DesignPanic:                   "inferred (see below)",
	} {
		row := rulesRow(t, out, name)
		require.Contains(t, row, "  "+want+"  ", row)
		require.Contains(t, row, rule.MustLookup(name).Severity.String(), row)
	}

	// Inferred rules are listed after the table with ndissim's reason.
	_, after, ok := strings.Cut(out, "\nInferred: ")
	require.True(t, ok, "no list of inferred rules")
	for _, r := range rule.Catalogue {
		line := "  " + string(r.Name) + " (" + r.Severity.String() + ", inferred): "
		if r.Inferred() {
			require.Contains(t, after, line)
			require.Contains(t, rulesRow(t, out, r.Name), "inferred")
		} else {
			require.NotContains(t, after, "  "+string(r.Name)+" (")
			require.NotContains(t, rulesRow(t, out, r.Name), "inferred")
		}
	}
}

func TestRulesJSON(t *testing.T) {
	code, out, _ := ndissim(t, "rules", "--json")
	require.Equal(t, exitOK, code)

	type page struct{ ID, Title, URL string }
	type basis struct {
		Kind string
		Word string
		Page *page
		Why  string
	}
	var got []struct {
		Name     string
		Severity string
		Group    string
		Summary  string
		Inferred bool
		Basis    basis
		Bases    []basis
		Sources  []page
	}
	require.NoError(t, json.Unmarshal([]byte(out), &got))
	require.Len(t, got, len(rule.Catalogue))
	for i, r := range rule.Catalogue {
		g := got[i]
		require.Equal(t, string(r.Name), g.Name)
		require.Equal(t, r.Severity.String(), g.Severity)
		require.Equal(t, r.Group, g.Group)
		require.Equal(t, r.Summary, g.Summary)
		require.Equal(t, r.Inferred(), g.Inferred, g.Name)
		require.Len(t, g.Bases, len(r.Bases), g.Name)
		require.Equal(t, g.Bases[0], g.Basis, g.Name)
		require.Len(t, g.Sources, len(r.Sources), g.Name)
		if g.Basis.Kind == "inferred" {
			require.Nil(t, g.Basis.Page, g.Name)
			require.NotEmpty(t, g.Basis.Why, g.Name)
		} else {
			require.NotNil(t, g.Basis.Page, g.Name)
			require.NotEmpty(t, g.Basis.Word, g.Name)
		}
	}

	byName := map[string]int{}
	for i, g := range got {
		byName[g.Name] = i
	}
	leak := got[byName[string(rule.LeakAtUnbind)]]
	require.Equal(t, "bugcheck", leak.Basis.Kind)
	require.Equal(t, "0x7C/0x27", leak.Basis.Word)
	require.Equal(t, "https://learn.microsoft.com/windows-hardware/drivers/debugger/bug-check-0x7c--bugcode-ndis-driver", leak.Basis.Page.URL)
	open := got[byName[string(rule.Name("OpenOutsideBind"))]]
	require.Equal(t, "must", open.Bases[1].Kind)
	require.Equal(t, "must", open.Bases[1].Word)
	require.Equal(t, "NdisOpenAdapterEx", open.Bases[1].Page.Title)
	pausing := got[byName[string(rule.Name("SendWhilePausing"))]]
	require.Equal(t, basis{Kind: "should", Word: "should not",
		Page: &page{ID: "S5", Title: "Pausing a Binding", URL: "https://learn.microsoft.com/windows-hardware/drivers/network/pausing-a-binding"}},
		pausing.Basis)
	require.Equal(t, "warning", pausing.Severity)
	require.True(t, got[byName[string(rule.NetBufferLinkedTwice)]].Inferred)
}

func TestRulesRejectsArguments(t *testing.T) {
	code, _, _ := ndissim(t, "rules", "extra")
	require.Equal(t, exitInput, code)
}
