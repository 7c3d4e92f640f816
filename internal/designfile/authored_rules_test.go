package designfile_test

import (
	"context"
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/ndissim/ndissim/internal/designfile"
	"github.com/ndissim/ndissim/rule"
	"github.com/ndissim/ndissim/sim"
)

// authored is a rule a design file draws from a setting a driver author
// might choose: the broken setting, the correct one beside it, and the
// field a report points the finding at. docs/design-files.md lists the
// same table ("Rules a setting breaks"); TestAuthoredRulesAreDocumented
// keeps the two in step.
type authored struct {
	rule            rule.Name
	broken, correct string // the protocol section, as the inside of a flow mapping
	field           string // where Locate points the finding
}

// authoredRules are the rules a setting of the configurable protocol
// breaks, each on the default design's stack and workload.
var authoredRules = []authored{
	// Pools and buffers.
	{rule.PoolContextAlignment, "nbl_pool: {context_size: 12}", "nbl_pool: {context_size: 16}", "protocol.nbl_pool.context_size"},
	{rule.PoolDataSizeWithoutNetBuffer, "nbl_pool: {allocate_net_buffer: false, data_size: 2048}, nb_pool: {}, send: {api: separate}",
		"nbl_pool: {allocate_net_buffer: false, data_size: 0}, nb_pool: {}, send: {api: separate}", "protocol.nbl_pool.data_size"},
	{rule.CombinedAllocNeedsNetBufferPool, "nbl_pool: {allocate_net_buffer: false}", "nbl_pool: {allocate_net_buffer: true}", "protocol.nbl_pool.allocate_net_buffer"},
	{rule.NetBufferDataRange, "nbl_pool: {allocate_net_buffer: false}, nb_pool: {data_size: 32}, send: {api: separate}",
		"nbl_pool: {allocate_net_buffer: false}, nb_pool: {data_size: 2048}, send: {api: separate}", "protocol.nb_pool.data_size"},
	{rule.SendWithoutData, "nb_pool: {}, send: {api: separate}", "nbl_pool: {allocate_net_buffer: false}, nb_pool: {}, send: {api: separate}", "protocol.send.api"},
	{rule.SendBackfillShortfall, "requirements: fixed, fixed: {data_backfill: 48, context_backfill: 64}", "requirements: attributes", "protocol.fixed.data_backfill"},
	{rule.SendContextShortfall, "requirements: fixed, fixed: {data_backfill: 112, context_backfill: 32}", "requirements: attributes", "protocol.fixed.context_backfill"},
	{rule.PoolFreedWithOutstanding, "send: {on_failure: keep}", "send: {on_failure: free}", "protocol.send.on_failure"},
	{rule.PoolChangedWhileActive, "lifecycle: {create_pools: at-first-write}", "lifecycle: {create_pools: at-bind}", "protocol.lifecycle.create_pools"},
	{rule.ResourcesKeptPastUnbind, "lifecycle: {unbind: {free_pools: close-complete}}", "lifecycle: {unbind: {free_pools: after-close}}", "protocol.lifecycle.unbind.free_pools"},

	// Sends and receives.
	{rule.SourceHandleNotSet, "send: {source_handle: false}", "send: {source_handle: true}", "protocol.send.source_handle"},
	{rule.SendWhileNotRunning, "send: {when: open}", "send: {when: running}", "protocol.send.when"},
	{rule.SendWhilePausing, "lifecycle: {pause: {goodbye_send: true}}", "lifecycle: {pause: {goodbye_send: false}}", "protocol.lifecycle.pause.goodbye_send"},
	{rule.ReceiveResourcesHeld, "receive: {keep: hold, resources: ignore}", "receive: {keep: hold, resources: copy}", "protocol.receive.resources"},

	// Pause, restart, bind, unbind.
	{rule.PauseWithOutstanding, "lifecycle: {pause: {wait: none}}", "lifecycle: {pause: {wait: sleep}}", "protocol.lifecycle.pause.wait"},
	{rule.PnPEventFailed, "rebuild: always, lifecycle: {restart: {rebuild_failure: fail}}",
		"rebuild: always, lifecycle: {restart: {rebuild_failure: retry}}", "protocol.lifecycle.restart.rebuild_failure"},
	{rule.BindWithoutOpen, "lifecycle: {bind: {wait: none}}", "lifecycle: {bind: {wait: event}}", "protocol.lifecycle.bind.wait"},
	{rule.OidInInvalidState, "lifecycle: {bind: {wait: none, oids: [frame-size]}}", "lifecycle: {bind: {wait: pend, oids: [frame-size]}}", "protocol.lifecycle.bind.wait"},
	{rule.UnexpectedCompletion, "lifecycle: {bind: {oids: [packet-filter], complete_from: oid-complete}}",
		"lifecycle: {bind: {oids: [packet-filter], complete_from: work-item}}", "protocol.lifecycle.bind.complete_from"},
	{rule.PendedNotCompleted, "lifecycle: {request_ids: ndis, unbind: {oids: [packet-filter]}}",
		"lifecycle: {request_ids: own, unbind: {oids: [packet-filter]}}", "protocol.lifecycle.request_ids"},
	{rule.CloseWithOidsOutstanding, "lifecycle: {unbind: {oids: [packet-filter, multicast-list], oids_wait: none}}",
		"lifecycle: {unbind: {oids: [packet-filter, multicast-list], oids_wait: event}}", "protocol.lifecycle.unbind.oids_wait"},
	{rule.HandleUsedAfterClose, "lifecycle: {unbind: {oids: [packet-filter], oids_order: after-close}}",
		"lifecycle: {unbind: {oids: [packet-filter], oids_order: before-close}}", "protocol.lifecycle.unbind.oids_order"},
	{rule.LeakAtUnbind, "lifecycle: {unbind: {close_wait: none}}", "lifecycle: {unbind: {close_wait: pend}}", "protocol.lifecycle.unbind.close_wait"},

	// IRQL and locks.
	{rule.IrqlTooHigh, "lifecycle: {pause: {complete_from: send-complete}}", "lifecycle: {pause: {complete_from: work-item}}", "protocol.lifecycle.pause.complete_from"},
	{rule.IrqlTooLow, "send: {lock: dpr}", "send: {lock: spin}", "protocol.send.lock"},
	{rule.SpinLockReacquired, "send: {lock: spin-across-send, flags: from-irql}", "send: {lock: spin, flags: from-irql}", "protocol.send.lock"},
	{rule.DispatchFlagMismatch, "send: {flags: dispatch-level}", "send: {flags: none}", "protocol.send.flags"},
}

