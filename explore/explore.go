package explore

import (
	"context"
	"fmt"
	"math"
	"path/filepath"
	"time"

	"github.com/ndissim/ndissim/rule"
	"github.com/ndissim/ndissim/sim"
)

// Report is one exploration. Everything but Elapsed is the same for the
// same design, bounds and shard, whatever the number of workers.
type Report struct {
	Design      string  `json:"design"`
	Bounds      Bounds  `json:"bounds"`
	Shard       string  `json:"shard,omitempty"`
	States      int     `json:"states"`
	Transitions int64   `json:"transitions"`
	Depth       int     `json:"depth_reached"`
	Complete    bool    `json:"complete"`
	Stopped     string  `json:"stopped,omitempty"` // depth, max-states, interrupted
	Frontier    int     `json:"frontier"`          // states stored but not expanded
	Identity    string  `json:"identity"`
	Collision   float64 `json:"collision_probability"`
	Truncated   int     `json:"truncated_states,omitempty"`
	Deadlocks   int     `json:"deadlocks,omitempty"`
	Findings    []Found `json:"findings"`
	Lassos      []Lasso `json:"lassos,omitempty"`
	// Undecided counts, in a shard, the states whose pended operation
	// only other shards' states could complete: the liveness check
	// cannot decide them (docs/explore.md, "Shards"). Merged: the sum.
	Undecided int           `json:"liveness_undecided,omitempty"`
	Coverage  *sim.Coverage `json:"coverage"`
	// ShardInfo is what `ndissim merge` needs of a shard: set when the
	// exploration is a shard.
	ShardInfo *ShardInfo `json:"shard_info,omitempty"`
	// Shards is how many shards a merged report joins (0: not merged).
	Shards int `json:"shards,omitempty"`
	// Elapsed is the wall time; it is the one field that differs between
	// two runs, so it is printed apart.
	Elapsed time.Duration `json:"-"`
}

// ShardInfo identifies a shard's exploration, so that a merge joins only
// the shards of one exploration, and says what it shares with the others.
type ShardInfo struct {
	Index int `json:"index"`
	Count int `json:"count"`
	// Version is the engine's (sim.Version); Build names the ndissim
	// binary, set by the command: shards of one exploration run one build.
	Version string `json:"version"`
	Build   string `json:"build,omitempty"`
	// Origin and Hash name the design explored (sim.Origin, DesignHash).
	Origin   string `json:"origin"`
	Hash     string `json:"hash"`
	Liveness bool   `json:"liveness"`
	Split    Split  `json:"split"`
}

// Split is where a shard's exploration parted from the others': every
// shard stores the same states down to level Level (Width of them at that
// level, States in all) and expands the same ones above it (Transitions,
// Deadlocks and Truncated count those); of the Width it expands Owned.
// Level is -1 when the levels never grew wide enough to split (or the
// shard stopped before): the counts are then the shard's whole, which
// every shard that went as far shares.
type Split struct {
	Level       int   `json:"level"`
	Width       int   `json:"width"`
	Owned       int   `json:"owned"`
	States      int   `json:"states"`
	Transitions int64 `json:"transitions"`
	Deadlocks   int   `json:"deadlocks"`
	Truncated   int   `json:"truncated"`
}

// Bounds are the bounds as the report states them.
type Bounds struct {
	Depth     int    `json:"depth"`
	Sends     int    `json:"sends"`
	Receives  int    `json:"receives"`
	Edits     int    `json:"edits"`
	Changes   int    `json:"design_edits"` // the edits the design has
	Pends     int    `json:"pends"`
	Faults    string `json:"faults"`
	Dispatch  bool   `json:"dispatch"`
	MaxStates int    `json:"max_states"`
}

// Found is the shortest path found to one rule broken.
type Found struct {
	Rule       rule.Name `json:"rule"`
	Severity   string    `json:"severity"`
	Message    string    `json:"message"`
	State      string    `json:"state"`
	Moves      int       `json:"moves"`
	Reproduced bool      `json:"reproduced"`
	Trace      string    `json:"trace,omitempty"`
	TraceError string    `json:"trace_error,omitempty"`
	Replay     string    `json:"replay,omitempty"`
	Stream     []uint32  `json:"-"`
	Lines      []string  `json:"-"`
	// replayed is how many moves the engine's replay of Stream makes (the
	// trace file's moves): a path's last moves may draw nothing.
	replayed int
}

