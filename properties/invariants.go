package properties

import (
	"errors"
	"fmt"

	"github.com/ndissim/ndissim/binding"
	"github.com/ndissim/ndissim/fsm"
	"github.com/ndissim/ndissim/pool"
	"github.com/ndissim/ndissim/rule"
)

// Invariant is one allocation or free invariant, checkable after any step
// of a run. Each restates rules the binding enforces as "the binding drew
// no error finding of these rules", and most add a self-check: what the
// simulator's own bookkeeping must show when the binding drew none (the
// tracker's counters add up, nothing is both live and free, Paused holds
// nothing). A design can only break the first half; a failed self-check is
// a bug in ndissim, and is labelled so (SelfCheck), never as an NDIS rule.
type Invariant struct {
	// Name is the invariant's stable name, as failure reports print it.
	Name string
	// Rule is the catalogue rule the invariant is closest to, for its
	// documentation; a broken invariant names the rule of its finding.
	Rule rule.Name
	// Summary says the invariant in one line.
	Summary string

	rules []rule.Name // error findings of these rules break it
	model model       // the self-check, if any
}

// Check reports whether b keeps the invariant now: nil, or an
// *InvariantError.
func (inv Invariant) Check(b *binding.Binding) error {
	var a audit
	return inv.check(b, hasError(b.Findings()), &a)
}

// check is Check with what CheckInvariants shares between invariants:
// whether the binding drew any error finding, and the pool audit.
func (inv *Invariant) check(b *binding.Binding, errorFindings bool, a *audit) error {
	if errorFindings {
		fs := b.Findings()
		for i := range fs {
			if fs[i].Severity == rule.Error && inv.claims(fs[i].Rule) {
				f := fs[i] // only a broken invariant allocates
				return &InvariantError{Invariant: inv.Name, Rule: f.Rule, Finding: &f, Msg: f.Error()}
			}
		}
	}
	if inv.model != noModel {
		if msg := inv.model.check(b, a); msg != "" {
			return &InvariantError{Invariant: inv.Name, Rule: SelfCheck, SelfCheck: true, Msg: msg}
		}
	}
	return nil
}

// hasError reports whether fs holds an error finding.
func hasError(fs []binding.Finding) bool {
	for i := range fs {
		if fs[i].Severity == rule.Error {
			return true
		}
	}
	return false
}

// audit is the pool tracker's Audit, made once for all the invariants
// checked after one step.
type audit struct {
	done bool
	err  error
}

func (a *audit) of(b *binding.Binding) error {
	if !a.done {
		a.err, a.done = b.Pools().Audit(), true
	}
	return a.err
}

// claims reports whether an error finding of r breaks the invariant. The
// last invariant, no-error-finding, claims every rule no other one does.
func (inv Invariant) claims(r rule.Name) bool {
	if inv.rules == nil {
		return false
	}
	if len(inv.rules) == 0 { // the catch-all
		for _, other := range invariants {
			for _, x := range other.rules {
				if x == r {
					return false
				}
			}
		}
		return true
	}
	for _, x := range inv.rules {
		if x == r {
			return true
		}
	}
	return false
}

// InvariantError is a broken invariant. Finding is the binding's finding
// behind it, when the binding reported one (Unwrap returns it, so
// errors.As(err, new(*binding.Finding)) finds it), and Rule its rule.
// Without a finding the invariant's self-check failed: SelfCheck is set and
// Rule is the label SelfCheck.
type InvariantError struct {
	Invariant string
	Rule      rule.Name
	SelfCheck bool
	Finding   *binding.Finding
	Msg       string
}

// SelfCheck labels a failure of the simulator's own bookkeeping in reports
// and trace files, where a broken invariant otherwise names a rule of the
// catalogue. It is not a rule: no design can break it.
const SelfCheck rule.Name = "SimulatorSelfCheck"

func (e *InvariantError) Error() string {
	if e.SelfCheck {
		return fmt.Sprintf("simulator self-check %s failed: %s (ndissim's own bookkeeping, not the design: please report it with the trace)", e.Invariant, e.Msg)
	}
	return fmt.Sprintf("invariant %s broken: %s", e.Invariant, e.Msg)
}

func (e *InvariantError) Unwrap() error {
	if e.Finding == nil {
		return nil
	}
	return e.Finding
}

// Invariants returns the invariants in the order they are checked.
func Invariants() []Invariant { return append([]Invariant(nil), invariants...) }

// CheckInvariants checks every invariant on b and returns the first broken
// one as an *InvariantError, or nil. It is what Check installs as the
// engine's observer, so it runs after every step of every run.
func CheckInvariants(b *binding.Binding) error {
	errorFindings := hasError(b.Findings())
	var a audit
	for i := range invariants {
		if err := invariants[i].check(b, errorFindings, &a); err != nil {
			return err
		}
	}
	return nil
}

