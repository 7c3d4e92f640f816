package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/spf13/cobra"

	"github.com/ndissim/ndissim/explore"
	"github.com/ndissim/ndissim/sim"
)

// exploreReports tells explore's reports (a JSON array) from check's (an
// object); a merge joins one kind. A file that is neither (empty, say)
// takes the others' kind, so that its parser names what is wrong with it.
func exploreReports(files []rawFile) (bool, error) {
	kind := func(data []byte) byte {
		if t := bytes.TrimLeft(data, " \t\r\n"); len(t) > 0 && (t[0] == '[' || t[0] == '{') {
			return t[0]
		}
		return 0
	}
	var first *rawFile
	for i := range files {
		f := &files[i]
		k := kind(f.data)
		switch {
		case k == 0:
		case first == nil:
			first = f
		case k != kind(first.data):
			return false, inputError{&sim.ShardError{File: f.file, Other: first.file,
				Msg: fmt.Sprintf("%s, but %s is %s; a merge joins the shards of one command", kindName(k == '['), first.file, kindName(k != '['))}}
		}
	}
	return first != nil && kind(first.data) == '[', nil
}

func kindName(explored bool) string {
	if explored {
		return "an explore report"
	}
	return "a check report"
}

// exploreFlagErrors are the report flags that mean nothing to explore's
// reports, which are merged into what explore prints: text or JSON.
func exploreFlagErrors(f reportFlags, outs outputs) []string {
	var errs []string
	const why = "applies to check's reports; explore's shards merge into what explore prints (text, or JSON with --json)"
	if outs.stdout != formatText && outs.stdout != formatJSON {
		errs = append(errs, fmt.Sprintf("--format %s: %s", outs.stdout, why))
	}
	for _, o := range outs.files {
		errs = append(errs, fmt.Sprintf("%s %s: %s", o.flag, o.path, why))
	}
	for _, c := range []struct {
		flag string
		set  bool
	}{{"--fail-on", f.failOn != ""}, {"--strict", f.strict}, {"--enable", len(f.enable) > 0},
		{"--disable", len(f.disable) > 0}, {"--coverage", f.full}} {
		if c.set {
			errs = append(errs, fmt.Sprintf("%s: %s", c.flag, why))
		}
	}
	return errs
}

// runMergeExplore joins explore's shards and prints the result as explore
// does, exiting as explore does.
func runMergeExplore(cmd *cobra.Command, files []rawFile, f reportFlags, outs outputs) error {
	if errs := exploreFlagErrors(f, outs); len(errs) > 0 {
		return inputError{fmt.Errorf("%s", strings.Join(errs, "\nndissim: "))}
	}
	shards := make([]explore.ShardReports, len(files))
	for i, rf := range files {
		reps, err := explore.ParseReports(rf.data)
		if err != nil {
			return inputError{&sim.ShardError{File: rf.file, Msg: "not a JSON report of ndissim explore: " + err.Error()}}
		}
		shards[i] = explore.ShardReports{File: rf.file, Reports: reps}
	}
	merged, err := explore.MergeShards(shards)
	if err != nil {
		return inputError{err}
	}
	out := cmd.OutOrStdout()
	if outs.stdout == formatJSON {
		enc := json.NewEncoder(out)
		enc.SetIndent("", "  ")
		if err := enc.Encode(merged); err != nil {
			return err
		}
	} else {
		for _, rep := range merged {
			rep.Text(out)
			fmt.Fprintln(out)
		}
	}
	if err := exploreVerdict(cmd, merged); err != nil {
		return err
	}
	for _, r := range merged {
		if r.Stopped == "interrupted" {
			return incompleteError{}
		}
	}
	return nil
}
