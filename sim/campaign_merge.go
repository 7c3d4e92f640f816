package sim

import (
	"fmt"
	"slices"
	"strings"

	"github.com/ndissim/ndissim/rule"
)

// ShardError is a set of shard reports that cannot be merged: one is not a
// shard's report, or disagrees with the others about the check they are
// parts of, or a shard is missing or given twice.
type ShardError struct {
	File  string // the report at fault; empty when the set as a whole is
	Field string // the JSON field at fault, such as "seed" or "shard.index"
	Other string // the report File disagrees with, if any
	Msg   string
}

func (e *ShardError) Error() string {
	var b strings.Builder
	if e.File != "" {
		b.WriteString(e.File + ": ")
	}
	if e.Field != "" {
		b.WriteString(e.Field + ": ")
	}
	b.WriteString(e.Msg)
	return b.String()
}

// ShardReport is one shard's report and the file it was read from.
type ShardReport struct {
	File   string
	Report RunReport
}

// MergeShards joins the reports of the N shards of one check into the
// report the unsharded check gives, byte for byte in its JSON: the shards
// are walked in seed order, runs and steps summed, the first finding of
// each rule kept, and the walk of a design ends with the first shard that
// met an error, as the unsharded check ends there. verified_seeds and
// nondeterministic_seeds are the shards' own self-checks, summed and
// joined: the seeds a sharded --verify re-runs are not an unsharded one's.
// The coverage is the union of the shards' that count, as the runs are:
// up to the shard that met the first error; it is left out when one of
// them has none (a report written without it). It refuses, with a *ShardError, reports that are not shards of one
// check.
func MergeShards(shards []ShardReport) (RunReport, error) {
	ordered, err := checkShards(shards)
	if err != nil {
		return RunReport{}, err
	}
	first := ordered[0].Report
	out := RunReport{Version: first.Version, Seed: first.Seed, Designs: []Report{}}
	for i, sd := range first.Shard.Designs {
		d, ran := mergeDesign(ordered, i)
		if !ran {
			out.NotRun = append(out.NotRun, sd.Origin)
			continue
		}
		out.Designs = append(out.Designs, d)
		out.Interrupted = out.Interrupted || d.Interrupted
	}
	out.Interrupted = out.Interrupted || len(out.NotRun) > 0
	return out, nil
}

// mergeDesign joins the shards' reports of design i; ran is false when no
// shard got to it.
func mergeDesign(shards []ShardReport, i int) (m Report, ran bool) {
	for _, s := range shards {
		if i < len(s.Report.Designs) {
			m = Report{Name: s.Report.Designs[i].Name, File: s.Report.Designs[i].File, Findings: []FindingReport{}}
			ran = true
			break
		}
	}
	if !ran {
		return Report{}, false
	}
	warned := map[rule.Name]bool{}
	cov, hasCov := NewCoverage(), true
	defer func() {
		if hasCov {
			m.Coverage = cov
		}
	}()
	for _, s := range shards {
		if i >= len(s.Report.Designs) {
			m.Interrupted = true // this shard stopped before the design: its block is missing
			continue
		}
		r := s.Report.Designs[i]
		m.Runs += r.Runs
		m.Steps += r.Steps
		m.Verified += r.Verified
		m.Nondeterm = append(m.Nondeterm, r.Nondeterm...)
		m.Interrupted = m.Interrupted || r.Interrupted
		cov.Merge(r.Coverage)
		hasCov = hasCov && r.Coverage != nil
		if addFindings(&m, r.Findings, warned) {
			break // the unsharded check stops at its first error
		}
	}
	return m, true
}

// addFindings adds a shard's findings, in its seed order, but a warning of
// a rule an earlier seed already drew; it reports whether it met an error.
func addFindings(m *Report, fs []FindingReport, warned map[rule.Name]bool) (stopped bool) {
	for _, f := range fs {
		if f.Severity == rule.Error.String() {
			m.Findings = append(m.Findings, f)
			return true
		}
		if !warned[f.Rule] {
			warned[f.Rule] = true
			m.Findings = append(m.Findings, f)
		}
	}
	return false
}

// checkShards checks that the reports are the shards 0 to N-1 of one
// check, each consistent in itself, and returns them in index order.
func checkShards(shards []ShardReport) ([]ShardReport, error) {
	if len(shards) == 0 {
		return nil, &ShardError{Msg: "no shard reports; expected the reports of `ndissim check --shard I/N --json`, one per shard"}
	}
	for _, s := range shards {
		if s.Report.Shard == nil {
			return nil, &ShardError{File: s.File, Field: "shard", Msg: "not a shard's report (no shard section); expected the output of `ndissim check --shard I/N --json`"}
		}
	}
	// The first report is checked in itself, then every other against it
	// and in itself: a report that disagrees is named for what it
	// disagrees about, not for what that makes inconsistent.
	ref := shards[0]
	if err := consistent(ref); err != nil {
		return nil, err
	}
	for _, s := range shards[1:] {
		if err := sameCheck(ref, s); err != nil {
			return nil, err
		}
		if err := consistent(s); err != nil {
			return nil, err
		}
	}
	return InIndexOrder(shards, ref.Report.Shard.Count, "shard.index", "a merge of some shards is not the check's report",
		func(s ShardReport) (int, string) { return s.Report.Shard.Index, s.File })
}

