package explore

import (
	"bytes"
	"cmp"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"slices"

	"github.com/ndissim/ndissim/rule"
	"github.com/ndissim/ndissim/sim"
)

// ShardReports is what one `ndissim explore --shard I/N --json` printed:
// a report per design, read from File.
type ShardReports struct {
	File    string
	Reports []Report
}

// MergeShards joins the shards 0 to N-1 of one exploration into the report
// of the whole, a report per design:
//
//   - the rules broken are those of the unsharded exploration, each with a
//     shortest trace (the shard that found the shortest; the lowest shard
//     on a tie), and so is the pended operation that can never complete;
//   - coverage is the union of the shards', which is the unsharded one;
//   - the states and transitions count the levels the shards share once,
//     and below them what each shard found: a state two shards reach is
//     counted by both, so the count may exceed the unsharded one.
//
// It refuses, with a *sim.ShardError naming the file and field, reports
// that are not the shards of one exploration: another version or build,
// other bounds, designs or options, a shard missing or given twice.
func MergeShards(shards []ShardReports) ([]Report, error) {
	ordered, err := orderShards(shards)
	if err != nil {
		return nil, err
	}
	out := make([]Report, len(ordered[0].Reports))
	for i := range out {
		out[i] = mergeDesign(ordered, i)
	}
	return out, nil
}

// orderShards checks the shards against the first and returns them by
// index.
func orderShards(shards []ShardReports) ([]ShardReports, error) {
	if len(shards) == 0 {
		return nil, &sim.ShardError{Msg: "no shard reports; expected the reports of `ndissim explore --shard I/N --json`, one per shard"}
	}
	for _, s := range shards {
		if err := shardItself(s); err != nil {
			return nil, err
		}
	}
	ref := shards[0]
	for _, s := range shards[1:] {
		if err := sameExploration(ref, s); err != nil {
			return nil, err
		}
	}
	return sim.InIndexOrder(shards, ref.Reports[0].ShardInfo.Count, "shard_info.index", "some shards alone are not the exploration",
		func(s ShardReports) (int, string) { return s.Reports[0].ShardInfo.Index, s.File })
}

// shardItself checks one file: at least one report, each a shard's, all of
// the same shard.
func shardItself(s ShardReports) error {
	bad := func(field, format string, args ...any) error {
		return &sim.ShardError{File: s.File, Field: field, Msg: fmt.Sprintf(format, args...)}
	}
	if len(s.Reports) == 0 {
		return bad("", "no report in it; expected the output of `ndissim explore --shard I/N --json`")
	}
	for i, r := range s.Reports {
		si := r.ShardInfo
		field := fmt.Sprintf("[%d].shard_info", i)
		switch {
		case si == nil:
			return bad(field, "not a shard's report (no shard_info); expected the output of `ndissim explore --shard I/N --json`")
		case si.Count < 1 || si.Count > sim.MaxShards || si.Index < 0 || si.Index >= si.Count:
			return bad(field, "index %d, count %d: expected 0 <= index < count <= %d", si.Index, si.Count, sim.MaxShards)
		case r.Shard != fmt.Sprintf("%d/%d", si.Index, si.Count):
			return bad(fmt.Sprintf("[%d].shard", i), "%q, but shard_info says %d/%d", r.Shard, si.Index, si.Count)
		case si.Index != s.Reports[0].ShardInfo.Index || si.Count != s.Reports[0].ShardInfo.Count:
			return bad(field, "shard %d/%d, but the file's first report is shard %s; one file is one shard", si.Index, si.Count, s.Reports[0].Shard)
		case si.Split.Level >= 0 && (si.Split.Owned > si.Split.Width || si.Split.States > r.States):
			return bad(field+".split", "owns %d of %d states at the split and shares %d of its %d states: expected no more than it has", si.Split.Owned, si.Split.Width, si.Split.States, r.States)
		}
	}
	return nil
}

// sameExploration compares what the shards of one exploration share.
func sameExploration(ref, s ShardReports) error {
	differ := func(field string, want, got any, what string) error {
		return &sim.ShardError{File: s.File, Field: field, Other: ref.File,
			Msg: fmt.Sprintf("%v, but %s has %v; the shards of one exploration share %s", got, ref.File, want, what)}
	}
	if len(s.Reports) != len(ref.Reports) {
		return differ("", fmt.Sprintf("%d designs", len(ref.Reports)), fmt.Sprintf("%d designs", len(s.Reports)), "the designs explored")
	}
	for i, r := range s.Reports {
		a, b := ref.Reports[i], r
		x, y := a.ShardInfo, b.ShardInfo
		at := func(f string) string { return fmt.Sprintf("[%d].%s", i, f) }
		switch {
		case x.Version != y.Version:
			return differ(at("shard_info.version"), x.Version, y.Version, "one ndissim version")
		case x.Build != y.Build:
			return differ(at("shard_info.build"), x.Build, y.Build, "one ndissim build")
		case x.Count != y.Count:
			return differ(at("shard_info.count"), x.Count, y.Count, "N of --shard I/N")
		case x.Origin != y.Origin:
			return differ(at("shard_info.origin"), x.Origin, y.Origin, "the designs explored, in order")
		case x.Hash != y.Hash:
			return differ(at("shard_info.hash"), x.Hash, y.Hash, "the same design files")
		case a.Bounds != b.Bounds:
			return differ(at("bounds"), fmt.Sprintf("%+v", a.Bounds), fmt.Sprintf("%+v", b.Bounds), "the bounds")
		case a.Identity != b.Identity:
			return differ(at("identity"), a.Identity, b.Identity, "how states are identified (--no-dedup)")
		case x.Liveness != y.Liveness:
			return differ(at("shard_info.liveness"), x.Liveness, y.Liveness, "the liveness check (--no-liveness)")
		case x.Split.Level >= 0 && y.Split.Level >= 0 && !sameTop(x.Split, y.Split):
			return differ(at("shard_info.split"), fmt.Sprintf("%+v", x.Split), fmt.Sprintf("%+v", y.Split), "the levels above the split, which every shard explores alike")
		}
	}
	return nil
}

