package sim

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math/bits"
	"reflect"
	"slices"
	"strings"

	"github.com/ndissim/ndissim/binding"
	"github.com/ndissim/ndissim/fsm"
	"github.com/ndissim/ndissim/pool"
	"github.com/ndissim/ndissim/rule"
)

// Coverage is what a set of runs exercised: which (lifecycle state, move)
// pairs were made, and which rules' preconditions (Cond) were reached. It
// is a set, so merging the coverage of runs in any order gives the same
// value. Recording is a few bit operations per move.
type Coverage struct {
	pairs [7]uint16 // by state (fsm.States order), a bit per MoveKind
	conds uint32    // a bit per Cond
	cur   MoveKind  // the move being made, for conditions met inside it
}

// NewCoverage returns an empty coverage.
func NewCoverage() *Coverage { return &Coverage{} }

func stateIndex(s fsm.State) int {
	switch s {
	case fsm.Unbound:
		return 0
	case fsm.Opening:
		return 1
	case fsm.Paused:
		return 2
	case fsm.Restarting:
		return 3
	case fsm.Running:
		return 4
	case fsm.Pausing:
		return 5
	}
	return 6
}

// Set records that a condition was reached.
func (c *Coverage) Set(k Cond) {
	if c != nil {
		c.conds |= 1 << k
	}
}

// Reached reports whether condition k was reached.
func (c *Coverage) Reached(k Cond) bool { return c.conds&(1<<k) != 0 }

// Move records move m made in state s, and the conditions the move itself
// reaches.
func (c *Coverage) Move(s fsm.State, m Move) {
	if c == nil {
		return
	}
	c.pairs[stateIndex(s)] |= 1 << m.Kind
	c.cur = m.Kind
	switch m.Kind {
	case MoveBind:
		c.Set(CondBound)
	case MoveWrite:
		if s == fsm.Running {
			c.Set(CondSend)
		} else if s != fsm.Unbound {
			c.Set(CondWriteNotRunning)
		}
	case MoveCompleteSend:
		c.Set(CondSendCompleted)
		if !m.OK {
			c.Set(CondSendFailed)
		}
	case MoveCompleteOid, MoveCompleteOpen:
		if !m.OK {
			c.Set(CondOidFailed)
		}
	case MoveIndicate:
		c.Set(CondReceive)
		if m.OK {
			c.Set(CondResources)
		}
	case MovePause, MoveRestart:
		c.Set(CondPnP)
		if m.Kind == MoveRestart && !m.OK {
			c.Set(CondRestartNull)
		}
	case MoveUnbind:
		c.Set(CondUnbind)
	}
}

// before records what a move finds: a pause with something outstanding.
func (c *Coverage) before(m Move, out binding.Outstanding) {
	if c != nil && m.Kind == MovePause && (out.Sends > 0 || out.HeldReceives > 0) {
		c.Set(CondPauseWithSends)
	}
}

// Observe records the conditions a state between moves shows.
func (c *Coverage) Observe(b *binding.Binding) {
	if c == nil {
		return
	}
	out := b.Outstanding()
	if out.Sends > 0 {
		c.Set(CondSendInFlight)
	}
	switch {
	case out.PnP == binding.NetEventPause:
		c.Set(CondPausePended)
	case out.PnP != 0 || out.BindPending || out.UnbindPending:
		c.Set(CondOtherPended)
	}
}

// decided records an NDIS decision's outcome.
func (c *Coverage) decided(d binding.Decision, v bool) {
	if c == nil {
		return
	}
	switch d {
	case binding.DecideOidFails:
		c.Set(CondOid)
		if v {
			c.Set(CondOidFailed)
		}
	case binding.DecideOpenFails:
		if v {
			c.Set(CondOidFailed)
		}
	case binding.DecideSendFails:
		if v {
			c.Set(CondSendFailed)
		}
	}
	if !v {
		return
	}
	switch d {
	case binding.DecideOidPends:
		c.Set(CondOidPended)
	case binding.DecideOpenPends:
		c.Set(CondOpenPended)
	case binding.DecideClosePends:
		c.Set(CondClosePended)
	case binding.DecideDispatch:
		c.Set(CondDispatch)
	case binding.DecideOidCompletesNow:
		c.Set(CondOidEarly)
	case binding.DecideSendCompletesNow:
		c.Set(CondSendCompleted)
	}
}