var invariants = []Invariant{
	{
		Name: "conservation", Rule: rule.LeakAtUnbind,
		Summary: "per pool and per owner, structures allocated minus freed equals structures live",
		model:   modelConservation,
	},
	{
		Name: "live-xor-free", Rule: rule.DoubleFree,
		Summary: "no NBL or NB is both live and on a free list (pool.Tracker.Audit), and none is freed twice",
		rules:   []rule.Name{rule.DoubleFree},
		model:   modelLiveXorFree,
	},
	{
		Name: "nb-freed-before-nbl", Rule: rule.FreePreallocatedNb,
		Summary: "a preallocated NB is freed only with its NBL (a separately allocated NB freed after its NBL is the warning FreeOrderNbBeforeNbl, not a broken invariant)",
		rules:   []rule.Name{rule.FreePreallocatedNb},
	},
	{
		Name: "pool-freed-when-empty", Rule: rule.PoolFreedWithOutstanding,
		Summary: "a pool is freed only when nothing allocated from it is live",
		rules:   []rule.Name{rule.PoolFreedWithOutstanding},
	},
	{
		Name: "send-only-while-running", Rule: rule.SendWhileNotRunning,
		Summary: "no send outside Running; outside Running and Pausing no send is in flight",
		rules:   []rule.Name{rule.SendWhileNotRunning},
		model:   modelSendsOnlyWhileRunning,
	},
	{
		Name: "pause-drains", Rule: rule.PauseWithOutstanding,
		Summary: "a pause completes only when sends and held receives are drained: in Paused none is outstanding",
		rules:   []rule.Name{rule.PauseWithOutstanding, rule.PauseNotCompleted},
		model:   modelPauseDrained,
	},
	{
		Name: "unbound-holds-nothing", Rule: rule.LeakAtUnbind,
		Summary: "at Unbound (and so at the end of a run) the protocol holds no pool, NBL, NB or received NBL",
		rules:   []rule.Name{rule.LeakAtUnbind},
		model:   modelUnboundEmpty,
	},
	{
		Name: "no-error-finding", Rule: rule.UnexpectedCompletion,
		Summary: "the binding drew no error finding of any other rule of the catalogue",
		rules:   []rule.Name{},
	},
}

// model names an invariant's self-check. The checks are called directly, not
// through function values, so that the audit they share stays on the stack.
type model uint8

const (
	noModel model = iota
	modelConservation
	modelLiveXorFree
	modelSendsOnlyWhileRunning
	modelPauseDrained
	modelUnboundEmpty
)

func (m model) check(b *binding.Binding, a *audit) string {
	switch m {
	case modelConservation:
		return conservation(b, a)
	case modelLiveXorFree:
		return liveXorFree(b, a)
	case modelSendsOnlyWhileRunning:
		return sendsOnlyWhileRunning(b)
	case modelPauseDrained:
		return pauseDrained(b)
	case modelUnboundEmpty:
		return unboundEmpty(b)
	}
	return ""
}

func conservation(b *binding.Binding, a *audit) string {
	t := b.Pools()
	for _, o := range []pool.Owner{pool.OwnerProtocol, pool.OwnerMiniport} {
		c := t.Totals(o)
		live := t.LiveCount(o)
		if c.Total-c.Freed != c.Live {
			return fmt.Sprintf("the %s's pools allocated %d structures and freed %d, but count %d live", o, c.Total, c.Freed, c.Live)
		}
		if c.Live != uint64(live.NBLs+live.NBs) {
			return fmt.Sprintf("the %s's pools count %d live structures, but it holds %d NBL(s) and %d NB(s)", o, c.Live, live.NBLs, live.NBs)
		}
	}
	if err := a.of(b); err != nil && !isSlotError(err) {
		return err.Error()
	}
	return ""
}

func liveXorFree(b *binding.Binding, a *audit) string {
	if err := a.of(b); err != nil && isSlotError(err) {
		return err.Error()
	}
	return ""
}

// isSlotError tells Audit's findings about slots (live and free at once, on
// the free list twice, neither) from those about counts.
func isSlotError(err error) bool {
	var ae *pool.AuditError
	return errors.As(err, &ae) && ae.Slots
}

func sendsOnlyWhileRunning(b *binding.Binding) string {
	if b.Halted() {
		return ""
	}
	if s := b.State(); s != fsm.Running && s != fsm.Pausing {
		if n := b.Outstanding().Sends; n > 0 {
			return fmt.Sprintf("%d send(s) in flight while the binding is %s", n, s)
		}
	}
	return ""
}

func pauseDrained(b *binding.Binding) string {
	if b.Halted() || b.State() != fsm.Paused {
		return ""
	}
	if out := b.Outstanding(); out.Sends > 0 || out.HeldReceives > 0 {
		return fmt.Sprintf("Paused with %d send(s) in flight and %d received NBL(s) held", out.Sends, out.HeldReceives)
	}
	return ""
}

func unboundEmpty(b *binding.Binding) string {
	if b.Halted() || b.State() != fsm.Unbound || b.Busy() {
		return ""
	}
	live := b.Pools().LiveCount(pool.OwnerProtocol)
	out := b.Outstanding()
	if live != (pool.Live{}) || out.HeldReceives > 0 || out.Sends > 0 {
		return fmt.Sprintf("Unbound, yet the protocol holds %d pool(s), %d NBL(s), %d NB(s), %d received NBL(s) and %d send(s) in flight",
			live.Pools, live.NBLs, live.NBs, out.HeldReceives, out.Sends)
	}
	return ""
}