// withSettings is the default design with its protocol section replaced by
// settings, a flow mapping's inside.
func withSettings(t *testing.T, settings string) sim.Design {
	t.Helper()
	src := string(designfile.DefaultYAML)
	start := strings.Index(src, "\nprotocol:")
	end := strings.Index(src, "\n# What the environment does")
	d, err := designfile.Parse("t.yaml", []byte(src[:start]+"\nprotocol: {"+settings+"}\n"+src[end:]))
	require.NoError(t, err, "a design that breaks a rule is valid input")
	return d
}

// ruleSet is the rules of a check's findings.
func ruleSet(rep sim.Report) []rule.Name {
	var out []rule.Name
	for _, f := range rep.Findings {
		if !slices.Contains(out, f.Rule) {
			out = append(out, f.Rule)
		}
	}
	return out
}

// Each setting draws its rule, and nothing else, warnings included, within
// ndissim check's 2,000 runs; the correct setting beside it draws nothing
// at all; a report points the finding at the setting.
func TestAuthoredRules(t *testing.T) {
	t.Parallel()
	seen := map[rule.Name]bool{}
	for _, c := range authoredRules {
		seen[c.rule] = true
	}
	require.GreaterOrEqual(t, len(seen), 20, "issue 11: at least 20 rules drawn from a design file")
	for _, c := range authoredRules {
		t.Run(string(c.rule), func(t *testing.T) {
			t.Parallel()
			opt := sim.CheckOptions{Seed: sim.DefaultSeed, Runs: 2_000, Workers: 2}
			d := withSettings(t, c.broken)
			rep, err := sim.Check(context.Background(), d, opt)
			require.NoError(t, err)
			require.Equal(t, []rule.Name{c.rule}, ruleSet(rep), "{%s} draws its rule alone", c.broken)
			field, _, ok := designfile.Locate(d, c.rule)
			require.True(t, ok)
			require.Equal(t, c.field, field, "the finding points at the setting")

			rep, err = sim.Check(context.Background(), withSettings(t, c.correct), opt)
			require.NoError(t, err)
			require.Empty(t, ruleSet(rep), "{%s} draws nothing", c.correct)
		})
	}
}

// The documentation's table is this one: every rule with its broken and
// correct settings, as written here.
func TestAuthoredRulesAreDocumented(t *testing.T) {
	doc, err := os.ReadFile("../../docs/design-files.md")
	require.NoError(t, err)
	for _, c := range authoredRules {
		row := "| `" + string(c.rule) + "` | `" + c.broken + "` | `" + c.correct + "` |"
		require.Contains(t, string(doc), row, "docs/design-files.md lacks the row of %s", c.rule)
	}
}

