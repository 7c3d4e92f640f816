package design

import (
	"github.com/ndissim/ndissim/designkit"
	"github.com/ndissim/ndissim/pool"
)

// The catalogue of deliberately broken designs. Each one is brokenBase,
// designkit's correct protocol, with exactly one behaviour replaced by a
// bug real drivers ship: the design's type embeds brokenBase and overrides
// the callback the bug lives in, or sets the one pool or send parameter
// that is wrong. The designs prove that every rule of the catalogue fires,
// and fires alone; docs/broken-designs.md lists them.

// brokenBase is the correct protocol the broken and legal designs start
// from: designkit.Base under the name the catalogue embeds it by, so that
// an override reads p.brokenBase.WorkItem, as the catalogue's prose says.
// It is a type of its own rather than another name for the base so that
// its kit method, which the designs' copies find the base by (clone.go),
// is promoted to every design that embeds it.
type brokenBase struct{ designkit.Base }

const (
	// brokenCtx is the protocol's own per-NBL context (sizeof a pointer
	// and a reference count on 64-bit, rounded to MEMORY_ALLOCATION_ALIGNMENT).
	brokenCtx = designkit.DefaultContextSize
	// brokenHdr is the protocol's own header, written into the backfill
	// with NdisRetreatNetBufferDataStart before a send.
	brokenHdr = designkit.DefaultHeader
	// brokenMaxHeld is how many received NBLs the protocol keeps for reads.
	brokenMaxHeld = designkit.DefaultMaxHeld
	// brokenTag is the pool tag: 'Brkn'.
	brokenTag pool.Tag = 'B' | 'r'<<8 | 'k'<<16 | 'n'<<24
)

func newBrokenBase(cfg designkit.Config) brokenBase { return brokenBase{designkit.New(cfg)} }

// defaultBaseConfig is the combined call from a pool with fAllocateNetBuffer.
func defaultBaseConfig() designkit.Config {
	c := designkit.DefaultConfig()
	c.NBLPool.PoolTag = brokenTag
	return c
}

// separateBaseConfig is an NBL pool without NBs and an NB pool without data:
// the driver links its own NB into each NBL.
func separateBaseConfig() designkit.Config {
	c := designkit.SeparateConfig()
	c.NBLPool.PoolTag, c.NBPool.PoolTag = brokenTag, brokenTag
	return c
}
