package designfile_test

import (
	"errors"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/ndissim/ndissim/internal/designfile"
	"github.com/ndissim/ndissim/rule"
	"github.com/ndissim/ndissim/sim"
)

// withRules is a valid design of six lines; cases add a rules section from
// line 7.
const withRules = withProtocol + "rules:\n"

func TestRulesSectionIsCarriedOnTheDesign(t *testing.T) {
	src := withRules +
		"  - {rule: SendBackfillShortfall, severity: error}\n" +
		"  - rule: PnPEventFailed\n" +
		"    silence: \"the miniport below never fails a pause\"\n"
	d, err := designfile.Parse("t.yaml", []byte(src))
	require.NoError(t, err)
	require.Equal(t, []sim.RuleSetting{
		{Rule: rule.SendBackfillShortfall, Severity: "error", Line: 8, Col: 5},
		{Rule: rule.PnPEventFailed, Silence: "the miniport below never fails a pause", Line: 9, Col: 5},
	}, d.Rules)

	for _, empty := range []string{withProtocol, withRules, withProtocol + "rules: []\n"} {
		d, err := designfile.Parse("t.yaml", []byte(empty))
		require.NoError(t, err)
		require.Empty(t, d.Rules)
	}
}

// Every mistake in a rules entry is an error at its line and column.
func TestRulesSectionIsStrict(t *testing.T) {
	cases := []struct {
		name      string
		src       string
		line, col int
		field     string
		msg       string
	}{
		{"unknown rule", "  - {rule: NoSuchRule, severity: error}\n", 8, 12, "rules[0].rule", `no rule named "NoSuchRule"; expected the name of a rule, as ` + "`ndissim rules`" + ` lists it`},
		{"rule in the wrong case", "  - {rule: doublefree, silence: x}\n", 8, 12, "rules[0].rule", "did you mean DoubleFree? (rule names are case-sensitive)"},
		{"rule not a string", "  - {rule: 12, severity: error}\n", 8, 12, "rules[0].rule", "got the integer 12"},
		{"no rule", "  - {severity: error}\n", 8, 5, "rules[0].rule", "required; expected the name of a rule"},
		{"missing reason", "  - {rule: DoubleFree, silence: }\n", 8, 33, "rules[0].silence", "expected a reason: why DoubleFree does not apply to this design, got nothing"},
		{"empty reason", "  - {rule: DoubleFree, silence: \"  \"}\n", 8, 33, "rules[0].silence", "got an empty string"},
		{"both", "  - {rule: PnPEventFailed, severity: error, silence: why}\n", 8, 45, "rules[0]", "both severity and silence; expected one"},
		{"neither", "  - {rule: PnPEventFailed}\n", 8, 5, "rules[0]", "expected severity: error (raise PnPEventFailed to an error) or silence: REASON (silence it), got neither"},
		{"severity warning", "  - {rule: DoubleFree, severity: warning}\n", 8, 34, "rules[0].severity", `expected error (a rules entry raises a warning to an error; to set a rule aside, silence it with a reason), got "warning"`},
		{"severity not a string", "  - {rule: DoubleFree, severity: true}\n", 8, 34, "rules[0].severity", "got true"},
		{"unknown key", "  - {rule: DoubleFree, silenced: x}\n", 8, 24, "rules[0].silenced", "unknown field; expected one of rule, severity, silence"},
		{"twice", "  - {rule: PnPEventFailed, severity: error}\n  - {rule: PnPEventFailed, silence: x}\n", 9, 12, "rules[1].rule", "PnPEventFailed already has a setting on line 8; give each rule one entry"},
		{"a bare name", "  - DoubleFree\n", 8, 5, "rules[0]", `expected a mapping of rule, severity, silence, got the string "DoubleFree"`},
		{"not a list", "  DoubleFree: error\n", 8, 3, "rules", "expected a list, got a mapping"},
	}
	for _, c := range cases {
		_, err := designfile.Parse("t.yaml", []byte(withRules+c.src))
		var de *designfile.Error
		require.True(t, errors.As(err, &de), "%s: %v", c.name, err)
		require.Equal(t, c.line, de.Line, "%s: %v", c.name, err)
		require.Equal(t, c.col, de.Column, "%s: %v", c.name, err)
		require.Equal(t, c.field, de.Field, "%s: %v", c.name, err)
		require.Contains(t, de.Msg, c.msg, c.name)
	}
}