// Explore explores d within opt's bounds.
func Explore(ctx context.Context, d sim.Design, opt Options) (Report, error) {
	if err := opt.validate(); err != nil {
		return Report{}, err
	}
	start := time.Now()
	x := newSearch(d, opt)
	levels, stopped := x.run(ctx)
	if x.fault != nil {
		return Report{}, x.fault
	}
	rep := x.report(levels, stopped)
	rep.Findings = x.findings(ctx)
	if opt.Liveness && !opt.NoDedup {
		rep.Lassos = x.lassos()
		rep.Undecided = x.undecided()
	}
	rep.Elapsed = time.Since(start)
	return rep, nil
}

func (o *Options) validate() error {
	switch {
	case o.Depth < 1 || o.Depth > math.MaxUint16:
		return fmt.Errorf("explore: depth %d: want 1 to %d moves", o.Depth, math.MaxUint16)
	case o.MaxStates < 1:
		return fmt.Errorf("explore: max-states %d: want at least 1", o.MaxStates)
	case o.Bounds.Sends < 0 || o.Bounds.Receives < 0 || o.Bounds.Edits < 0 || o.Bounds.Pends < 0:
		return fmt.Errorf("explore: bounds must not be negative")
	case o.Shard.Sharded() && (o.Shard.Index < 0 || o.Shard.Index >= o.Shard.Count):
		return fmt.Errorf("explore: shard %s: want an index from 0 to %d", o.Shard, o.Shard.Count-1)
	}
	if o.MaxBranch <= 0 {
		o.MaxBranch = 1 << 16
	}
	return nil
}

// noDedupIdentity is the identity of a tree search (--no-dedup).
const noDedupIdentity = "none: a tree search, every path's end counts as a state"

// report fills in the counts once the search has stopped.
func (x *search) report(levels int, stopped string) Report {
	rep := Report{Design: x.d.Name, Bounds: x.bounds(), States: len(x.parent), Transitions: x.transitions,
		Stopped: stopped, Complete: stopped == "", Truncated: x.truncated, Deadlocks: x.deadlocks,
		Coverage: x.cov, Findings: []Found{}}
	if x.opt.Shard.Sharded() {
		rep.Shard = x.opt.Shard.String()
		rep.ShardInfo = &ShardInfo{Index: x.opt.Shard.Index, Count: x.opt.Shard.Count, Version: sim.Version,
			Origin: sim.Origin(x.d), Hash: sim.DesignHash(x.d), Liveness: x.opt.Liveness && !x.opt.NoDedup, Split: x.top}
		if x.top.Level < 0 {
			rep.ShardInfo.Split = Split{Level: -1, States: len(x.parent), Transitions: x.transitions,
				Deadlocks: x.deadlocks, Truncated: x.truncated}
		}
	}
	for i, d := range x.depth {
		rep.Depth = max(rep.Depth, int(d))
		if !x.expanded[i] {
			rep.Frontier++
		}
	}
	rep.Complete = stopped == "" && x.truncated == 0
	n := float64(rep.States)
	switch {
	case x.opt.NoDedup:
		rep.Identity = noDedupIdentity
	case x.designFP:
		rep.Identity = "the design's own Fingerprint, 128-bit hash"
	default:
		rep.Identity = "a generic walk of the design's value, 128-bit hash"
	}
	if !x.opt.NoDedup {
		rep.Collision = n * n / math.Exp2(129)
	}
	return rep
}

func (x *search) bounds() Bounds {
	b := x.opt.Bounds
	return Bounds{Depth: x.opt.Depth, Sends: b.Sends, Receives: b.Receives, Edits: b.Edits, Changes: len(x.d.Changes), Pends: b.Pends,
		Faults: FaultsString(b.Faults), Dispatch: b.Dispatch, MaxStates: x.opt.MaxStates}
}

