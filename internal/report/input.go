package report

import (
	"github.com/ndissim/ndissim/internal/designfile"
	"github.com/ndissim/ndissim/rule"
	"github.com/ndissim/ndissim/sim"
)

// Report is everything one command's documents are made from: which tool
// ran, how findings are judged, and the check of each design.
type Report struct {
	Tool   Tool
	Seed   uint64 // the first seed of every check
	Policy Policy // the command line's: --fail-on, --enable, --disable
	// Root is the repository root. SARIF names design files relative to it,
	// so that code scanning can place a result on the file.
	Root   string
	Checks []Check
	// NotRun names the designs a signal kept from running (their origins,
	// as sim.Origin gives them): the report is at best interrupted.
	NotRun []string
	// Shard is the shard section of a check run with --shard I/N: what
	// `ndissim merge` needs to join the shards; nil for a whole check.
	Shard *sim.ShardInfo
	// Error is input that could not be read (a design file, a flag): nothing
	// ran and Checks is empty. Every writer then reports only the error.
	Error *InputError
}

// Tool names the program that made the report.
type Tool struct {
	Name           string // "ndissim" when empty
	Version        string
	InformationURI string // the project's home page, for SARIF; DefaultInformationURI when empty
	// Engine is the simulation engine's version (sim.Version), which trace
	// files record: a trace replays only on the engine that wrote it.
	Engine string
}

// DefaultInformationURI is the project's home, the host of its module path.
const DefaultInformationURI = "https://github.com/ndissim/ndissim"

// Check is the check of one design.
type Check struct {
	Design      string // the design's name
	File        string // its file as given; "" or "(...)" for a built-in design
	Runs        int
	Steps       int64
	Interrupted bool
	Verified    int      // seeds re-run by the determinism self-check
	Nondeterm   []uint64 // seeds whose two runs differed: an ndissim bug
	// Rules is the design file's rules: section; the Report's Policy is
	// merged with it for this design (see Policy.For).
	Rules    map[rule.Name]RuleSetting
	Findings []Finding
	// Coverage is what the check's runs exercised: the (state, move) pairs
	// and which rules were armed; nil when the report did not record it.
	Coverage *sim.Coverage
	// Goal is how --coverage-goal ended; nil without it.
	Goal *sim.CoverageGoal
}

// Finding is one broken rule with the shrunk run that shows it.
type Finding struct {
	Rule        rule.Name
	Severity    rule.Severity // after the policy: a rules: section may raise it
	Seed        uint64
	Step        int
	State       string
	Message     string
	Objects     []string
	Trace       string   // the saved trace file, if any
	Replay      string   // the command that replays it
	ShrunkSteps int      // environment moves of the shrunk run
	Minimal     bool     // no single move of the shrunk run can be dropped
	Lines       []string // the shrunk run's readable trace lines
	Unshrunk    bool     // an interruption stopped the shrinking: Lines is the run as found
	TraceError  string   // why the trace file could not be saved, if it could not
	// Location is the design file setting responsible, when one is; nil
	// when the finding cannot be pinned on one line.
	Location *Location
	// Silenced is why the finding does not count; set by Policy.Apply.
	Silenced *Silence
}

// Location is a place in a design file.
type Location struct {
	File   string // "" means the check's file
	Line   int    // 1-based; 0 unknown
	Column int    // 1-based; 0 unknown
	Field  string // the YAML path, such as "protocol.pools[0].context_size"
}

// InputError is input that could not be read, in the shape the JSON report
// gives it: {"error": {"message", "file", "line", "column", "field"}}.
type InputError struct {
	Message string
	File    string
	Line    int
	Column  int
	Field   string
}

// Error is "FILE:LINE:COL: FIELD: message", as ndissim prints input errors
// (designfile.Error's form), leaving out what is unknown.
func (e *InputError) Error() string {
	return (&designfile.Error{File: e.File, Line: e.Line, Column: e.Column, Field: e.Field, Msg: e.Message}).Error()
}

func (t Tool) infoURI() string {
	if t.InformationURI == "" {
		return DefaultInformationURI
	}
	return t.InformationURI
}

func (t Tool) name() string {
	if t.Name == "" {
		return "ndissim"
	}
	return t.Name
}
