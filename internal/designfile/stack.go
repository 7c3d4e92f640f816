package designfile

import (
	"fmt"
	"slices"

	"github.com/ndissim/ndissim/oid"
)

// maxBackfill is a USHORT, as NDIS_MINIPORT_ADAPTER_GENERAL_ATTRIBUTES and
// NDIS_FILTER_ATTACH_PARAMETERS declare DataBackFillSize and
// ContextBackFillSize.
const maxBackfill = 65535

// Real stacks have a handful of filters and a run pauses a few times; the
// bounds keep a huge file from costing seconds to check (each change is
// checked against the whole stack) or the simulator from crawling.
const (
	maxFilters = 64
	maxChanges = 1024
)

func (d *decoder) stack(top *object) (*oid.Stack, []oid.Edit) {
	so := top.needSub("stack")
	maa := oid.MAA64
	if n, ok := so.get("maa"); ok {
		want := fmt.Sprintf("%d (MEMORY_ALLOCATION_ALIGNMENT on 64-bit Windows) or %d (32-bit)", oid.MAA64, oid.MAA32)
		v := d.anyInteger(n, "stack.maa", want)
		if !slices.Contains(so.spec.child("maa").values, v) {
			d.fail(n, "stack.maa", "expected %s, got %d", want, v)
		}
		maa = uint32(v)
	}

	mo := so.needSub("miniport")
	miniport := d.layer(mo)
	completes, _ := oid.ParseCompletion(mo.oneOf("completes", oid.CompleteMixed.String()))

	// Names are checked here, not left to NewStack, so that the error can
	// point at the line of the second use.
	owner := map[string]string{miniport.Name: "the miniport"}
	var filters []oid.Layer
	for i, item := range so.list("filters") {
		path := fmt.Sprintf("stack.filters[%d]", i)
		fo := d.object(item, item, path, so.spec.child("filters").item)
		l := d.layer(fo)
		if who, dup := owner[l.Name]; dup {
			d.fail(fo.vals["name"], path+".name", "%q is already the name of %s; layer names are unique", l.Name, who)
		}
		owner[l.Name] = path
		filters = append(filters, l)
	}
	stack, err := oid.NewStack(maa, miniport, filters...)
	if err != nil {
		d.fail(so.at, "stack", "%v", err)
	}
	stack.Completes = completes
	return stack, d.changes(so, stack)
}

func (d *decoder) layer(o *object) oid.Layer {
	return oid.Layer{
		Name:            d.name(o.need("name", "the layer's name"), o.child("name")),
		DataBackfill:    uint32(o.integer("data_backfill", 0)),
		ContextBackfill: uint32(o.integer("context_backfill", 0)),
	}
}

// changes are checked by applying them, in order, to a copy of the stack:
// whether `remove: qos` makes sense depends on the changes before it.
func (d *decoder) changes(so *object, stack *oid.Stack) []oid.Edit {
	items := so.list("changes")
	if len(items) == 0 {
		return nil
	}
	at := stack.Clone()
	edits := make([]oid.Edit, 0, len(items))
	for i, item := range items {
		path := fmt.Sprintf("stack.changes[%d]", i)
		co := d.object(item, item, path, so.spec.child("changes").item)
		var e oid.Edit
		switch len(co.order) {
		case 0:
			d.fail(item, path, "expected insert: {name, data_backfill, context_backfill} or remove: NAME")
		case 2:
			d.fail(item, path, "expected one of insert or remove, got both; make them two changes")
		}
		field := path + "." + co.order[0]
		if ins := co.sub("insert"); ins != nil {
			l := d.layer(ins)
			e.Insert = &l
		} else {
			e.Remove = d.name(co.vals["remove"], field)
		}
		if err := at.Apply(e); err != nil {
			d.fail(item, field, "%v", err)
		}
		edits = append(edits, e)
	}
	return edits
}