// findings builds, replays and saves the shortest trace of each rule.
func (x *search) findings(ctx context.Context) []Found {
	out := []Found{}
	for _, r := range x.order {
		h := x.found[r]
		stream := append(x.path(h.from, nil), h.seg...)
		f := Found{Rule: r, Severity: h.f.Severity.String(), Message: h.f.Message, State: h.f.State,
			Moves: int(x.depth[h.from]) + 1}
		f.Stream, f.replayed, f.Lines, f.Reproduced = reproduce(x.d, stream, r)
		if x.opt.OutDir != "" && ctx.Err() == nil {
			save(x.d, x.opt.OutDir, x.opt.Shard, &f)
		}
		out = append(out, f)
	}
	return out
}

// reproduce replays a stream on a fresh engine, as `ndissim replay` does,
// and reports whether it breaks r. A path whose last moves draw nothing
// ends the stream before them; the engine replays only while the stream
// lasts, so one 0 more (which no draw reads) keeps them.
func reproduce(d sim.Design, stream []uint32, r rule.Name) ([]uint32, int, []string, bool) {
	e := sim.NewEngine(d)
	for _, s := range [][]uint32{stream, append(stream[:len(stream):len(stream)], 0)} {
		res := e.Replay(s, true)
		for _, f := range res.Findings {
			if f.Rule == r {
				return s, res.Steps, res.Lines, true
			}
		}
	}
	res := e.Replay(stream, true)
	return stream, res.Steps, res.Lines, false
}

// save writes a finding's trace in check's format.
func save(d sim.Design, dir string, shard sim.Shard, f *Found) {
	path := filepath.Join(dir, traceName(d, string(f.Rule), shard))
	origin, external := sim.TraceOrigin(d, dir)
	tf := sim.TraceFile{Version: sim.Version, Design: d.Name, Origin: origin, Hash: sim.DesignHash(d),
		Rule: f.Rule, Moves: f.replayed, Stream: f.Stream, Lines: f.Lines}
	if err := sim.WriteFileAtomic(path, tf.Marshal()); err != nil {
		f.TraceError = err.Error()
		return
	}
	f.Trace = path
	args := []string{"ndissim", "replay", path}
	if external {
		args = append(args, d.File)
	}
	f.Replay = sim.ShellCommand(args...)
}

// traceName is "<design>-0-<what>-explore.trace", apart from check's
// "<design>-<seed>-<rule>.trace"; a shard's ends "-explore-shard-I-of-N.trace",
// so that shards writing to one directory keep their own traces, which
// a merged report names.
func traceName(d sim.Design, what string, shard sim.Shard) string {
	name := sim.TraceName(d, 0, rule.Name(what))
	name = name[:len(name)-len(".trace")] + "-explore"
	if shard.Sharded() {
		name += fmt.Sprintf("-shard-%d-of-%d", shard.Index, shard.Count)
	}
	return name + ".trace"
}

// FaultsString names a fault set as --faults spells it.
func FaultsString(f sim.FaultSet) string {
	switch f {
	case sim.FaultNone:
		return "none"
	case sim.FaultAll:
		return "all"
	}
	s := ""
	for _, p := range []struct {
		f    sim.FaultSet
		name string
	}{{sim.FaultAlloc, "alloc"}, {sim.FaultOID, "oid"}, {sim.FaultSend, "send"}} {
		if f&p.f != 0 {
			if s != "" {
				s += ","
			}
			s += p.name
		}
	}
	return s
}

// ParseFaults reads --faults: none, all, or a comma-separated list of
// alloc, oid and send.
func ParseFaults(text string) (sim.FaultSet, error) {
	var f sim.FaultSet
	for _, part := range splitComma(text) {
		switch part {
		case "none":
		case "all":
			f |= sim.FaultAll
		case "alloc":
			f |= sim.FaultAlloc
		case "oid":
			f |= sim.FaultOID
		case "send":
			f |= sim.FaultSend
		default:
			return 0, fmt.Errorf("--faults %q: want none, all, or a comma-separated list of alloc, oid, send", text)
		}
	}
	return f, nil
}

func splitComma(s string) []string {
	var out []string
	start := 0
	for i := 0; i <= len(s); i++ {
		if i == len(s) || s[i] == ',' {
			out = append(out, s[start:i])
			start = i + 1
		}
	}
	return out
}
