package design

import (
	"math"

	"github.com/ndissim/ndissim/designkit"
	"github.com/ndissim/ndissim/pool"
)

// kit is the configuration of designkit's skeleton that the settings
// give. The base reads the protocol's own context and header (for its
// combined send, Build), whether the pools are the driver's (Reset,
// ReleasePools), and how its receive path keeps receives (receive.keep):
//   - hold: every receive while Running, until a read or the pause;
//   - copy: none, a copy of each in the receive pool instead;
//   - hold-for-read: one only for a read waiting for it, the others copied;
//   - return: none, and no copies.
//
// The pools' parameters are kept here for newPools, which sizes and makes
// the pools as the settings say.
func (c *Config) kit() designkit.Config {
	tag, _ := pool.MakeTag(c.NBLPool.Tag) // valid: Config.Validate
	k := designkit.Config{
		NBLPool: pool.NBLPoolParameters{ProtocolID: pool.ProtocolIDDefault, ContextSize: c.NBLPool.ContextSize,
			AllocateNetBuffer: c.NBLPool.AllocateNetBuffer, DataSize: c.NBLPool.DataSize, PoolTag: tag},
		DriverPools: c.Lifecycle.Pools == PoolsDriver,
		ContextSize: c.NBLPool.ContextSize,
		Header:      c.Send.Header,
	}
	if c.NBPool != nil {
		k.NBPool = pool.NBPoolParameters{DataSize: c.NBPool.DataSize, PoolTag: tag}
	}
	switch keep := c.Receive.keep(); keep {
	case ReceiveHold:
		k.MaxHeld = math.MaxInt
	case ReceiveCopy, ReceiveHoldForRead:
		k.MaxCopies = maxCopies
		k.ReceivePool = &pool.NBLPoolParameters{ProtocolID: pool.ProtocolIDDefault, AllocateNetBuffer: true, PoolTag: tag}
		if keep == ReceiveHoldForRead {
			k.MaxHeld, k.HoldForRead = 1, true // the one read waiting takes one receive
		}
	}
	return k
}
