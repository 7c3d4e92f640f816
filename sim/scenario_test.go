package sim_test

import (
	"fmt"
	"strconv"
	"strings"
	"testing"

	"github.com/cockroachdb/datadriven"

	"github.com/ndissim/ndissim/binding"
	"github.com/ndissim/ndissim/internal/design"
	"github.com/ndissim/ndissim/oid"
	"github.com/ndissim/ndissim/pool"
	"github.com/ndissim/ndissim/sim"
)

// TestScenarios plays the lifecycle stories under testdata/scenarios: each
// file is a scripted sequence of environment moves and, below each, the
// trace lines it produced. Run with -rewrite to update them, then review the
// diff before committing it.
//
// Commands:
//
//	design requirements=R sizing=S rebuild=R api=A hold=B poll-stats
//	                       start over with the configurable protocol set so;
//	                       poll-stats adds a statistics query in its work item
//	set pend=B open-fail=B oid-fail=B send-now=B send-fail=B alloc-fail=B
//	                       decisions NDIS makes inside the design's calls
//	bind | pause | unbind | work | complete-close
//	restart [null]         with the stack's attributes, or a NULL list
//	edit                   apply the next stack change and restart
//	complete-open [fail]
//	complete-send I [fail] complete the I-th send in flight
//	complete-oid I [fail]
//	indicate N [resources]
//	write BYTES
//	watchdog               declare a pended operation overdue
//	outstanding            the counters alone
//
// Every command but design and set is a call: its output is the trace lines
// it wrote, a refusal if the move was refused (Script.Apply: the engine's
// own move API, which refuses what NDIS would not do), and a last line
// with the counters after it.
func TestScenarios(t *testing.T) {
	datadriven.Walk(t, "testdata/scenarios", func(t *testing.T, path string) {
		s := newScenario(t)
		datadriven.RunTest(t, path, s.handle)
	})
}

type scenario struct {
	s   *sim.Script
	dec *scriptedDecider
}

type scriptedDecider struct {
	d         map[binding.Decision]bool
	allocFail bool
}

func (s *scriptedDecider) Decide(d binding.Decision) bool { return s.d[d] }
func (s *scriptedDecider) FailAllocation(pool.Op) bool    { return s.allocFail }

// redesign restarts the scenario with the configurable protocol set as the
// arguments say: requirements=, sizing=, rebuild=, api=, hold=.
func (s *scenario) redesign(t *testing.T, td *datadriven.TestData) string {
	cfg := design.DefaultConfig()
	poll := false
	for _, a := range td.CmdArgs {
		if a.Key == "poll-stats" {
			poll = true
			continue
		}
		if len(a.Vals) != 1 {
			td.Fatalf(t, "design: %s needs one value", a.Key)
		}
		v := a.Vals[0]
		switch a.Key {
		case "requirements":
			cfg.Requirements = design.Requirements(v)
		case "sizing":
			cfg.Sizing = design.Sizing(v)
		case "rebuild":
			cfg.Rebuild = design.Rebuild(v)
		case "api":
			cfg.Send.API = design.SendAPI(v)
			cfg.NBPool = &design.NBPoolConfig{}
			cfg.NBLPool.AllocateNetBuffer = false
		case "hold":
			cfg.Receive.Hold = v == "true"
		default:
			td.Fatalf(t, "design: unknown setting %q", a.Key)
		}
	}
	if err := cfg.Validate(); err != nil {
		td.Fatalf(t, "design: %v", err)
	}
	*s = *newScenarioWith(t, cfg, poll)
	return "ok"
}

func newScenario(t *testing.T) *scenario { return newScenarioWith(t, design.DefaultConfig(), false) }

func newScenarioWith(t *testing.T, cfg design.Config, poll bool) *scenario {
	st, err := oid.NewStack(oid.MAA64, oid.Layer{Name: "e1000"},
		oid.Layer{Name: "qos", DataBackfill: 32, ContextBackfill: 16},
		oid.Layer{Name: "wfp-lwf", DataBackfill: 16, ContextBackfill: 16})
	if err != nil {
		t.Fatal(err)
	}
	d := sim.Design{Name: "scenario", Stack: st, New: design.Configurable(cfg), Workload: sim.DefaultWorkload,
		Changes: []oid.Edit{{Insert: &oid.Layer{Name: "vpn", DataBackfill: 64, ContextBackfill: 32}}}}
	if poll {
		inner := d.New
		d.New = func() binding.Protocol { return &statsPoller{Protocol: inner()} }
	}
	sc := &scenario{dec: &scriptedDecider{d: map[binding.Decision]bool{}}}
	sc.s = sim.NewScript(d, sc.dec, sc.dec)
	return sc
}

var decisionNames = map[string]binding.Decision{
	"pend": binding.DecideOidPends, "open-pend": binding.DecideOpenPends, "close-pend": binding.DecideClosePends,
	"open-fail": binding.DecideOpenFails, "oid-fail": binding.DecideOidFails,
	"send-now": binding.DecideSendCompletesNow, "send-fail": binding.DecideSendFails,
}

// moveNames are the scenario commands that are the engine's moves, made
// with the same API as the engine (Script.Apply).
var moveNames = map[string]sim.MoveKind{
	"bind": sim.MoveBind, "pause": sim.MovePause, "unbind": sim.MoveUnbind, "work": sim.MoveWorkItem,
	"complete-close": sim.MoveCompleteClose, "restart": sim.MoveRestart, "edit": sim.MoveEditStack,
	"complete-open": sim.MoveCompleteOpen, "complete-send": sim.MoveCompleteSend,
	"complete-oid": sim.MoveCompleteOid, "indicate": sim.MoveIndicate, "write": sim.MoveWrite,
}