// InIndexOrder returns the reports of count shards by index, refusing an
// index given twice or missing with a *ShardError on field; whole says why
// every shard is needed. shard gives a report's index and file, and the
// indices must lie in [0, count). `ndissim merge` orders check's and
// explore's shards with it.
func InIndexOrder[T any](reports []T, count int, field, whole string, shard func(T) (index int, file string)) ([]T, error) {
	byIndex := make([]*T, count)
	for k := range reports {
		r := &reports[k]
		idx, file := shard(*r)
		if prev := byIndex[idx]; prev != nil {
			_, other := shard(*prev)
			return nil, &ShardError{File: file, Field: field, Other: other,
				Msg: fmt.Sprintf("shard %d/%d is given twice: %s is shard %d too", idx, count, other, idx)}
		}
		byIndex[idx] = r
	}
	var missing []string
	ordered := make([]T, 0, count)
	for i, r := range byIndex {
		if r == nil {
			missing = append(missing, fmt.Sprint(i))
			continue
		}
		ordered = append(ordered, *r)
	}
	if len(missing) > 0 {
		return nil, &ShardError{Field: field, Msg: fmt.Sprintf("missing shard(s) %s of %d; every shard's report is needed: %s",
			list(missing), count, whole)}
	}
	return ordered, nil
}

// sameCheck compares what the shards of one check share.
func sameCheck(ref, s ShardReport) error {
	a, b := ref.Report, s.Report
	differ := func(field string, want, got any, what string) error {
		return &ShardError{File: s.File, Field: field, Other: ref.File,
			Msg: fmt.Sprintf("%v, but %s has %v; the shards of one check share %s", got, ref.File, want, what)}
	}
	switch {
	case a.Version != b.Version:
		return differ("version", a.Version, b.Version, "one ndissim version")
	case a.Shard.Build != b.Shard.Build:
		return differ("shard.build", a.Shard.Build, b.Shard.Build, "one ndissim build")
	case a.Seed != b.Seed:
		return differ("seed", a.Seed, b.Seed, "--seed")
	case a.Shard.Count != b.Shard.Count:
		return differ("shard.count", a.Shard.Count, b.Shard.Count, "N of --shard I/N")
	case a.Shard.Runs != b.Shard.Runs:
		return differ("shard.runs", a.Shard.Runs, b.Shard.Runs, "--runs")
	case a.Shard.Steps != b.Shard.Steps:
		return differ("shard.steps", a.Shard.Steps, b.Shard.Steps, "--steps")
	case a.Shard.Verify != b.Shard.Verify:
		return differ("shard.verify", a.Shard.Verify, b.Shard.Verify, "--verify")
	case len(a.Shard.Designs) != len(b.Shard.Designs):
		return differ("shard.designs", len(a.Shard.Designs), len(b.Shard.Designs), "the designs checked (this many)")
	}
	for i, want := range a.Shard.Designs {
		got := b.Shard.Designs[i]
		field := fmt.Sprintf("shard.designs[%d]", i)
		switch {
		case got.Origin != want.Origin:
			return differ(field+".origin", want.Origin, got.Origin, "the designs checked, in order")
		case got.Hash != want.Hash && got.Hash != "" && want.Hash != "":
			return &ShardError{File: s.File, Field: field + ".hash", Other: ref.File,
				Msg: fmt.Sprintf("design %s differs from the one %s checked (%s, not %s); the shards of one check check the same design files", got.Origin, ref.File, got.Hash, want.Hash)}
		}
	}
	return nil
}

// consistent checks a shard report against itself: its block is the one
// its index gives, and its designs and findings lie within it.
func consistent(s ShardReport) error {
	sh := s.Report.Shard
	bad := func(field, format string, args ...any) error {
		return &ShardError{File: s.File, Field: field, Msg: fmt.Sprintf(format, args...)}
	}
	if err := (Shard{sh.Index, sh.Count}).validate(); err != nil || sh.Runs < 1 || sh.Runs > MaxRuns {
		return bad("shard", "index %d, count %d, runs %d: expected 0 <= index < count <= %d and runs from 1 to %d", sh.Index, sh.Count, sh.Runs, MaxShards, MaxRuns)
	}
	first, n := Shard{sh.Index, sh.Count}.Block(s.Report.Seed, sh.Runs)
	if sh.FirstSeed != first || sh.Seeds != n {
		return bad("shard.first_seed", "seeds %d (+%d): shard %d/%d of --runs %d from --seed %d has seeds %d (+%d)",
			sh.FirstSeed, sh.Seeds, sh.Index, sh.Count, sh.Runs, s.Report.Seed, first, n)
	}
	if len(s.Report.Designs) > len(sh.Designs) {
		return bad("designs", "%d designs, but the shard section names %d", len(s.Report.Designs), len(sh.Designs))
	}
	for i, d := range s.Report.Designs {
		if d.Runs < 0 || d.Runs > n {
			return bad(fmt.Sprintf("designs[%d].runs", i), "%d runs in a shard of %d seeds", d.Runs, n)
		}
		for j, f := range d.Findings {
			if f.Seed < first || f.Seed-first >= uint64(n) {
				return bad(fmt.Sprintf("designs[%d].findings[%d].seed", i, j), "seed %d is not among the shard's seeds %d to %d", f.Seed, first, first+uint64(n)-1)
			}
		}
	}
	return nil
}

// list joins up to ten items, saying how many more there are.
func list(items []string) string {
	if len(items) > 10 {
		return strings.Join(items[:10], ", ") + fmt.Sprintf(" and %d more", len(items)-10)
	}
	return strings.Join(slices.Clone(items), ", ")
}
