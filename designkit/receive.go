package designkit

import (
	"github.com/ndissim/ndissim/binding"
	"github.com/ndissim/ndissim/fsm"
	"github.com/ndissim/ndissim/oid"
	"github.com/ndissim/ndissim/pool"
)

// ReceiveNetBufferLists keeps up to Config.MaxHeld received NBLs for reads
// while Running (with Config.HoldForRead, one only for a read waiting for
// it), copies what it does not keep when it has a receive pool, and
// returns the rest at once. What comes with NDIS_RECEIVE_FLAGS_RESOURCES is
// only copied, never kept or returned: the miniport takes it back when the
// callback returns.
func (p *Base) ReceiveNetBufferLists(nd *binding.NDIS, nbls []pool.NBL, flags binding.ReceiveFlags) {
	resources := flags&binding.ReceiveResources != 0
	running := p.State == fsm.Running
	for _, nbl := range nbls {
		if running && !resources && p.mayHold() {
			p.Held = append(p.Held, nbl)
			p.ReadPending = false // the read waiting for it has it
			continue
		}
		if running {
			p.copyReceive(nd)
		}
		if !resources {
			nd.ReturnNetBufferLists(nbl, ReturnFlagsOf(flags))
		}
	}
}

// mayHold reports whether a receive may be kept: below MaxHeld, and with
// HoldForRead only when a read waits for it.
func (p *Base) mayHold() bool {
	return len(p.Held) < p.Config.MaxHeld && (p.ReadPending || !p.Config.HoldForRead)
}

// copyReceive copies a receive into an NBL of its own receive pool for a
// read to take (a read waiting takes it at once); past MaxCopies copies
// (or when the allocation fails) the frame is dropped, as a full receive
// queue drops it.
func (p *Base) copyReceive(nd *binding.NDIS) {
	if p.ReceivePool.IsNull() || len(p.Copies) >= p.Config.MaxCopies {
		return
	}
	if local := nd.AllocateNetBufferAndNetBufferList(p.ReceivePool, 0, 0, 1, 0, oid.MaxFrameSize); !local.IsNull() {
		p.Copies = append(p.Copies, local)
		p.ReadPending = false
	}
}

// Read is the application's read, from the work item: it takes everything
// queued (ReturnHeld), which completes a read that took a receive. With
// Config.HoldForRead a read that finds nothing queued waits for the next
// receive (ReadPending).
func (p *Base) Read(nd *binding.NDIS) {
	if p.Config.HoldForRead {
		p.ReadPending = len(p.Held) == 0 && len(p.Copies) == 0
	}
	p.ReturnHeld(nd)
}

// ReturnHeld is a read taking everything queued: it returns every received
// NBL it keeps and frees its copies. It passes no DISPATCH_LEVEL flag,
// which is legal at any IRQL.
func (p *Base) ReturnHeld(nd *binding.NDIS) {
	for _, nbl := range p.Held {
		nd.ReturnNetBufferLists(nbl, 0)
	}
	p.Held = p.Held[:0]
	for _, nbl := range p.Copies {
		nd.FreeNetBufferList(nbl)
	}
	p.Copies = p.Copies[:0]
}

// ReturnFlagsOf says NDIS_RETURN_FLAGS_DISPATCH_LEVEL when the receive
// handler was told it runs at DISPATCH_LEVEL, and nothing otherwise.
func ReturnFlagsOf(f binding.ReceiveFlags) binding.ReturnFlags {
	if f&binding.ReceiveDispatchLevel != 0 {
		return binding.ReturnDispatchLevel
	}
	return 0
}
