package main

import "dagger/pipeline/internal/dagger"

// The download sources are the constructor's flags (main.go). Images come through the engine's
// own registry mirrors: that is engine configuration, not a module option.

// withGoProxy makes Go downloads go through the configured GOPROXY.
func (p *Pipeline) withGoProxy(c *dagger.Container) *dagger.Container {
	return c.WithEnvVariable("GOPROXY", p.GoProxy)
}

// withNpmRegistry makes npm install from the configured registry.
func (p *Pipeline) withNpmRegistry(c *dagger.Container) *dagger.Container {
	return c.WithEnvVariable("npm_config_registry", p.NpmRegistry)
}