// allocFailed records an allocation failure, on the send path if the move
// being made is a write.
func (c *Coverage) allocFailed(v bool) {
	if c == nil || !v {
		return
	}
	c.Set(CondAllocFailed)
	if c.cur == MoveWrite {
		c.Set(CondAllocFailedSend)
	}
}

// restartedEdited records a restart on a stack the design's edits changed.
func (c *Coverage) restartedEdited() { c.Set(CondStackGrew) }

// Merge adds o's coverage to c.
func (c *Coverage) Merge(o *Coverage) {
	if c == nil || o == nil {
		return
	}
	for i := range c.pairs {
		c.pairs[i] |= o.pairs[i]
	}
	c.conds |= o.conds
}

// Pair is one (lifecycle state, move) pair.
type Pair struct {
	State fsm.State `json:"state"`
	Move  string    `json:"move"`
}

// Pairs are the pairs exercised, in lifecycle and move order.
func (c *Coverage) Pairs() []Pair { return c.pairsWhere(true) }

// Missed are the pairs NDIS can make (legal in some situation of that
// state) that were never exercised.
func (c *Coverage) Missed() []Pair { return c.pairsWhere(false) }

func (c *Coverage) pairsWhere(seen bool) []Pair {
	var out []Pair
	for _, s := range fsm.States() {
		i := stateIndex(s)
		for k := MoveKind(1); k <= numMoveKinds; k++ {
			if !possible(s, k) {
				continue
			}
			if (c.pairs[i]&(1<<k) != 0) == seen {
				out = append(out, Pair{State: s, Move: k.String()})
			}
		}
	}
	return out
}

// possibleIn is, per move, the states NDIS can make it in: where it is
// legal in some situation that can arise (a send is in flight only while
// Running or Pausing; an open pends only while Opening, a close while
// Opening or Closing).
var possibleIn = [...][]fsm.State{
	MoveCompleteSend:  {fsm.Running, fsm.Pausing},
	MoveCompleteOid:   {fsm.Opening, fsm.Paused, fsm.Restarting, fsm.Running, fsm.Pausing, fsm.Closing},
	MoveCompleteOpen:  {fsm.Opening},
	MoveCompleteClose: {fsm.Opening, fsm.Closing},
	MoveWorkItem:      {fsm.Opening, fsm.Paused, fsm.Restarting, fsm.Running, fsm.Pausing, fsm.Closing},
	MoveWrite:         {fsm.Opening, fsm.Paused, fsm.Restarting, fsm.Running, fsm.Pausing, fsm.Closing},
	MoveIndicate:      {fsm.Running, fsm.Pausing},
	MoveBind:          {fsm.Unbound},
	MoveRestart:       {fsm.Paused},
	MovePause:         {fsm.Running},
	MoveEditStack:     {fsm.Paused, fsm.Running},
	MoveUnbind:        {fsm.Paused},
}

func possible(s fsm.State, k MoveKind) bool { return slices.Contains(possibleIn[k], s) }

// PairMoves are the moves a coverage's pairs name, in move order: the
// columns of its table.
func PairMoves() []string {
	out := make([]string, 0, numMoveKinds)
	for k := MoveKind(1); k <= numMoveKinds; k++ {
		out = append(out, k.String())
	}
	return out
}

// PossiblePair reports whether NDIS can make move in state s: whether the
// pair counts among a coverage's possible pairs.
func PossiblePair(s fsm.State, move string) bool {
	k, ok := moveKindNamed(move)
	return ok && possible(s, k)
}

