package binding_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/ndissim/ndissim/binding"
	"github.com/ndissim/ndissim/fsm"
	"github.com/ndissim/ndissim/oid"
	"github.com/ndissim/ndissim/pool"
	"github.com/ndissim/ndissim/rule"
)

// fake is a scriptable design: one func field per Protocol callback. A nil
// field runs a sensible default, the way a small correct protocol would
// behave on a synchronous path:
//
//   - BindAdapter allocates a combined NBL pool (fakePool) and opens the
//     adapter, then returns SUCCESS (or the open's failure, after freeing
//     the pool);
//   - NetPnPEvent returns SUCCESS;
//   - UnbindAdapter closes the adapter, frees the pool and returns SUCCESS;
//   - SendNetBufferListsComplete frees the NBL;
//   - ReceiveNetBufferLists returns the NBLs unless they were indicated
//     with NDIS_RECEIVE_FLAGS_RESOURCES;
//   - every other callback does nothing.
type fake struct {
	OnBindAdapter          func(nd *binding.NDIS, p oid.BindParameters) binding.Status
	OnOpenAdapterComplete  func(nd *binding.NDIS, st binding.Status)
	OnNetPnPEvent          func(nd *binding.NDIS, ev binding.PnPEvent) binding.Status
	OnUnbindAdapter        func(nd *binding.NDIS) binding.Status
	OnCloseAdapterComplete func(nd *binding.NDIS)
	OnSendComplete         func(nd *binding.NDIS, nbl pool.NBL, st binding.Status)
	OnReceive              func(nd *binding.NDIS, nbls []pool.NBL, flags binding.ReceiveFlags)
	OnOidRequestComplete   func(nd *binding.NDIS, req oid.Request, res oid.Result)
	OnWrite                func(nd *binding.NDIS, bytes uint32)
	OnWorkItem             func(nd *binding.NDIS)

	// Pool is the send pool the default bind allocated.
	Pool pool.NBLPool
	// LastPnP is the last PnP notification NDIS gave the design, which a
	// test completes with NdisCompleteNetPnPEvent.
	LastPnP binding.PnPEvent
}

// fakePool is the default bind's send pool: NBLs come with one NB, and
// 16 bytes of context (one MEMORY_ALLOCATION_ALIGNMENT on 64-bit).
var fakePool = pool.NBLPoolParameters{AllocateNetBuffer: true, ContextSize: 16}

var _ binding.Protocol = (*fake)(nil)

func (f *fake) BindAdapter(nd *binding.NDIS, p oid.BindParameters) binding.Status {
	if f.OnBindAdapter != nil {
		return f.OnBindAdapter(nd, p)
	}
	return f.DefaultBind(nd)
}

// DefaultBind is the default BindAdapter, for scripts that add to it.
func (f *fake) DefaultBind(nd *binding.NDIS) binding.Status {
	f.Pool = nd.AllocateNetBufferListPool(fakePool)
	if st := nd.OpenAdapter(); st != binding.StatusSuccess {
		nd.FreeNetBufferListPool(f.Pool)
		return st
	}
	return binding.StatusSuccess
}

func (f *fake) OpenAdapterComplete(nd *binding.NDIS, st binding.Status) {
	if f.OnOpenAdapterComplete != nil {
		f.OnOpenAdapterComplete(nd, st)
	}
}

func (f *fake) NetPnPEvent(nd *binding.NDIS, ev binding.PnPEvent) binding.Status {
	f.LastPnP = ev
	if f.OnNetPnPEvent != nil {
		return f.OnNetPnPEvent(nd, ev)
	}
	return binding.StatusSuccess
}

func (f *fake) UnbindAdapter(nd *binding.NDIS) binding.Status {
	if f.OnUnbindAdapter != nil {
		return f.OnUnbindAdapter(nd)
	}
	return f.DefaultUnbind(nd)
}

// DefaultUnbind is the default UnbindAdapter.
func (f *fake) DefaultUnbind(nd *binding.NDIS) binding.Status {
	nd.CloseAdapter()
	nd.FreeNetBufferListPool(f.Pool)
	return binding.StatusSuccess
}

func (f *fake) CloseAdapterComplete(nd *binding.NDIS) {
	if f.OnCloseAdapterComplete != nil {
		f.OnCloseAdapterComplete(nd)
	}
}

func (f *fake) SendNetBufferListsComplete(nd *binding.NDIS, nbl pool.NBL, st binding.Status, _ binding.SendCompleteFlags) {
	if f.OnSendComplete != nil {
		f.OnSendComplete(nd, nbl, st)
		return
	}
	nd.FreeNetBufferList(nbl)
}

func (f *fake) ReceiveNetBufferLists(nd *binding.NDIS, nbls []pool.NBL, flags binding.ReceiveFlags) {
	if f.OnReceive != nil {
		f.OnReceive(nd, nbls, flags)
		return
	}
	if flags&binding.ReceiveResources != 0 {
		return
	}
	for _, nbl := range nbls {
		nd.ReturnNetBufferLists(nbl, 0)
	}
}

func (f *fake) OidRequestComplete(nd *binding.NDIS, req oid.Request, res oid.Result) {
	if f.OnOidRequestComplete != nil {
		f.OnOidRequestComplete(nd, req, res)
	}
}

func (f *fake) Write(nd *binding.NDIS, bytes uint32) {
	if f.OnWrite != nil {
		f.OnWrite(nd, bytes)
	}
}

func (f *fake) WorkItem(nd *binding.NDIS) {
	if f.OnWorkItem != nil {
		f.OnWorkItem(nd)
	}
}