// The waiting settings wait where the default pends: over 300 runs each
// makes its wait call and never returns PENDING from the callback that
// waits, and the correct lifecycle variants draw no finding at all.
func TestLifecycleWaitsWait(t *testing.T) {
	t.Parallel()
	for _, c := range []struct{ settings, waits, neverPends string }{
		{"lifecycle: {pause: {wait: sleep}}", "NdisMSleep", "NetEventPause) returned PENDING"},
		{"lifecycle: {pause: {wait: event}}", "NdisWaitEvent", "NetEventPause) returned PENDING"},
		{"lifecycle: {bind: {wait: event, oids: [frame-size, packet-filter]}}", "NdisWaitEvent", "ProtocolBindAdapterEx returned PENDING"},
		{"lifecycle: {unbind: {oids: [packet-filter, multicast-list], oids_wait: event, close_wait: event}}", "NdisWaitEvent", "ProtocolUnbindAdapterEx returned PENDING"},
	} {
		t.Run(c.settings, func(t *testing.T) {
			t.Parallel()
			d := withSettings(t, c.settings)
			e := sim.NewEngine(d)
			waited := false
			for seed := uint64(1); seed <= 300; seed++ {
				for _, l := range e.Trace(seed).Lines {
					waited = waited || strings.Contains(l, c.waits)
					require.NotContains(t, l, c.neverPends, "seed %d", seed)
				}
			}
			require.True(t, waited, "no %s in 300 runs", c.waits)
			rep, err := sim.Check(context.Background(), d, sim.CheckOptions{Seed: sim.DefaultSeed, Runs: 2_000, Workers: 2})
			require.NoError(t, err)
			require.Empty(t, ruleSet(rep))
		})
	}
}

// readsAndCopies reports whether, in a run's trace, a work item (a read)
// returned a received NBL, one held across callbacks for it, and whether a
// receive handler copied a receive into the protocol's own NBL.
func readsAndCopies(lines []string) (heldForRead, copied bool) {
	var event string // the last thing NDIS, the miniport or the application did
	for _, l := range lines {
		f := strings.Fields(l)
		if len(f) < 3 {
			continue
		}
		if f[1] != "protocol" {
			event = f[2]
			continue
		}
		switch {
		case event == "work" && f[2] == "NdisReturnNetBufferLists":
			heldForRead = true
		case event == "ProtocolReceiveNetBufferLists" && f[2] == "NdisAllocateNetBufferAndNetBufferList":
			copied = true
		}
	}
	return heldForRead, copied
}

// receive.keep: hold-for-read holds a receive for a read that waits and
// copies the others, and draws nothing within ndissim check's 2,000 runs;
// with receive.resources: ignore it keeps a RESOURCES indication for a read
// or returns it, and draws ReceiveResourcesHeld alone, pointed at the
// setting.
func TestHoldForRead(t *testing.T) {
	t.Parallel()
	opt := sim.CheckOptions{Seed: sim.DefaultSeed, Runs: 2_000, Workers: 2}
	correct := withSettings(t, "receive: {keep: hold-for-read}")
	e := sim.NewEngine(correct)
	var held, copied bool
	for seed := uint64(1); seed <= 100 && !(held && copied); seed++ {
		h, c := readsAndCopies(e.Trace(seed).Lines)
		held, copied = held || h, copied || c
	}
	require.True(t, held, "no receive held for a read in 100 runs")
	require.True(t, copied, "no receive copied in 100 runs")
	rep, err := sim.Check(context.Background(), correct, opt)
	require.NoError(t, err)
	require.Empty(t, ruleSet(rep))

	broken := withSettings(t, "receive: {keep: hold-for-read, resources: ignore}")
	rep, err = sim.Check(context.Background(), broken, opt)
	require.NoError(t, err)
	require.Equal(t, []rule.Name{rule.ReceiveResourcesHeld}, ruleSet(rep))
	field, _, ok := designfile.Locate(broken, rule.ReceiveResourcesHeld)
	require.True(t, ok)
	require.Equal(t, "protocol.receive.resources", field)
}

// The correct settings draw nothing in 100,000 runs each when NDISSIM_LONG=1
// (CI's long job); ndissim check's 2,000 are TestAuthoredRules's.
func TestAuthoredCorrectSettingsLong(t *testing.T) {
	if os.Getenv("NDISSIM_LONG") != "1" {
		t.Skip("set NDISSIM_LONG=1 for 100,000 runs of each correct setting")
	}
	for _, c := range authoredRules {
		rep, err := sim.Check(context.Background(), withSettings(t, c.correct), sim.CheckOptions{Seed: sim.DefaultSeed, Runs: 100_000})
		require.NoError(t, err)
		for _, f := range rep.Findings {
			require.Fail(t, "false alarm", "{%s}: %s (%s) at seed %d: %s", c.correct, f.Rule, f.Severity, f.Seed, f.Message)
		}
	}
}

// A restart that a stack edit starts in the same move as the pause it
// follows completes has its own watchdog count: the ticks the pause spent
// polling are not the restart's. Seed 11840 had the restart, pended for a
// pool rebuild that failed once, declared overdue one tick after it began.
func TestRestartAfterPolledPauseIsNotOverdue(t *testing.T) {
	t.Parallel()
	rep, err := sim.Check(context.Background(), withSettings(t, "lifecycle: {pause: {wait: sleep}}"), sim.CheckOptions{Seed: 11840, Runs: 1})
	require.NoError(t, err)
	require.Empty(t, ruleSet(rep))
}