func (s *scenario) handle(t *testing.T, td *datadriven.TestData) string {
	switch td.Cmd {
	case "design":
		return s.redesign(t, td)
	case "set":
		return s.set(t, td)
	case "outstanding":
		return s.counters()
	case "watchdog":
		s.s.Tick()
		b := s.s.Binding()
		b.Overdue(sim.PauseBound + 1)
		b.Overdue(sim.PendedBound + 1)
		return s.output(nil)
	}
	k, ok := moveNames[td.Cmd]
	if !ok {
		td.Fatalf(t, "unknown command %q", td.Cmd)
	}
	return s.output(s.s.Apply(s.move(t, td, k)))
}

// move is the command's move with its arguments: an index or a count
// first, then the words fail, null and resources.
func (s *scenario) move(t *testing.T, td *datadriven.TestData, k sim.MoveKind) sim.Move {
	m := sim.Move{Kind: k, OK: !td.HasArg("fail")}
	switch k {
	case sim.MoveRestart:
		m.OK = !td.HasArg("null")
	case sim.MoveIndicate:
		m.N, m.OK = s.number(t, td), td.HasArg("resources")
	case sim.MoveWrite:
		m.N = s.number(t, td)
	case sim.MoveCompleteSend, sim.MoveCompleteOid:
		m.I = s.number(t, td)
	}
	return m
}

func (s *scenario) number(t *testing.T, td *datadriven.TestData) int {
	if len(td.CmdArgs) == 0 {
		td.Fatalf(t, "%s needs a number", td.Cmd)
	}
	n, err := strconv.Atoi(td.CmdArgs[0].Key)
	if err != nil {
		td.Fatalf(t, "%s: %q: %v", td.Cmd, td.CmdArgs[0].Key, err)
	}
	return n
}

func (s *scenario) set(t *testing.T, td *datadriven.TestData) string {
	for _, a := range td.CmdArgs {
		v := len(a.Vals) == 0 || a.Vals[0] == "true"
		if a.Key == "alloc-fail" {
			s.dec.allocFail = v
			continue
		}
		d, ok := decisionNames[a.Key]
		if !ok {
			td.Fatalf(t, "set: unknown decision %q", a.Key)
		}
		s.dec.d[d] = v
	}
	return "ok"
}

// output is what a call printed, a refusal included (a refused move is
// shown, never dropped), then the counters after it.
func (s *scenario) output(err error) string {
	lines := s.s.Lines()
	if err != nil {
		lines = append(lines, err.Error()) // "<move> refused: why"
	}
	if len(lines) == 0 {
		lines = append(lines, "(nothing)")
	}
	return strings.Join(append(lines, s.counters()), "\n")
}

// counters is where the binding stands after the call: its state, what
// the protocol holds and what NDIS waits for.
func (s *scenario) counters() string {
	b := s.s.Binding()
	o, live := b.Outstanding(), b.Pools().LiveCount(pool.OwnerProtocol)
	return fmt.Sprintf("=> %s pools=%d nbls=%d nbs=%d sends=%d oids=%d held=%d open-pending=%v close-pending=%v bind-pending=%v pnp=%v unbind-pending=%v",
		b.State(), live.Pools, live.NBLs, live.NBs, o.Sends, o.OIDs, o.HeldReceives,
		o.OpenPending, o.ClosePending, o.BindPending, o.PnP, o.UnbindPending)
}

// statsPoller is the configurable protocol plus what many real protocols
// do: a statistics query from a timer while Running. Its query can be
// pending when a pause comes (OIDs are not traffic: the pause need not wait
// for it), and its unbind waits for it before closing the adapter. Its
// request carries its own ID, so a completion that overtakes the return of
// NdisOidRequest is recognised; the close is made from the work item, at
// PASSIVE_LEVEL, since the completion may run at DISPATCH_LEVEL.
type statsPoller struct {
	binding.Protocol
	running   bool
	query     uint32
	unbinding bool
}

func (p *statsPoller) NetPnPEvent(nd *binding.NDIS, ev binding.PnPEvent) binding.Status {
	st := p.Protocol.NetPnPEvent(nd, ev)
	p.running = ev.Kind == binding.NetEventRestart && st == binding.StatusSuccess
	return st
}

// statsQuery is the ID of the poller's own request.
const statsQuery = binding.OwnRequestID + 0x57

func (p *statsPoller) WorkItem(nd *binding.NDIS) {
	p.Protocol.WorkItem(nd)
	switch {
	case p.unbinding && p.query == 0:
		p.unbinding = false
		if p.Protocol.UnbindAdapter(nd) == binding.StatusSuccess {
			nd.CompleteUnbindAdapter()
		}
	case p.running && p.query == 0:
		p.query = statsQuery
		if _, res := nd.OidRequest(oid.Request{ID: statsQuery, Type: oid.Query, OID: oid.OIDGenMaximumFrameSize}); res.Status != binding.StatusPending {
			p.query = 0
		}
	}
}

func (p *statsPoller) OidRequestComplete(nd *binding.NDIS, req oid.Request, res oid.Result) {
	if req.ID != statsQuery {
		p.Protocol.OidRequestComplete(nd, req, res)
		return
	}
	p.query = 0 // the work item closes an unbind that waited for it
}

func (p *statsPoller) UnbindAdapter(nd *binding.NDIS) binding.Status {
	if p.query != 0 {
		p.unbinding = true // NdisCloseAdapterEx must wait for the query
		return binding.StatusPending
	}
	return p.Protocol.UnbindAdapter(nd)
}
