package design

import (
	"context"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/ndissim/ndissim/sim"
)

// correctLifecycles are correct settings of the lifecycle section, mixed so
// that every correct value of every setting is checked at least once,
// with requests at bind and unbind, both requirements that ask, and each
// way of keeping receives.
func correctLifecycles() map[string]Config {
	all := []Request{RequestFrameSize, RequestPacketFilter, RequestMulticastList}
	unbind := []Request{RequestPacketFilter, RequestMulticastList}
	out := map[string]Config{}
	for i, c := range []struct {
		pause, bind, oidsWait, closeWait Wait
		lock                             SendLock
		flags                            SendFlags
		keep                             ReceiveKeep
		req                              Requirements
		create                           PoolCreation
	}{
		{WaitPend, WaitPend, WaitPend, WaitPend, SendLockNone, SendFlagsNone, ReceiveHold, RequirementsAttributes, PoolsAtBind},
		{WaitSleep, WaitEvent, WaitEvent, WaitEvent, SendLockSpin, SendFlagsFromIrql, ReceiveCopy, RequirementsOID, PoolsAtBind},
		{WaitEvent, WaitPend, WaitEvent, WaitPend, SendLockSpin, SendFlagsNone, ReceiveReturn, RequirementsAttributes, PoolsAtBind},
		{WaitPend, WaitEvent, WaitPend, WaitEvent, SendLockNone, SendFlagsFromIrql, ReceiveCopy, RequirementsAttributes, PoolsAtBind},
		{WaitSleep, WaitPend, WaitPend, WaitPend, SendLockSpin, SendFlagsNone, ReceiveHold, RequirementsOID, PoolsAtBind},
		{WaitEvent, WaitEvent, WaitEvent, WaitPend, SendLockNone, SendFlagsNone, ReceiveHold, RequirementsOID, PoolsAtBind},
		{WaitSleep, WaitEvent, WaitPend, WaitEvent, SendLockSpin, SendFlagsFromIrql, ReceiveHoldForRead, RequirementsOID, PoolsAtBind},
	} {
		cfg := DefaultConfig()
		cfg.Requirements = c.req
		cfg.Send.Lock, cfg.Send.Flags = c.lock, c.flags
		cfg.Receive.Keep = c.keep
		l := &cfg.Lifecycle
		l.CreatePools = c.create
		l.Pause.Wait = c.pause
		l.Bind.Wait, l.Bind.Requests = c.bind, all[:1+i%3]
		l.Unbind.Requests, l.Unbind.OIDsWait, l.Unbind.CloseWait = unbind[:1+i%2], c.oidsWait, c.closeWait
		if i%2 == 1 {
			cfg.Sizing, cfg.Rebuild = SizingPool, RebuildAlways
		}
		name := strings.Join([]string{"pause-" + string(c.pause), "bind-" + string(c.bind), "oids-" + string(c.oidsWait),
			"close-" + string(c.closeWait), "lock-" + string(c.lock), string(c.flags), string(c.keep), string(c.req)}, "/")
		out[name] = cfg
	}
	return out
}

// The correct lifecycle settings draw no finding, warnings included.
func TestCorrectLifecyclesDrawNoFinding(t *testing.T) {
	t.Parallel()
	runs := correctRuns(t)
	for name, cfg := range correctLifecycles() {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			require.NoError(t, cfg.Validate())
			rep, err := sim.Check(context.Background(), brokenRefDesign(name, Configurable(cfg)),
				sim.CheckOptions{Seed: sim.DefaultSeed, Runs: runs, Workers: 2})
			require.NoError(t, err)
			require.Equal(t, runs, rep.Runs)
			for _, f := range rep.Findings {
				require.Fail(t, "false alarm", "%s: %s (%s) at seed %d: %s\n%s",
					name, f.Rule, f.Severity, f.Seed, f.Message, strings.Join(f.Lines, "\n"))
			}
		})
	}
}

// A setting that is not one of its choices, or a request given twice, is
// an input error naming the field.
func TestLifecycleValidate(t *testing.T) {
	for _, c := range []struct {
		edit func(*Config)
		want string
	}{
		{func(c *Config) { c.Lifecycle.Pause.Wait = "forever" }, `protocol.lifecycle.pause.wait: "forever" is not one of pend, sleep, event, none`},
		{func(c *Config) { c.Lifecycle.Bind.Wait = WaitSleep }, `protocol.lifecycle.bind.wait: "sleep" is not one of pend, event, none`},
		{func(c *Config) { c.Lifecycle.Unbind.Requests = []Request{RequestFrameSize} }, `protocol.lifecycle.unbind.oids[0]: "frame-size" is not one of`},
		{func(c *Config) { c.Lifecycle.Bind.Requests = []Request{RequestPacketFilter, RequestPacketFilter} }, "protocol.lifecycle.bind.oids[1]: packet-filter is already in the list"},
		{func(c *Config) { c.Send.Lock = "" }, `protocol.send.lock: "" is not one of`},
		{func(c *Config) { c.Receive.Keep = "drop" }, `protocol.receive.keep: "drop" is not one of hold, copy, hold-for-read, return`},
	} {
		cfg := DefaultConfig()
		c.edit(&cfg)
		err := cfg.Validate()
		require.Error(t, err, c.want)
		require.Contains(t, err.Error(), c.want)
	}
}
