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
  send: {api: separate, net_buffers: 64, header: 0}
  receive: {hold: false}
`)
	require.Equal(t, design.Config{
		Requirements: design.RequirementsFixed,
		Fixed:        oid.Needs{DataBackfill: 128, ContextBackfill: 64},
		Sizing:       design.SizingPool,
		Rebuild:      design.RebuildNever,
		NBLPool:      design.NBLPoolConfig{AllocateNetBuffer: false, ContextSize: 0, DataSize: 65536, Tag: ""},
		NBPool:       &design.NBPoolConfig{DataSize: 2048},
		Send:         design.SendConfig{API: design.SendSeparate, NetBuffers: 64, Header: 0},
		Receive:      design.ReceiveConfig{Hold: false},
	}, got)
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
