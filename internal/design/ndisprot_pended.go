package design

import (
	"github.com/ndissim/ndissim/binding"
	"github.com/ndissim/ndissim/designkit"
	"github.com/ndissim/ndissim/oid"
	"github.com/ndissim/ndissim/pool"
	"github.com/ndissim/ndissim/sim"
)

// ndisprotPended is ndisprot written in the pend-and-complete form instead
// of the sample's blocking waits, on designkit's skeleton: the pause returns
// PENDING while sends are in flight, the unbind returns PENDING while its
// packet-filter set is pending, and the work item (PASSIVE_LEVEL) completes
// both, since send-complete and OID-complete may run at DISPATCH_LEVEL.
// Pools, sends and receives are the sample's: a send pool and a receive-copy
// pool made at bind and never rebuilt, the combined call without backfill,
// receives queued for reads or copied.
type ndisprotPended struct{ designkit.Base }

// sendContext is sizeof(NPROT_SEND_NETBUFLIST_RSVD) on 64-bit: an IRP
// pointer and a reference count, rounded to MEMORY_ALLOCATION_ALIGNMENT.
const sendContext = 16

// maxQueued is how many received NBLs ndisprot keeps for pending reads.
const maxQueued = 4

// ndisprotTag is the sample's pool tag, 'NPro'.
const ndisprotTag pool.Tag = 'N' | 'P'<<8 | 'r'<<16 | 'o'<<24

// ndisprotSendPool and ndisprotRecvPool are the sample's two NBL pools:
// sends with its context, receive copies without; both with an NB per NBL
// and no data.
var (
	ndisprotSendPool = pool.NBLPoolParameters{
		ProtocolID: pool.ProtocolIDIPX, ContextSize: sendContext, AllocateNetBuffer: true, PoolTag: ndisprotTag}
	ndisprotRecvPool = pool.NBLPoolParameters{
		ProtocolID: pool.ProtocolIDIPX, AllocateNetBuffer: true, PoolTag: ndisprotTag}
)

func newNdisprotPended() binding.Protocol {
	recv := ndisprotRecvPool
	return &ndisprotPended{designkit.New(designkit.Config{
		NBLPool: ndisprotSendPool, ContextSize: sendContext, MaxHeld: maxQueued, MaxCopies: maxQueued, ReceivePool: &recv,
	})}
}

// Write is NdisprotWrite: the user's buffer is the MDL, no backfill.
func (p *ndisprotPended) Write(nd *binding.NDIS, bytes uint32) {
	if p.Running() {
		p.SendNew(nd, 0, 0, bytes)
	}
}

// UnbindAdapter follows ndisprotShutdownBinding: packet filter 0, then the
// base's unbind, which flushes the queue and closes once the set is done.
func (p *ndisprotPended) UnbindAdapter(nd *binding.NDIS) binding.Status {
	p.Request(nd, oid.Request{Type: oid.Set, OID: oid.OIDGenCurrentPacketFilter, Value: 0})
	return p.Base.UnbindAdapter(nd)
}

func init() {
	sim.MustRegister(sim.GoDesign{
		Name:    "ndisprot-pended",
		Summary: "ndisprot in the pend-and-complete form: pause and unbind pend, the work item completes them at PASSIVE_LEVEL",
		New:     newNdisprotPended,
		Stack:   demoStack,
		Changes: demoChanges(),
	})
}