// Alloc allocates a send NBL of 64 bytes from the default pool, using the
// pool's 16 bytes of context and leaving dataOffset bytes of data backfill.
func (f *fake) Alloc(nd *binding.NDIS, dataOffset uint32) pool.NBL {
	return nd.AllocateNetBufferAndNetBufferList(f.Pool, 16, 0, 1, dataOffset, 64)
}

// Send allocates an NBL as Alloc does and sends it.
func (f *fake) Send(nd *binding.NDIS) pool.NBL {
	return f.SendNBL(nd, f.Alloc(nd, 0))
}

// SendNBL sets nbl's SourceHandle and sends it, as every sender does.
func (f *fake) SendNBL(nd *binding.NDIS, nbl pool.NBL) pool.NBL {
	nd.SetSourceHandle(nbl)
	nd.SendNetBufferLists(nbl, 0)
	return nbl
}

// decider is a fixed Decider: a decision is taken when its entry is true,
// and every decision defaults to false. Tests flip entries between moves.
type decider struct {
	on map[binding.Decision]bool
}

func decide(ds ...binding.Decision) *decider {
	d := &decider{on: map[binding.Decision]bool{}}
	for _, x := range ds {
		d.on[x] = true
	}
	return d
}

func (d *decider) Decide(x binding.Decision) bool { return d.on[x] }

// failAll makes every allocation fail, as NDIS does when memory runs out.
type failAll struct{}

func (failAll) FailAllocation(pool.Op) bool { return true }

// harness is one binding over a fake design, with helpers to drive it.
type harness struct {
	t     *testing.T
	b     *binding.Binding
	f     *fake
	d     *decider
	stack *oid.Stack
}

// newHarness builds an Unbound binding over a stack of a miniport with no
// needs and the given filters.
func newHarness(t *testing.T, filters ...oid.Layer) *harness {
	t.Helper()
	stack, err := oid.NewStack(oid.MAA64, oid.Layer{Name: "nic"}, filters...)
	require.NoError(t, err)
	h := &harness{t: t, f: &fake{}, d: decide(), stack: stack}
	h.b = binding.New(stack, h.d)
	h.b.Reset(h.f, stack, h.d)
	return h
}

// running binds and restarts the binding with the default callbacks.
func (h *harness) running() {
	h.t.Helper()
	h.bind()
	h.restart(true)
	require.Equal(h.t, fsm.Running, h.b.State(), "findings: %s", findingsText(h.b.Findings()))
}

// bind, restart, pause and unbind are the environment's lifecycle moves;
// each must be one the binding accepts in its state.
func (h *harness) bind() {
	h.t.Helper()
	require.NoError(h.t, h.b.Bind())
}

func (h *harness) restart(withAttributes bool) {
	h.t.Helper()
	require.NoError(h.t, h.b.Restart(withAttributes))
}

func (h *harness) pause() {
	h.t.Helper()
	require.NoError(h.t, h.b.Pause())
}

func (h *harness) unbind() {
	h.t.Helper()
	require.NoError(h.t, h.b.Unbind())
}

// work runs fn as the design's next work item: the way a test acts as the
// design at a moment of its choosing.
func (h *harness) work(fn func(nd *binding.NDIS)) {
	prev := h.f.OnWorkItem
	h.f.OnWorkItem = fn
	h.b.RunWorkItem()
	h.f.OnWorkItem = prev
}

// send has the design allocate and send one NBL in a work item.
func (h *harness) send() pool.NBL {
	var nbl pool.NBL
	h.work(func(nd *binding.NDIS) { nbl = h.f.Send(nd) })
	return nbl
}

// requireOnly asserts that the binding drew exactly one finding, of the
// named rule with its catalogue severity, in state; and that it halted for
// an error but not for a warning.
func requireOnly(t *testing.T, b *binding.Binding, name rule.Name, state fsm.State) binding.Finding {
	t.Helper()
	fs := b.Findings()
	require.Len(t, fs, 1, "want exactly one %s, got: %s", name, findingsText(fs))
	f := fs[0]
	want := rule.MustLookup(name)
	require.Equal(t, name, f.Rule, f.Message)
	require.Equal(t, want.Severity, f.Severity, f.Message)
	require.Equal(t, string(state), f.State, f.Message)
	require.NotEmpty(t, f.Message)
	require.Equal(t, want.Severity == rule.Error, b.Halted(), "halted after a %s", want.Severity)
	return f
}

// requireClean asserts that the binding drew no finding at all.
func requireClean(t *testing.T, b *binding.Binding) {
	t.Helper()
	require.Empty(t, b.Findings(), "want no finding, got: %s", findingsText(b.Findings()))
	require.False(t, b.Halted())
}

func findingsText(fs []binding.Finding) string {
	if len(fs) == 0 {
		return "none"
	}
	s := make([]string, len(fs))
	for i := range fs {
		s[i] = fs[i].Error()
	}
	return strings.Join(s, "; ")
}

// copyFindings deep-copies findings, so that they outlive a Reset.
func copyFindings(fs []binding.Finding) []binding.Finding {
	out := make([]binding.Finding, len(fs))
	for i, f := range fs {
		f.Objects = append([]string(nil), f.Objects...)
		out[i] = f
	}
	return out
}

// recorder is a Tracer that keeps every line.
type recorder struct{ lines []string }

func (r *recorder) Trace(a binding.Actor, text string) {
	r.lines = append(r.lines, fmt.Sprintf("%s: %s", a, text))
}