// sameTop compares what two shards found above their split.
func sameTop(a, b Split) bool {
	a.Owned, b.Owned = 0, 0
	return a == b
}

// mergeDesign joins the shards' reports of design i.
func mergeDesign(shards []ShardReports, i int) Report {
	ref := shards[0].Reports[i]
	m := Report{Design: ref.Design, Bounds: ref.Bounds, Identity: ref.Identity, Shards: len(shards),
		Complete: true, Findings: []Found{}, Coverage: sim.NewCoverage()}
	reports := make([]Report, len(shards))
	for k, s := range shards {
		reports[k] = s.Reports[i]
	}
	m.States, m.Transitions, m.Deadlocks, m.Truncated, m.Frontier = counts(reports)
	for _, r := range reports {
		m.Depth = max(m.Depth, r.Depth)
		m.Complete = m.Complete && r.Complete
		m.Stopped = worse(m.Stopped, r.Stopped)
		m.Coverage.Merge(r.Coverage)
		m.Undecided += r.Undecided
	}
	m.Findings = shortestFindings(reports)
	m.Lassos = shortestLasso(reports)
	if ref.Identity != noDedupIdentity {
		n := float64(m.States)
		m.Collision = n * n / math.Exp2(129)
	}
	return m
}

// counts are the merged counts: the top once, and below it each shard's.
// When no shard split, each explored the whole: any one's counts are it.
func counts(rs []Report) (states int, transitions int64, deadlocks, truncated, frontier int) {
	var top *Split
	for _, r := range rs {
		if r.ShardInfo.Split.Level >= 0 {
			top = &r.ShardInfo.Split
			break
		}
	}
	if top == nil {
		r := rs[0]
		return r.States, r.Transitions, r.Deadlocks, r.Truncated, r.Frontier
	}
	states, transitions, deadlocks, truncated = top.States, top.Transitions, top.Deadlocks, top.Truncated
	for _, r := range rs {
		sp := r.ShardInfo.Split
		if sp.Level < 0 {
			continue // it stopped before the split: all it found, the others did
		}
		states += r.States - top.States
		transitions += r.Transitions - top.Transitions
		deadlocks += r.Deadlocks - top.Deadlocks
		truncated += r.Truncated - top.Truncated
		frontier += r.Frontier - (sp.Width - sp.Owned) // not its to expand
	}
	return
}

// worse is the graver of two ways to stop: an interruption, then the
// state bound, then the depth bound, then none.
func worse(a, b string) string {
	rank := map[string]int{"": 0, "depth": 1, "max-states": 2, "interrupted": 3}
	if rank[b] > rank[a] {
		return b
	}
	return a
}

// shortestFindings keeps, for each rule, the finding with the fewest moves
// (the lowest shard's on a tie), ordered by moves, then rule.
func shortestFindings(rs []Report) []Found {
	best := map[rule.Name]Found{}
	for _, r := range rs {
		for _, f := range r.Findings {
			if b, ok := best[f.Rule]; !ok || f.Moves < b.Moves {
				best[f.Rule] = f
			}
		}
	}
	out := make([]Found, 0, len(best))
	for _, f := range best {
		out = append(out, f)
	}
	slices.SortFunc(out, func(a, b Found) int {
		return cmp.Or(cmp.Compare(a.Moves, b.Moves), cmp.Compare(a.Rule, b.Rule))
	})
	return out
}

// shortestLasso is the lasso with the shortest prefix, then cycle, as the
// unsharded exploration finds the first doomed state breadth-first.
func shortestLasso(rs []Report) []Lasso {
	var best *Lasso
	for _, r := range rs {
		for k := range r.Lassos {
			l := &r.Lassos[k]
			if best == nil || l.Prefix < best.Prefix || l.Prefix == best.Prefix && l.Cycle < best.Cycle {
				best = l
			}
		}
	}
	if best == nil {
		return nil
	}
	return []Lasso{*best}
}

// ParseReports reads what `ndissim explore --json` printed, strictly: a
// field it does not know is an error, naming the line.
func ParseReports(data []byte) ([]Report, error) {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	var out []Report
	if err := dec.Decode(&out); err != nil {
		return nil, errors.New(sim.JSONReason(err, data))
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return nil, fmt.Errorf("more after the reports; expected one JSON array")
	}
	if out == nil {
		return nil, fmt.Errorf("line 1: expected a JSON array of explore reports")
	}
	return out, nil
}
