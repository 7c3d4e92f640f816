// Package designkit is a correct NDIS 6 protocol skeleton to build a design
// on, so that a design states only what it does differently.
//
// Base follows the contract end to end: pools at bind, the open waited for
// or pended, the stack's needs from the bind parameters and every restart's
// attributes, pools rebuilt at a restart whose needs outgrow them, every
// send with its SourceHandle and the whole stack's backfill, a pause that
// waits or pends until its sends have completed, receives kept and returned,
// OID requests under IDs of its own so that an early completion is
// recognised, an unbind that waits for them before it closes, and
// everything freed at unbind. What it pends it finishes from its work item,
// at PASSIVE_LEVEL: send-complete and OID-complete may run at
// DISPATCH_LEVEL, where NdisCompleteNetPnPEvent and NdisCloseAdapterEx are
// not allowed.
//
// A design embeds Base and overrides the callbacks it handles differently;
// the override calls Base's helpers (Pause, Restart, Send, Request, ...) for
// the rest, as a C driver calls its own shared routines:
//
//	type myDriver struct{ designkit.Base }
//
//	// WorkItem also polls the adapter's statistics.
//	func (p *myDriver) WorkItem(nd *binding.NDIS) {
//		p.Base.WorkItem(nd)
//		...
//	}
//
//	func newMyDriver() binding.Protocol {
//		return &myDriver{designkit.New(designkit.DefaultConfig())}
//	}
//
// An override that waits in place, as the sample driver's callbacks do,
// waits on the base's Waiter (WaitFor, and Wake from the completion), and
// one that rebuilds pools but must keep the old ones when it cannot make
// new ones makes them with NewPools before it frees the old.
//
// Config chooses among the correct variants (pools, send layout, how
// receives are kept, waiting or pending) without code. See
// docs/designkit.md.
package designkit
