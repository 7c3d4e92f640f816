package sim_test

import (
	"fmt"
	"testing"

	"github.com/ndissim/ndissim/internal/design"
	"github.com/ndissim/ndissim/sim"
)

func TestSmokeConfigs(t *testing.T) {
	cfgs := map[string]func(c *design.Config){
		"pool":     func(c *design.Config) { c.Sizing = design.SizingPool },
		"never":    func(c *design.Config) { c.Rebuild = design.RebuildNever },
		"always":   func(c *design.Config) { c.Rebuild = design.RebuildAlways },
		"oid":      func(c *design.Config) { c.Requirements = design.RequirementsOID },
		"fixed":    func(c *design.Config) { c.Requirements = design.RequirementsFixed },
		"separate": func(c *design.Config) { c.Send.API = design.SendSeparate; c.NBLPool.AllocateNetBuffer = false; c.NBPool = &design.NBPoolConfig{}; c.Send.NetBuffers = 2 },
		"sepdata":  func(c *design.Config) { c.Send.API = design.SendSeparate; c.NBLPool.AllocateNetBuffer = false; c.NBPool = &design.NBPoolConfig{DataSize: 2048}; c.Send.NetBuffers = 2 },
		"datapool": func(c *design.Config) { c.NBLPool.DataSize = 2048 },
		"nohold":   func(c *design.Config) { c.Receive.Hold = false },
		"poolsep":  func(c *design.Config) { c.Sizing = design.SizingPool; c.Send.API = design.SendSeparate; c.NBLPool.AllocateNetBuffer = false; c.NBPool = &design.NBPoolConfig{}; c.Send.NetBuffers = 2 },
	}
	for name, f := range cfgs {
		c := design.DefaultConfig()
		f(&c)
		d := defaultish()
		d.New = design.Configurable(c)
		e := sim.NewEngine(d)
		seen := map[string]uint64{}
		for s := uint64(0); s < 3000; s++ {
			r := e.Run(s)
			for _, f := range r.Findings {
				if _, ok := seen[string(f.Rule)]; !ok {
					seen[string(f.Rule)] = s
				}
			}
		}
		fmt.Println(name, seen)
	}
}
