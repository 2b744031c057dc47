// Package letsencrypt replaces rsc.io/letsencrypt in the registry stand-in's build: the
// distribution v2.8.3 registry imports it for `http.tls.letsencrypt`, but neither it nor the fork
// distribution vendored (github.com/dmcgowan/letsencrypt) can be fetched from the module proxy any
// more, and the ACME v1 API it speaks was shut down by Let's Encrypt in 2021, so the feature no
// longer works in the upstream image either. Same API; an error as soon as a config asks for it.
package letsencrypt

import (
	"crypto/tls"
	"errors"
)

var errUnavailable = errors.New("http.tls.letsencrypt is not available in this registry build (ACME v1 is retired): set http.tls.certificate and http.tls.key instead")

// Manager has the methods the registry calls; each one that would act fails.
type Manager struct{}

// CacheFile fails: there is no ACME client behind the Manager.
func (m *Manager) CacheFile(name string) error { return errUnavailable }

// Registered reports that no account is registered.
func (m *Manager) Registered() bool { return false }

// Register fails: there is no ACME client behind the Manager.
func (m *Manager) Register(email string, prompt func(string) bool) error { return errUnavailable }

// SetHosts does nothing.
func (m *Manager) SetHosts(hosts []string) {}

// GetCertificate fails: no certificate can be obtained.
func (m *Manager) GetCertificate(*tls.ClientHelloInfo) (*tls.Certificate, error) {
	return nil, errUnavailable
}
