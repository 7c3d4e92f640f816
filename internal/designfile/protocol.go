package designfile

import (
	"fmt"
	"slices"
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
		s.SourceHandle = so.boolean("source_handle", s.SourceHandle)
		s.Flags = design.SendFlags(so.oneOf("flags", string(s.Flags)))
		s.Lock = design.SendLock(so.oneOf("lock", string(s.Lock)))
		s.When = design.SendWhen(so.oneOf("when", string(s.When)))
		s.OnFailure = design.SendFailure(so.oneOf("on_failure", string(s.OnFailure)))
	}
	if ro := po.sub("receive"); ro != nil {
		r := &cfg.Receive
		r.Hold = ro.boolean("hold", r.Hold)
		if k, ok := ro.keys["keep"]; ok {
			if _, both := ro.get("hold"); both {
				d.fail(k, ro.child("keep"), "given with hold; keep says all hold does (hold: true is keep: hold, false is keep: return), so give one of them")
			}
			r.Keep = design.ReceiveKeep(ro.oneOf("keep", ""))
		}
		r.Resources = design.ReceiveResources(ro.oneOf("resources", string(r.Resources)))
	}
	if lo := po.sub("lifecycle"); lo != nil {
		d.lifecycle(lo, &cfg.Lifecycle)
	}
	return cfg
}

// lifecycle reads the lifecycle section over l's defaults.
func (d *decoder) lifecycle(lo *object, l *design.LifecycleConfig) {
	l.Pools = design.PoolScope(lo.oneOf("pools", string(l.Pools)))
	l.CreatePools = design.PoolCreation(lo.oneOf("create_pools", string(l.CreatePools)))
	l.RequestIDs = design.RequestIDs(lo.oneOf("request_ids", string(l.RequestIDs)))
	if bo := lo.sub("bind"); bo != nil {
		b := &l.Bind
		b.Wait = design.Wait(bo.oneOf("wait", string(b.Wait)))
		b.Requests = d.requests(bo, "oids")
		b.CompleteFrom = design.CompleteFrom(bo.oneOf("complete_from", string(b.CompleteFrom)))
	}
	if po := lo.sub("pause"); po != nil {
		p := &l.Pause
		p.Wait = design.Wait(po.oneOf("wait", string(p.Wait)))
		p.CompleteFrom = design.CompleteFrom(po.oneOf("complete_from", string(p.CompleteFrom)))
		p.GoodbyeSend = po.boolean("goodbye_send", p.GoodbyeSend)
	}
	if ro := lo.sub("restart"); ro != nil {
		l.Restart.RebuildFailure = design.RebuildFailure(ro.oneOf("rebuild_failure", string(l.Restart.RebuildFailure)))
	}
	if uo := lo.sub("unbind"); uo != nil {
		u := &l.Unbind
		u.Requests = d.requests(uo, "oids")
		u.OIDsWait = design.Wait(uo.oneOf("oids_wait", string(u.OIDsWait)))
		u.OIDsOrder = design.OIDOrder(uo.oneOf("oids_order", string(u.OIDsOrder)))
		u.CloseFrom = design.CompleteFrom(uo.oneOf("close_from", string(u.CloseFrom)))
		u.CloseWait = design.Wait(uo.oneOf("close_wait", string(u.CloseWait)))
		u.FreePools = design.FreePools(uo.oneOf("free_pools", string(u.FreePools)))
	}
}

// requests reads a list of OID requests, each one of the field table's
// choices and given once; an empty list is nil.
func (d *decoder) requests(o *object, name string) []design.Request {
	spec := o.spec.child(name)
	var out []design.Request
	for i, n := range o.list(name) {
		path := fmt.Sprintf("%s[%d]", o.child(name), i)
		r := design.Request(d.oneOf(n, path, spec.item.choices...))
		if slices.Contains(out, r) {
			d.fail(n, path, "%s is already in the list; make each request once", r)
		}
		out = append(out, r)
	}
	return out
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
