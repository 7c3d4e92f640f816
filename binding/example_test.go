package binding_test

import (
	"fmt"

	"github.com/ndissim/ndissim/binding"
	"github.com/ndissim/ndissim/oid"
	"github.com/ndissim/ndissim/pool"
)

// eager is a protocol with a classic bug: it sends whatever an application
// writes as soon as it has an adapter, without waiting for NDIS to restart
// the binding. NDIS binds a protocol in the Paused state.
type eager struct {
	sendPool pool.NBLPool
}

func (p *eager) BindAdapter(nd *binding.NDIS, params oid.BindParameters) binding.Status {
	p.sendPool = nd.AllocateNetBufferListPool(pool.NBLPoolParameters{
		AllocateNetBuffer: true, ContextSize: 16,
	})
	if p.sendPool.IsNull() {
		return binding.StatusResources
	}
	st := nd.OpenAdapter() // PENDING: the bind pends too, see OpenAdapterComplete
	if st != binding.StatusSuccess && st != binding.StatusPending {
		nd.FreeNetBufferListPool(p.sendPool)
	}
	return st
}

func (p *eager) OpenAdapterComplete(nd *binding.NDIS, st binding.Status) {
	if st != binding.StatusSuccess {
		nd.FreeNetBufferListPool(p.sendPool)
	}
	nd.CompleteBindAdapter(st)
}

func (p *eager) Write(nd *binding.NDIS, bytes uint32) {
	nbl := nd.AllocateNetBufferAndNetBufferList(p.sendPool, 16, 0, 1, 0, bytes)
	if nbl.IsNull() {
		return
	}
	nd.SetSourceHandle(nbl)
	nd.SendNetBufferLists(nbl, 0) // the bug: the binding may not be Running
}

func (p *eager) SendNetBufferListsComplete(nd *binding.NDIS, nbl pool.NBL, _ binding.Status, _ binding.SendCompleteFlags) {
	nd.FreeNetBufferList(nbl)
}

func (p *eager) UnbindAdapter(nd *binding.NDIS) binding.Status {
	nd.CloseAdapter()
	nd.FreeNetBufferListPool(p.sendPool)
	return binding.StatusSuccess
}

func (p *eager) ReceiveNetBufferLists(nd *binding.NDIS, nbls []pool.NBL, flags binding.ReceiveFlags) {
	if flags&binding.ReceiveResources != 0 {
		return
	}
	for _, nbl := range nbls {
		nd.ReturnNetBufferLists(nbl, 0)
	}
}

func (p *eager) NetPnPEvent(*binding.NDIS, binding.PnPEvent) binding.Status {
	return binding.StatusSuccess
}
func (p *eager) CloseAdapterComplete(*binding.NDIS)                        {}
func (p *eager) OidRequestComplete(*binding.NDIS, oid.Request, oid.Result) {}
func (p *eager) WorkItem(*binding.NDIS)                                    {}

// never decides nothing: every open, close, OID and send takes the plain
// synchronous path.
type never struct{}

func (never) Decide(binding.Decision) bool { return false }

// A driver author's view: bind the design, let an application write while
// the binding is still Paused, and read the finding.
func ExampleBinding() {
	stack, err := oid.NewStack(oid.MAA64, oid.Layer{Name: "nic"})
	if err != nil {
		panic(err)
	}
	b := binding.New(stack, never{})
	b.Reset(&eager{}, stack, never{})

	b.SetStep(1)
	if err := b.Bind(); err != nil {
		panic(err)
	}
	fmt.Println("after bind:", b.State())

	b.SetStep(2)
	b.Write(64)
	for _, f := range b.Findings() {
		fmt.Println(f.Error())
		fmt.Println("objects:", f.Objects)
	}
	fmt.Println("halted:", b.Halted())
	// Output:
	// after bind: Paused
	// SendWhileNotRunning (error) in Paused at step 2: NdisSendNetBufferLists NBL 3 while the binding is Paused
	// objects: [NBL 3]
	// halted: true
}
