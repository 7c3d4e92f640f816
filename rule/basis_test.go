package rule_test

import (
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/ndissim/ndissim/rule"
)

// Every rule has a basis, and its severity follows it: must, ddi and
// bugcheck make errors, should makes warnings, inferred carries a reason.
func TestEveryRuleFollowsTheSeverityPolicy(t *testing.T) {
	for _, r := range rule.Catalogue {
		require.NoError(t, r.CheckBasis())
	}
}

var pg = rule.Source{ID: "S1", Title: "Some Page", URL: "https://learn.microsoft.com/windows-hardware/drivers/x"}

func TestCheckBasisRejectsContradictions(t *testing.T) {
	r := func(sev rule.Severity, bases ...rule.Basis) rule.Rule {
		return rule.Rule{Name: "R", Severity: sev, Bases: bases, Sources: []rule.Source{pg}}
	}
	must := rule.Basis{Kind: rule.Must, Word: "must", Page: pg}
	should := rule.Basis{Kind: rule.Should, Word: "should", Page: pg}
	ddi := rule.Basis{Kind: rule.DDI, Word: "Irql_Protocol_Driver_Function", Page: pg}
	bug := rule.Basis{Kind: rule.BugCheck, Word: "0x7C/0x27", Page: pg}
	mem := rule.Basis{Kind: rule.BugCheck, Word: "memory corruption (double free)", Page: pg}
	inf := rule.Basis{Kind: rule.Inferred, Why: "because"}

	for _, ok := range []rule.Rule{
		r(rule.Error, must), r(rule.Error, ddi), r(rule.Error, bug), r(rule.Error, mem),
		r(rule.Warning, should), r(rule.Error, inf), r(rule.Warning, inf),
		r(rule.Error, must, should, inf), r(rule.Warning, should, inf),
	} {
		require.NoError(t, ok.CheckBasis())
	}
	for want, bad := range map[string]rule.Rule{
		"has no basis":                    r(rule.Error),
		"must makes an error":             r(rule.Warning, must),
		"ddi makes an error":              r(rule.Warning, ddi),
		"bugcheck makes an error":         r(rule.Warning, bug),
		"should makes a warning":          r(rule.Error, should),
		"says why":                        r(rule.Error, rule.Basis{Kind: rule.Inferred}),
		"is not the strongest":            r(rule.Error, inf, must),
		`quotes "must" or "must not"`:     r(rule.Error, rule.Basis{Kind: rule.Must, Word: "shall", Page: pg}),
		`quotes "should" or "should not"`: r(rule.Warning, rule.Basis{Kind: rule.Should, Word: "must", Page: pg}),
		"names 0x7C/0xNN":                 r(rule.Error, rule.Basis{Kind: rule.BugCheck, Word: "0x9F", Page: pg}),
		"names the rule":                  r(rule.Error, rule.Basis{Kind: rule.DDI, Word: "", Page: pg}),
		"names no page":                   r(rule.Error, rule.Basis{Kind: rule.Must, Word: "must"}),
		"not among the rule's sources": r(rule.Error, rule.Basis{Kind: rule.Must, Word: "must",
			Page: rule.Source{ID: "S2", Title: "Other", URL: "https://learn.microsoft.com/windows-hardware/drivers/y"}}),
		"unknown kind": r(rule.Error, rule.Basis{Kind: 9}),
	} {
		err := bad.CheckBasis()
		require.Error(t, err, want)
		require.Contains(t, err.Error(), want)
	}
}

func TestBasisLabels(t *testing.T) {
	label := func(n rule.Name) string { return rule.MustLookup(n).Primary().Label() }
	require.Equal(t, "bugcheck: 0x7C/0x16", label(rule.OpenOutsideBind))
	require.Equal(t, "must", rule.MustLookup(rule.OpenOutsideBind).Bases[1].Kind.String())
	require.Equal(t, "must: NdisOpenAdapterEx page", rule.MustLookup(rule.OpenOutsideBind).Bases[1].Label())
	require.Equal(t, "ddi: Irql_Protocol_Driver_Function", label(rule.IrqlTooHigh))
	require.Equal(t, "bugcheck: 0x7C/0x27", label(rule.LeakAtUnbind))
	require.Equal(t, "bugcheck: memory corruption (double free)", label(rule.DoubleFree))
	require.Equal(t, "should: Protocol Driver Buffer Management page", label(rule.FreeOrderNbBeforeNbl))
	require.Equal(t, "inferred", label(rule.NetBufferLinkedTwice))
	require.True(t, rule.MustLookup(rule.DesignPanic).Inferred())
	require.False(t, rule.MustLookup(rule.DesignHang).Inferred())
	require.Equal(t, "BasisKind(0)", rule.BasisKind(0).String())
	require.Equal(t, rule.Basis{}, rule.Rule{}.Primary())
}

// The decisions the issue fixed, pinned so that a later edit of the
// catalogue cannot quietly undo them.
func TestDecidedBases(t *testing.T) {
	kind := func(n rule.Name) rule.BasisKind { return rule.MustLookup(n).Primary().Kind }
	for _, n := range []rule.Name{rule.FreeOrderNbBeforeNbl, rule.NbPoolFreedWithOutstanding, rule.SendWhilePausing,
		rule.CloseWithOidsOutstanding, rule.PnPEventFailed, rule.RetreatAllocates, rule.SendBackfillShortfall, rule.SendContextShortfall} {
		require.Equal(t, rule.Should, kind(n), n)
		require.Equal(t, rule.Warning, rule.MustLookup(n).Severity, n)
	}
	for _, n := range []rule.Name{rule.IrqlTooHigh, rule.IrqlTooLow, rule.DispatchFlagMismatch,
		rule.SpinLockHeldAtReturn, rule.SpinLockReleaseUnheld, rule.SpinLockReacquired, rule.AllocationFailureIgnored} {
		require.Equal(t, rule.DDI, kind(n), n)
	}
	for _, n := range []rule.Name{rule.OpenOutsideBind, rule.LeakAtUnbind, rule.DoubleFree, rule.UseAfterFree,
		rule.PoolUseAfterFree, rule.DesignHang, rule.PauseNotCompleted} {
		require.Equal(t, rule.BugCheck, kind(n), n)
	}
	for _, n := range []rule.Name{rule.NetBufferLinkedTwice, rule.DesignPanic, rule.PoolChangedWhileActive, rule.ResourcesKeptPastUnbind} {
		require.Equal(t, rule.Inferred, kind(n), n)
	}

	// 0x7C/0x25 has no subcode for a bind: PendedNotCompleted's bind case
	// rests on the bind page, and its citation of 0x25 names the subcodes
	// that exist.
	p := rule.MustLookup(rule.PendedNotCompleted)
	require.Equal(t, rule.Must, p.Primary().Kind)
	require.Contains(t, p.Summary, "P2 0x02 or 0x04")
	for _, b := range p.Bases {
		if b.Word == "0x7C/0x25" {
			require.NotRegexp(t, `\bbind\b`, b.Why)
		}
	}
}

func TestJSONListsTheCatalogue(t *testing.T) {
	b, err := rule.JSON()
	require.NoError(t, err)
	var got []map[string]any
	require.NoError(t, json.Unmarshal(b, &got))
	require.Len(t, got, len(rule.Catalogue))
	for i, r := range rule.Catalogue {
		require.Equal(t, string(r.Name), got[i]["name"])
		require.Equal(t, r.Primary().Kind.String(), got[i]["basis"].(map[string]any)["kind"])
	}
	require.Contains(t, string(b), "DataSize > 0", "no HTML escaping")
}