// RuleArming says whether one rule's precondition was reached.
type RuleArming struct {
	Rule  rule.Name `json:"rule"`
	Armed bool      `json:"armed"`
	Needs string    `json:"needs"`
}

// Rules says, for every rule of the catalogue, whether it was armed.
func (c *Coverage) Rules() []RuleArming {
	out := make([]RuleArming, 0, len(rule.Catalogue))
	for _, r := range rule.Catalogue {
		k := armedBy[r.Name]
		out = append(out, RuleArming{Rule: r.Name, Armed: k != 0 && c.Reached(k), Needs: k.String()})
	}
	return out
}

// Armed reports whether rule r's precondition was reached.
func (c *Coverage) Armed(r rule.Name) bool { k := armedBy[r]; return k != 0 && c.Reached(k) }

// possibleMask is, by state, the moves possibleIn allows: the pairs a
// coverage is measured against.
var possibleMask = func() (m [7]uint16) {
	for k, states := range possibleIn {
		for _, s := range states {
			m[stateIndex(s)] |= 1 << k
		}
	}
	return m
}()

// Complete reports whether every possible (state, move) pair was seen: the
// goal of `check --coverage-goal`. Some possible pairs may be unreachable
// for a given design (a design that never pends a close, say), so a
// coverage may never be complete.
func (c *Coverage) Complete() bool {
	for i, m := range possibleMask {
		if c.pairs[i]&m != m {
			return false
		}
	}
	return true
}

// Counts are the pairs seen and possible, and the rules armed of the
// catalogue's.
func (c *Coverage) Counts() (seen, possible, armed, rules int) {
	for i, m := range possibleMask {
		seen += bits.OnesCount16(c.pairs[i] & m)
		possible += bits.OnesCount16(m)
	}
	for _, r := range rule.Catalogue {
		if c.Armed(r.Name) {
			armed++
		}
	}
	return seen, possible, armed, len(rule.Catalogue)
}

// NeverArmed are the rules whose precondition was never reached, in
// catalogue order.
func (c *Coverage) NeverArmed() []rule.Name {
	var out []rule.Name
	for _, r := range rule.Catalogue {
		if !c.Armed(r.Name) {
			out = append(out, r.Name)
		}
	}
	return out
}

// coverageJSON is the coverage as JSON: the counts, the pairs exercised
// and missed, and every rule's arming (docs/report.schema.json, $defs
// coverage).
type coverageJSON struct {
	PairsSeen     int          `json:"pairs_seen"`
	PairsPossible int          `json:"pairs_possible"`
	RulesArmed    int          `json:"rules_armed"`
	Pairs         []Pair       `json:"pairs"`
	Missed        []Pair       `json:"missed_pairs"`
	Rules         []RuleArming `json:"rules"`
}

func (c *Coverage) json() coverageJSON {
	seen, possible, armed, _ := c.Counts()
	return coverageJSON{PairsSeen: seen, PairsPossible: possible, RulesArmed: armed,
		Pairs: nonNil(c.Pairs()), Missed: nonNil(c.Missed()), Rules: c.Rules()}
}

// MarshalJSON renders the counts, the pairs exercised and missed, and
// every rule's arming.
func (c *Coverage) MarshalJSON() ([]byte, error) { return json.Marshal(c.json()) }

// UnmarshalJSON reads back what MarshalJSON wrote, strictly: a pair that
// is not possible, a rule the catalogue lacks, or counts and lists that
// disagree are errors, so that a merge never joins a coverage it misreads.
// The conditions it sets are those of the armed rules, which is all the
// JSON keeps: the pairs and the rules' arming read back are the same.
func (c *Coverage) UnmarshalJSON(data []byte) error {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	var in coverageJSON
	if err := dec.Decode(&in); err != nil {
		return fmt.Errorf("coverage: %w", err)
	}
	var out Coverage
	for _, p := range in.Pairs {
		k, ok := moveKindNamed(p.Move)
		if !ok || !possible(p.State, k) {
			return fmt.Errorf("coverage: pair (%s, %s): not a possible (state, move) pair", p.State, p.Move)
		}
		out.pairs[stateIndex(p.State)] |= 1 << k
	}
	for _, r := range in.Rules {
		k := armedBy[r.Rule]
		if k == 0 {
			return fmt.Errorf("coverage: rule %q: not a rule of the catalogue", r.Rule)
		}
		if r.Armed {
			out.Set(k)
		}
	}
	if !reflect.DeepEqual(out.json(), in) {
		return fmt.Errorf("coverage: its counts, pairs, missed_pairs and rules disagree; expected them as ndissim writes them")
	}
	*c = out
	return nil
}

