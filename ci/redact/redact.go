// Package redact hides secrets in messages that may quote them (registry, AWS and git errors
// can echo a request), keeping an error's chain for errors.Is and errors.As.
package redact

import "strings"

// Mark is what a secret becomes.
const Mark = "[redacted]"

// String replaces every non-empty secret in s with Mark.
func String(s string, secrets ...string) string {
	for _, secret := range secrets {
		if secret != "" {
			s = strings.ReplaceAll(s, secret, Mark)
		}
	}
	return s
}

// Error is err with every non-empty secret hidden in its message; nil stays nil.
func Error(err error, secrets ...string) error {
	if err == nil {
		return nil
	}
	msg := err.Error()
	if String(msg, secrets...) == msg {
		return err
	}
	return redacted{err: err, secrets: secrets}
}

type redacted struct {
	err     error
	secrets []string
}

func (r redacted) Error() string { return String(r.err.Error(), r.secrets...) }
func (r redacted) Unwrap() error { return r.err }
