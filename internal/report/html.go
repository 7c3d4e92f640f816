package report

import (
	"bytes"
	_ "embed"
	"fmt"
	"html/template"
	"slices"
	"strings"

	"github.com/ndissim/ndissim/fsm"
	"github.com/ndissim/ndissim/rule"
	"github.com/ndissim/ndissim/sim"
)

//go:embed html.tmpl
var htmlSource string

//go:embed html.css
var htmlCSS string

//go:embed html.js
var htmlJS string

var htmlPage = template.Must(template.New("report").Funcs(template.FuncMap{
	"css": func() template.CSS { return template.CSS(htmlCSS) },
	"js":  func() template.JS { return template.JS(htmlJS) },
}).Parse(htmlSource))

// HTML renders the report as one self-contained page: no network, the
// styles and a few lines of script inline. It shows the verdict, each
// design's silenced rules, and each finding with its rule, basis and page,
// the command that replays it and its shrunk trace drawn as a sequence
// diagram: a lane for the application, the protocol, NDIS, each filter and
// the miniport, an arrow per trace line, and beside each the binding's
// state and counters, those that changed marked.
func HTML(r Report) []byte {
	var b bytes.Buffer
	if err := htmlPage.Execute(&b, pageOf(r)); err != nil {
		panic("report: " + err.Error()) // the template and its data are ours
	}
	return b.Bytes()
}

// The page's data: everything the template shows, computed here so that
// the template only lays it out.
type (
	page struct {
		Title    string
		Tool     Tool
		Headline string
		Verdict  Verdict
		Class    string // the verdict's CSS class
		Seed     uint64
		FailOn   string
		Summary  jsonSummary
		Error    *InputError
		Designs  []pageDesign
		NotRun   []string
	}
	pageDesign struct {
		Name, File string
		Verdict    Verdict
		Class      string
		Runs       int
		Steps      int64
		Verified   int
		Interrupt  bool
		Nondeterm  []uint64
		Silenced   []RuleSilence
		Raised     []rule.Name
		Findings   []pageFinding
		Coverage   *pageCoverage
	}
	// pageCoverage is a design's coverage: the counts, the rules never
	// armed (highlighted: their pass is no evidence), and the (state, move)
	// table, a row per state and a column per move.
	pageCoverage struct {
		Seen, Possible, Armed, Rules int
		Never                        []sim.RuleArming
		Goal                         *sim.CoverageGoal
		Runs                         int
		Moves                        []string
		Rows                         []pageCoverageRow
	}
	pageCoverageRow struct {
		State string
		Cells []pageCell
	}
	pageCell struct {
		Class string // seen, missed or impossible
		Title string
	}
	pageFinding struct {
		ID           string // the anchor
		Rule         rule.Name
		Severity     string
		RuleSeverity string
		Counts       bool
		Silenced     *Silence
		Summary      string
		Basis        string
		Page         string
		PageName     string
		Seed         uint64
		Step         int
		State        string
		Message      string
		Objects      []string
		ShrunkSteps  int
		Minimal      bool
		Trace        string
		Replay       string
		Location     *Location
		Diagram      pageDiagram
		Lines        []string
		Mermaid      string
	}
	pageDiagram struct {
		Lanes []pageLane
		Rows  []pageRow
	}
	pageLane struct {
		ID, Name, Class string
		At              template.CSS // the lifeline's left edge: "left:21.43%"
	}
	pageRow struct {
		Tick      int
		FirstTick bool // the first row of its tick: the tick is shown
		Kind      Kind
		From, To  string
		Name      string // the call, bold
		Args      string
		Text      string
		Own       bool         // the finding this diagram is for
		Label     template.CSS // where the label starts
		Arrow     template.CSS // where the arrow is
		Dir       string       // right, left, self, band
		Colour    string       // the acting lane's class
		State     string
		NewState  bool
		Counters  []pageCounter
		Line      string
	}
	pageCounter struct {
		Name    string
		Value   int
		Changed bool
		Was     int
	}
)

