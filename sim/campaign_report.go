package sim

import (
	"bytes"
	"context"
	"encoding/json"
)

// RunReport is the report of one `ndissim check`: every design checked, in
// order. Its JSON is what `check --json` prints; a shard's report adds the
// shard section, which is what MergeShards needs to join the shards.
type RunReport struct {
	Version     string     `json:"version"`
	Seed        uint64     `json:"seed"`
	Shard       *ShardInfo `json:"shard,omitempty"`
	Interrupted bool       `json:"interrupted,omitempty"`
	NotRun      []string   `json:"not_run,omitempty"`
	Designs     []Report   `json:"designs"`
}

// ShardInfo is what a shard's report records so that the merge can check
// that its shards are of one check and rebuild that check's report.
type ShardInfo struct {
	Index int `json:"index"`
	Count int `json:"count"`
	// Build names the ndissim binary (its module version and commit), set
	// by the caller: shards of one check run one build, since another
	// build's rules may find other things with the same engine version.
	Build string `json:"build,omitempty"`
	// Runs, Steps and Verify are the options of the whole check, as given.
	Runs   int `json:"runs"`
	Steps  int `json:"steps"`
	Verify int `json:"verify,omitempty"`
	// FirstSeed and Seeds are this shard's block, for the reader; the merge
	// recomputes them from the options.
	FirstSeed uint64        `json:"first_seed"`
	Seeds     int           `json:"seeds"`
	Designs   []ShardDesign `json:"designs"`
}

// ShardDesign names one design of a sharded check: the shards of one check
// name the same designs, in the same order, with the same hashes.
type ShardDesign struct {
	Origin string `json:"origin"`
	// Hash is DesignHash, empty when the shard was interrupted before it
	// read the design.
	Hash string `json:"hash,omitempty"`
}

// CheckHooks let the caller of CheckDesigns follow it: Start is called
// before each design and returns the Progress callback for it (or nil),
// Done after it with its report.
type CheckHooks struct {
	Start func(d Design) func(runs, findings int)
	Done  func(d Design, rep Report)
}

// CheckDesigns checks each design in turn, as `ndissim check` does. An
// interrupted design ends it: the designs after it are listed as not run.
// It fails only on options outside their bounds (an *OptionError).
func CheckDesigns(ctx context.Context, ds []Design, opt CheckOptions, h CheckHooks) (RunReport, error) {
	if err := opt.Validate(); err != nil {
		return RunReport{}, err
	}
	origins := make([]ShardDesign, len(ds))
	for i, d := range ds {
		origins[i] = ShardDesign{Origin: Origin(d), Hash: DesignHash(d)}
	}
	rep := newRunReport(opt, origins)
	for i, d := range ds {
		o := opt
		if h.Start != nil {
			o.Progress = h.Start(d)
		}
		r, _ := Check(ctx, d, o) // validated above
		rep.Designs = append(rep.Designs, r)
		if h.Done != nil {
			h.Done(d, r)
		}
		if r.Interrupted {
			rep.Interrupted = true
			for _, rest := range ds[i+1:] {
				rep.NotRun = append(rep.NotRun, Origin(rest))
			}
			break
		}
	}
	return rep, nil
}

// NotRunReport is the report of a check interrupted before it had read its
// designs: nothing ran, and origins says what would have.
func NotRunReport(opt CheckOptions, origins []string) RunReport {
	named := make([]ShardDesign, len(origins))
	for i, o := range origins {
		named[i] = ShardDesign{Origin: o}
	}
	rep := newRunReport(opt, named)
	rep.Interrupted, rep.NotRun = true, append([]string(nil), origins...)
	return rep
}

func newRunReport(opt CheckOptions, designs []ShardDesign) RunReport {
	rep := RunReport{Version: Version, Seed: opt.Seed, Designs: []Report{}}
	if opt.Shard.Sharded() {
		first, n := opt.Shard.Block(opt.Seed, opt.Runs)
		rep.Shard = &ShardInfo{Index: opt.Shard.Index, Count: opt.Shard.Count, Runs: opt.Runs, Steps: opt.Steps,
			Verify: opt.Verify, FirstSeed: first, Seeds: n, Designs: designs}
	}
	return rep
}

// Failed reports whether any design failed the check.
func (r *RunReport) Failed(strict bool) bool {
	for i := range r.Designs {
		if r.Designs[i].Failed(strict) {
			return true
		}
	}
	return false
}

// JSON is the report as `check --json` prints it: indented by two spaces,
// ending in a newline.
func (r RunReport) JSON() ([]byte, error) {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetIndent("", "  ")
	if err := enc.Encode(r); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}
