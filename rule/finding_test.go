package rule_test

import (
	"errors"
	"fmt"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/ndissim/ndissim/rule"
)

func TestNewTakesTheCatalogueSeverity(t *testing.T) {
	f := rule.New(rule.SendContextShortfall, []string{"NBL 3"}, "%s has %d bytes", "NBL 3", 0)
	require.Equal(t, rule.Warning, f.Severity)
	require.Equal(t, "NBL 3 has 0 bytes", f.Message)
	require.Equal(t, []string{"NBL 3"}, f.Objects)
	require.Equal(t, rule.Error, rule.New(rule.DoubleFree, nil, "x").Severity)
	require.Panics(t, func() { rule.New("NoSuchRule", nil, "x") })
}

func TestFindingError(t *testing.T) {
	f := rule.New(rule.DoubleFree, nil, "NdisFreeNetBufferList: NBL 4 was already freed")
	require.Equal(t, "DoubleFree (error): NdisFreeNetBufferList: NBL 4 was already freed", f.Error())
	f.State = "Running"
	f.Step = 12
	require.Equal(t, "DoubleFree (error) in Running at step 12: NdisFreeNetBufferList: NBL 4 was already freed", f.Error())

	// A finding is an error value that callers branch on with errors.As.
	var err error = fmt.Errorf("run 3: %w", f)
	var got *rule.Finding
	require.True(t, errors.As(err, &got))
	require.Equal(t, rule.DoubleFree, got.Rule)
}
