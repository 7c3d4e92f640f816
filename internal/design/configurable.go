package design

import "github.com/ndissim/ndissim/binding"

// Configurable returns a factory of the configurable protocol with cfg.
// cfg must be valid (Config.Validate).
func Configurable(cfg Config) func() binding.Protocol {
	return func() binding.Protocol { panic("not yet") }
}
