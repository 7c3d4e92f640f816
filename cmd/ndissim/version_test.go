package main

import (
	"runtime/debug"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/ndissim/ndissim/sim"
)

func TestVersionTextFromBuildInfo(t *testing.T) {
	engine := "engine: " + sim.Version + " "
	cases := map[string]struct {
		info *debug.BuildInfo
		ok   bool
		want []string
	}{
		"installed from a tag": {&debug.BuildInfo{Main: debug.Module{Version: "v1.2.3"}}, true,
			[]string{"ndissim v1.2.3\n", "commit: unknown\n"}},
		"built in a dirty checkout": {&debug.BuildInfo{Main: debug.Module{Version: "(devel)"}, Settings: []debug.BuildSetting{
			{Key: "vcs.revision", Value: "0123abcd"}, {Key: "vcs.modified", Value: "true"}}}, true,
			[]string{"ndissim (devel)\n", "commit: 0123abcd (modified)\n"}},
		"built in a clean checkout": {&debug.BuildInfo{Main: debug.Module{Version: "v0.0.0-20260101000000-0123abcd0123"}, Settings: []debug.BuildSetting{
			{Key: "vcs.revision", Value: "0123abcd"}, {Key: "vcs.modified", Value: "false"}}}, true,
			[]string{"ndissim v0.0.0-20260101000000-0123abcd0123\n", "commit: 0123abcd\n"}},
		"no build information": {nil, false, []string{"ndissim (devel)\n", "commit: unknown\n"}},
		"empty main version":   {&debug.BuildInfo{}, true, []string{"ndissim (devel)\n"}},
	}
	for name, c := range cases {
		got := versionText(c.info, c.ok)
		for _, w := range c.want {
			require.Contains(t, got, w, name)
		}
		require.Contains(t, got, engine, name)
		require.Equal(t, 3, strings.Count(got, "\n"), name)
	}
}

func TestVersionFlag(t *testing.T) {
	code, out, errs := ndissim(t, "--version")
	require.Equal(t, exitOK, code, errs)
	require.Equal(t, buildVersion(), out)
	require.True(t, strings.HasPrefix(out, "ndissim "), out)
	require.Contains(t, out, "engine: "+sim.Version)
}
