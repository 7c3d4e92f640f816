package main

import (
	"fmt"
	"runtime/debug"
	"strings"

	"github.com/ndissim/ndissim/sim"
)

// versionText is what `ndissim --version` prints: the module version the
// binary was built as, the commit it was built from, and the engine version
// stamped into traces. `go install ...@vX.Y.Z` gives a version and no
// commit (a module zip carries no VCS data); `go build` in a checkout gives
// a commit and, since Go 1.24, a pseudo-version. What is missing is said,
// never guessed.
func versionText(info *debug.BuildInfo, ok bool) string {
	version, commit, modified := "(devel)", "unknown", false
	if ok && info != nil {
		if v := info.Main.Version; v != "" {
			version = v
		}
		for _, s := range info.Settings {
			switch s.Key {
			case "vcs.revision":
				if s.Value != "" {
					commit = s.Value
				}
			case "vcs.modified":
				modified = s.Value == "true"
			}
		}
	}
	if modified {
		commit += " (modified)"
	}
	return fmt.Sprintf("ndissim %s\ncommit: %s\nengine: %s (traces replay only on this engine version)\n", version, commit, sim.Version)
}

// buildVersion reads this binary's build information.
func buildVersion() string { return versionText(debug.ReadBuildInfo()) }

// buildID is the first two lines of the version text on one line: what a
// shard's report records so that merge refuses shards of two builds.
func buildID() string {
	lines := strings.SplitN(buildVersion(), "\n", 3)
	return strings.TrimPrefix(lines[0], "ndissim ") + ", commit " + strings.TrimPrefix(lines[1], "commit: ")
}

// moduleVersion is the module version this binary was built as: "v0.1.0",
// a pseudo-version, or "(devel)".
func moduleVersion() string {
	first, _, _ := strings.Cut(buildVersion(), "\n")
	return strings.TrimPrefix(first, "ndissim ")
}

// engineVersion is the simulation engine's version, which traces record.
func engineVersion() string { return sim.Version }

// atomicWrite writes a file through a temporary file and a rename.
var atomicWrite = sim.WriteFileAtomic