func moveKindNamed(name string) (MoveKind, bool) {
	for k := MoveKind(1); k <= numMoveKinds; k++ {
		if k.String() == name {
			return k, true
		}
	}
	return 0, false
}

func nonNil(p []Pair) []Pair {
	if p == nil {
		return []Pair{}
	}
	return p
}

// Summary is the coverage in a few lines, as check's text report shows it
// under a design: the pairs seen of those possible, the rules armed, and
// by name the rules never armed. Text is the whole table.
func (c *Coverage) Summary() string {
	seen, possible, armed, rules := c.Counts()
	var b strings.Builder
	fmt.Fprintf(&b, "coverage: %d/%d (state, move) pairs; %d/%d rules armed\n", seen, possible, armed, rules)
	if never := c.NeverArmed(); len(never) > 0 {
		names := make([]string, len(never))
		for i, n := range never {
			names[i] = string(n)
		}
		fmt.Fprintf(&b, "rules never armed in these runs: %s\n", strings.Join(names, ", "))
	}
	return b.String()
}

// Text renders the coverage for a reader: the pairs' count and the ones
// missed, then the rules never armed with what they needed.
func (c *Coverage) Text() string {
	var b strings.Builder
	seen, missed := c.Pairs(), c.Missed()
	fmt.Fprintf(&b, "coverage: %d of %d (state, move) pairs exercised\n", len(seen), len(seen)+len(missed))
	for _, p := range missed {
		fmt.Fprintf(&b, "  never: %s in %s\n", p.Move, p.State)
	}
	rules := c.Rules()
	armed := slices.DeleteFunc(slices.Clone(rules), func(r RuleArming) bool { return !r.Armed })
	fmt.Fprintf(&b, "rules armed (precondition reached): %d of %d\n", len(armed), len(rules))
	for _, r := range rules {
		if !r.Armed {
			fmt.Fprintf(&b, "  never armed: %s (needs %s)\n", r.Rule, r.Needs)
		}
	}
	return b.String()
}

// recordMove records move m, about to be made, in the engine's coverage.
func (e *Engine) recordMove(m Move) {
	c := e.cov
	if c == nil {
		return
	}
	s := e.b.State()
	c.before(m, e.b.Outstanding())
	c.Move(s, m)
	if (m.Kind == MoveRestart && e.change > 0) || (m.Kind == MoveEditStack && s == fsm.Paused) {
		c.restartedEdited()
	}
}

// decider is what answers NDIS's decisions and the allocation faults: the
// chooser, through the coverage when the engine records it.
func (e *Engine) decider() (binding.Decider, pool.Faults) {
	if e.cov == nil {
		return &e.ch, &e.ch
	}
	d := coverageDecider{ch: &e.ch, cov: e.cov}
	return d, d
}

// SetCoverage makes the engine record what its runs exercise into c (nil:
// stop recording).
func (e *Engine) SetCoverage(c *Coverage) { e.cov = c }

// coverageDecider forwards the engine's decisions to the coverage.
type coverageDecider struct {
	ch  *chooser
	cov *Coverage
}

func (d coverageDecider) Decide(k binding.Decision) bool {
	v := d.ch.Decide(k)
	d.cov.decided(k, v)
	return v
}

func (d coverageDecider) FailAllocation(op pool.Op) bool {
	v := d.ch.FailAllocation(op)
	d.cov.allocFailed(v)
	return v
}