func pageOf(r Report) page {
	p := page{Title: "ndissim report", Tool: r.Tool, Seed: r.Seed, FailOn: severityName(r.Policy.threshold()), Error: r.Error}
	p.Tool.Name, p.Tool.InformationURI = r.Tool.name(), r.Tool.infoURI()
	if r.Error != nil {
		p.Headline, p.Class = "input error", "fail"
		return p
	}
	var summary jsonSummary
	js := judge(r)
	for _, j := range js {
		summary.Designs++
		summary.Runs += j.Runs
		summary.Steps += j.Steps
		summary.Errors += j.count(rule.Error)
		summary.Warnings += j.count(rule.Warning)
		summary.Failing += j.failing(rule.Error) + j.failing(rule.Warning)
		summary.Silenced += len(j.shown) - len(j.kept)
		p.Designs = append(p.Designs, designPage(j, len(p.Designs)))
	}
	p.Summary = summary
	var warnings int
	p.Verdict, warnings = overall(r, js)
	p.Headline, p.Class = Headline(p.Verdict, warnings), verdictClass(p.Verdict)
	p.NotRun = r.NotRun
	if len(r.Checks) == 1 {
		p.Title = "ndissim: " + r.Checks[0].Design
	}
	return p
}

func verdictClass(v Verdict) string {
	switch v {
	case Fail:
		return "fail"
	case PassWithWarnings:
		return "warn"
	case Interrupted:
		return "interrupted"
	}
	return "pass"
}

func designPage(j judged, n int) pageDesign {
	d := pageDesign{Name: j.Design, File: j.File, Verdict: j.verdict, Class: verdictClass(j.verdict), Runs: j.Runs,
		Steps: j.Steps, Verified: j.Verified, Interrupt: j.Interrupted, Nondeterm: j.Nondeterm, Silenced: j.off,
		Raised: raised(j.policy), Coverage: coveragePage(j.Coverage, j.Goal, j.Runs)}
	for i, f := range byWeight(j) {
		m := lookup(f.Rule)
		pf := pageFinding{ID: fmt.Sprintf("d%d-f%d", n+1, i+1), Rule: f.Rule, Severity: severityName(f.Severity),
			RuleSeverity: severityName(m.Severity), Counts: j.policy.Counts(f), Silenced: f.Silenced,
			Summary: m.Summary, Basis: m.Label, Page: m.Page, PageName: m.PageName,
			Seed: f.Seed, Step: f.Step, State: f.State, Message: f.Message, Objects: f.Objects,
			ShrunkSteps: f.ShrunkSteps, Minimal: f.Minimal, Trace: f.Trace, Replay: f.Replay,
			Location: f.Location, Lines: f.Lines}
		if pf.Location != nil && pf.Location.File == "" {
			l := *pf.Location
			l.File = j.File
			pf.Location = &l
		}
		if len(f.Lines) > 0 {
			pf.Diagram = diagramPage(ReadTrace(f.Lines), f.Rule)
			pf.Mermaid = Mermaid(f.Lines)
		}
		d.Findings = append(d.Findings, pf)
	}
	return d
}

// coveragePage lays out a coverage; nil for none.
func coveragePage(c *sim.Coverage, goal *sim.CoverageGoal, runs int) *pageCoverage {
	if c == nil {
		return nil
	}
	p := &pageCoverage{Goal: goal, Runs: runs, Moves: sim.PairMoves()}
	p.Seen, p.Possible, p.Armed, p.Rules = c.Counts()
	for _, r := range c.Rules() {
		if !r.Armed {
			p.Never = append(p.Never, r)
		}
	}
	seen := map[sim.Pair]bool{}
	for _, pr := range c.Pairs() {
		seen[pr] = true
	}
	for _, s := range fsm.States() {
		row := pageCoverageRow{State: string(s)}
		for _, m := range p.Moves {
			cell := pageCell{Class: "impossible", Title: fmt.Sprintf("NDIS makes no %s in %s", m, s)}
			switch {
			case seen[sim.Pair{State: s, Move: m}]:
				cell = pageCell{Class: "seen", Title: fmt.Sprintf("%s in %s: exercised", m, s)}
			case sim.PossiblePair(s, m):
				cell = pageCell{Class: "missed", Title: fmt.Sprintf("%s in %s: possible, never exercised", m, s)}
			}
			row.Cells = append(row.Cells, cell)
		}
		p.Rows = append(p.Rows, row)
	}
	return p
}

