package design

import (
	"github.com/ndissim/ndissim/binding"
	"github.com/ndissim/ndissim/designkit"
	"github.com/ndissim/ndissim/pool"
)

// maxCopies bounds the copies of receives waiting for a read
// (receive.keep: copy, hold-for-read); past it a frame is dropped, as a
// full receive queue drops it.
const maxCopies = designkit.DefaultMaxCopies

// ReceiveNetBufferLists is the base's: it keeps, copies or returns each
// received NBL as receive.keep set the base up to (Config.kit), and an
// indication with NDIS_RECEIVE_FLAGS_RESOURCES is only copied. With
// receive.resources: ignore the protocol never looks at that flag, so the
// base sees an ordinary indication.
func (p *configurable) ReceiveNetBufferLists(nd *binding.NDIS, nbls []pool.NBL, flags binding.ReceiveFlags) {
	if p.cfg.Receive.Resources == ResourcesIgnore {
		flags &^= binding.ReceiveResources
	}
	p.Base.ReceiveNetBufferLists(nd, nbls, flags)
}
