package designfile

import (
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/ndissim/ndissim/binding"
	"github.com/ndissim/ndissim/internal/design"
	"github.com/ndissim/ndissim/oid"
	"github.com/ndissim/ndissim/sim"
)

// maxDataSize is one page of data per buffer: more than an Ethernet frame
// plus any backfill a stack asks for.
const maxDataSize = 65536

func (d *decoder) protocol(top *object) (string, func() binding.Protocol) {
	po := top.needSub("protocol")
	if g, ok := po.get("go"); ok {
		return d.goDesign(po, g)
	}
	cfg := d.config(po)
	if err := cfg.Validate(); err != nil {
		field, msg, ok := strings.Cut(err.Error(), ": ")
		if !ok {
			field, msg = "protocol", err.Error()
		}
		d.fail(po.at, field, "%s", msg)
	}
	return "configurable", design.Configurable(cfg)
}

func (d *decoder) goDesign(po *object, g *yaml.Node) (string, func() binding.Protocol) {
	for _, k := range po.order {
		if k != po.spec.alone {
			d.fail(po.keys[k], po.child(k), "not allowed with go: a Go design makes its own choices; keep either go or the configurable protocol's fields")
		}
	}
	name := d.str(g, "protocol.go", "the name of a registered Go design")
	gd, ok := sim.Lookup(name)
	if !ok {
		var names []string
		for _, r := range sim.GoDesigns() {
			names = append(names, r.Name)
		}
		known := "none are registered"
		if len(names) > 0 {
			known = "registered: " + strings.Join(names, ", ")
		}
		d.fail(g, "protocol.go", "no Go design named %q (%s)", short(name), known)
	}
	return gd.Name, gd.New
}

func (d *decoder) config(po *object) design.Config {
	cfg := design.DefaultConfig()
	cfg.Requirements = design.Requirements(po.oneOf("requirements", string(cfg.Requirements)))
	if fo := po.sub("fixed"); fo != nil {
		cfg.Fixed = oid.Needs{
			DataBackfill:    uint32(fo.integer("data_backfill", int64(cfg.Fixed.DataBackfill))),
			ContextBackfill: uint32(fo.integer("context_backfill", int64(cfg.Fixed.ContextBackfill))),
		}
	}
	cfg.Sizing = design.Sizing(po.oneOf("sizing", string(cfg.Sizing)))
	cfg.Rebuild = design.Rebuild(po.oneOf("rebuild", string(cfg.Rebuild)))

	if no := po.sub("nbl_pool"); no != nil {
		p := &cfg.NBLPool
		p.AllocateNetBuffer = no.boolean("allocate_net_buffer", p.AllocateNetBuffer)
		p.ContextSize = uint16(no.integer("context_size", int64(p.ContextSize)))
		p.DataSize = uint32(no.integer("data_size", int64(p.DataSize)))
		if n, ok := no.get("tag"); ok {
			p.Tag = d.tag(n, no.child("tag"))
		}
	}
	if bo := po.sub("nb_pool"); bo != nil {
		def := int64(0)
		if cfg.NBPool != nil {
			def = int64(cfg.NBPool.DataSize)
		}
		cfg.NBPool = &design.NBPoolConfig{DataSize: uint32(bo.integer("data_size", def))}
	}
	if so := po.sub("send"); so != nil {
		s := &cfg.Send
		s.API = design.SendAPI(so.oneOf("api", string(s.API)))
		s.NetBuffers = int(so.integer("net_buffers", int64(s.NetBuffers)))
		s.Header = uint32(so.integer("header", int64(s.Header)))
	}
	if ro := po.sub("receive"); ro != nil {
		cfg.Receive.Hold = ro.boolean("hold", cfg.Receive.Hold)
	}
	return cfg
}

// tag is a PoolTag: a ULONG that debuggers print as up to four characters,
// so only printable ASCII fits it.
func (d *decoder) tag(n *yaml.Node, path string) string {
	const want = "a pool tag of at most 4 printable ASCII characters"
	s := d.str(n, path, want)
	for _, r := range s {
		if r < 0x20 || r > 0x7e {
			d.fail(n, path, "expected %s, got %q", want, short(s))
		}
	}
	if len(s) > 4 {
		d.fail(n, path, "expected %s, got %q (%d characters)", want, short(s), len(s))
	}
	return s
}