// diagramPage places the lanes and arrows. Lane i's lifeline is at the
// middle of the i-th of n equal columns; an arrow spans the columns between
// its two lanes; a label starts at the arrow's left end and may run on to
// the right edge.
func diagramPage(d Diagram, own rule.Name) pageDiagram {
	n := len(d.Lanes)
	at := map[string]float64{}
	var out pageDiagram
	for i, l := range d.Lanes {
		at[l.ID] = (float64(i) + 0.5) * 100 / float64(n)
		out.Lanes = append(out.Lanes, pageLane{ID: l.ID, Name: l.Name, Class: laneClass(l.ID),
			At: template.CSS(fmt.Sprintf("left:%.2f%%", at[l.ID]))})
	}
	var prev Event
	for i, e := range d.Events {
		row := pageRow{Tick: e.Tick, FirstTick: i == 0 || e.Tick != prev.Tick, Kind: e.Kind, From: e.From, To: e.To,
			Name: e.Name(), Args: e.Args(), Text: e.Text, Own: e.Kind == Flagged && e.Rule == own,
			Colour: laneClass(e.From), State: e.State, NewState: e.State != prev.State, Line: e.Line}
		row.Counters = countersPage(prev.Counters, e.Counters)
		a, b := at[e.From], at[e.To]
		switch {
		case e.Kind == State || e.Kind == Flagged || e.Kind == Note:
			row.Dir = "band"
			if e.Kind == State {
				row.Name, row.Args = e.Entered, ""
			}
			if e.From != "" {
				row.Arrow = template.CSS(fmt.Sprintf("left:%.2f%%", a))
			}
		case a == b:
			row.Dir = "self"
			row.Arrow = template.CSS(fmt.Sprintf("left:%.2f%%", a))
			row.Label = template.CSS(fmt.Sprintf("margin-left:calc(%.2f%% + 30px)", a))
		default:
			row.Dir = "right"
			if b < a {
				row.Dir = "left"
			}
			row.Arrow = template.CSS(fmt.Sprintf("left:%.2f%%;width:%.2f%%", min(a, b), abs(a-b)))
			row.Label = template.CSS(fmt.Sprintf("margin-left:calc(%.2f%% + 6px)", min(a, b)))
		}
		out.Rows = append(out.Rows, row)
		if e.Kind != Note {
			prev = e
		}
	}
	return out
}

// byWeight is the check's findings in the order a reviewer reads them:
// those that fail the check, then those below the threshold, then the
// silenced ones, each group in the check's order.
func byWeight(j judged) []Finding {
	weight := func(f Finding) int {
		switch {
		case j.policy.Counts(f):
			return 0
		case f.Silenced == nil:
			return 1
		}
		return 2
	}
	out := slices.Clone(j.shown)
	slices.SortStableFunc(out, func(a, b Finding) int { return weight(a) - weight(b) })
	return out
}

func countersPage(prev, cur []Counter) []pageCounter {
	var out []pageCounter
	for i, c := range cur {
		pc := pageCounter{Name: c.Name, Value: c.Value}
		if i < len(prev) && prev[i].Value != c.Value {
			pc.Changed, pc.Was = true, prev[i].Value
		}
		out = append(out, pc)
	}
	return out
}

func laneClass(id string) string {
	if strings.HasPrefix(id, "filter:") {
		return "lane-filter"
	}
	if id == "" {
		return ""
	}
	return "lane-" + id
}

func abs(x float64) float64 {
	if x < 0 {
		return -x
	}
	return x
}
