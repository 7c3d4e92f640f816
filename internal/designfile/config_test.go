package designfile

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/ndissim/ndissim/internal/design"
	"github.com/ndissim/ndissim/oid"
)

// configOf is the design.Config a file's protocol section builds; a Design
// carries only the factory, so the mapping is checked from inside.
func configOf(t *testing.T, src string) (cfg design.Config) {
	t.Helper()
	d := &decoder{file: "t.yaml"}
	var err error
	func() {
		defer d.catch(&err)
		top := d.object(d.document([]byte(src)), nil, "", fileSpec)
		cfg = d.config(top.needSub("protocol"))
	}()
	require.NoError(t, err)
	require.NoError(t, cfg.Validate())
	return cfg
}

func TestDefaultConfig(t *testing.T) {
	require.Equal(t, design.DefaultConfig(), configOf(t, string(DefaultYAML)),
		"the embedded default spells out DefaultConfig")
	require.Equal(t, design.DefaultConfig(), configOf(t, "protocol: {}\n"), "every field defaults")
}

func TestConfigFields(t *testing.T) {
	got := configOf(t, `
protocol:
  requirements: fixed
  fixed: {data_backfill: 128, context_backfill: 64}
  sizing: pool
  rebuild: never
  nbl_pool: {allocate_net_buffer: false, context_size: 0, data_size: 65536, tag: ""}
  nb_pool: {data_size: 2048}
  send: {api: separate, net_buffers: 64, header: 0, source_handle: false, flags: from-irql,
         lock: spin-across-send, when: open, on_failure: keep}
  receive: {keep: copy, resources: ignore}
  lifecycle:
    pools: driver
    create_pools: at-first-write
    request_ids: ndis
    bind: {wait: event, oids: [frame-size, packet-filter, multicast-list], complete_from: oid-complete}
    pause: {wait: sleep, complete_from: send-complete, goodbye_send: true}
    restart: {rebuild_failure: fail}
    unbind: {oids: [multicast-list, packet-filter], oids_wait: none, oids_order: after-close,
             close_from: oid-complete, close_wait: event, free_pools: close-complete}
`)
	require.Equal(t, design.Config{
		Requirements: design.RequirementsFixed,
		Fixed:        oid.Needs{DataBackfill: 128, ContextBackfill: 64},
		Sizing:       design.SizingPool,
		Rebuild:      design.RebuildNever,
		NBLPool:      design.NBLPoolConfig{AllocateNetBuffer: false, ContextSize: 0, DataSize: 65536, Tag: ""},
		NBPool:       &design.NBPoolConfig{DataSize: 2048},
		Send: design.SendConfig{API: design.SendSeparate, NetBuffers: 64, Header: 0, SourceHandle: false,
			Flags: design.SendFlagsFromIrql, Lock: design.SendLockAcrossSend, When: design.SendWhenOpen, OnFailure: design.SendFailureKeep},
		Receive: design.ReceiveConfig{Hold: true, Keep: design.ReceiveCopy, Resources: design.ResourcesIgnore},
		Lifecycle: design.LifecycleConfig{
			Pools: design.PoolsDriver, CreatePools: design.PoolsAtFirstWrite, RequestIDs: design.RequestIDsNDIS,
			Bind: design.BindConfig{Wait: design.WaitEvent,
				Requests:     []design.Request{design.RequestFrameSize, design.RequestPacketFilter, design.RequestMulticastList},
				CompleteFrom: design.CompleteFromOidComplete},
			Pause:   design.PauseConfig{Wait: design.WaitSleep, CompleteFrom: design.CompleteFromSendComplete, GoodbyeSend: true},
			Restart: design.RestartConfig{RebuildFailure: design.RebuildFail},
			Unbind: design.UnbindConfig{Requests: []design.Request{design.RequestMulticastList, design.RequestPacketFilter},
				OIDsWait: design.WaitNone, OIDsOrder: design.OIDsAfterClose, CloseFrom: design.CompleteFromOidComplete,
				CloseWait: design.WaitEvent, FreePools: design.FreeInCloseComplete},
		},
	}, got)
	require.Equal(t, design.ReceiveConfig{Hold: false, Resources: design.ResourcesCopy},
		configOf(t, "protocol: {receive: {hold: false}}\n").Receive, "hold: false leaves keep to hold's choice")
	require.Equal(t, design.ReceiveConfig{Hold: true, Keep: design.ReceiveHoldForRead, Resources: design.ResourcesIgnore},
		configOf(t, "protocol: {receive: {keep: hold-for-read, resources: ignore}}\n").Receive)
}

// The lifecycle section's mistakes are input errors at their line.
func TestLifecycleErrors(t *testing.T) {
	for _, c := range []struct{ src, field, msg string }{
		{"  receive: {hold: true, keep: hold}\n", "protocol.receive.keep", "given with hold"},
		{"  lifecycle: {bind: {oids: [frame-size, frame-size]}}\n", "protocol.lifecycle.bind.oids[1]", "already in the list"},
		{"  lifecycle: {unbind: {oids: [frame-size]}}\n", "protocol.lifecycle.unbind.oids[0]", "expected one of packet-filter, multicast-list"},
		{"  lifecycle: {pause: {wait: forever}}\n", "protocol.lifecycle.pause.wait", "expected one of pend, sleep, event, none"},
		{"  lifecycle: {bind: {wait: sleep}}\n", "protocol.lifecycle.bind.wait", "expected one of pend, event, none"},
		{"  lifecycle: {unbind: {oids: packet-filter}}\n", "protocol.lifecycle.unbind.oids", "expected a list"},
		{"  send: {lock: mutex}\n", "protocol.send.lock", "expected one of none, spin, spin-across-send, dpr"},
		{"  receive: {keep: read}\n", "protocol.receive.keep", "expected one of hold, copy, hold-for-read, return"},
	} {
		_, err := Parse("t.yaml", []byte("version: 1\nname: t\nstack:\n  miniport: {name: nic}\nprotocol:\n"+c.src))
		var de *Error
		require.ErrorAs(t, err, &de, c.src)
		require.Equal(t, c.field, de.Field, c.src)
		require.Contains(t, de.Msg, c.msg, c.src)
	}
}

func TestConfigPartialSections(t *testing.T) {
	got := configOf(t, "protocol:\n  nbl_pool: {tag: Ab}\n  send: {header: 20}\n  nb_pool: {}\n  requirements: oid\n  rebuild: always\n")
	want := design.DefaultConfig()
	want.Requirements = design.RequirementsOID
	want.Rebuild = design.RebuildAlways
	want.NBLPool.Tag = "Ab"
	want.Send.Header = 20
	want.NBPool = &design.NBPoolConfig{}
	require.Equal(t, want, got, "a section overrides only the fields it names")
}
