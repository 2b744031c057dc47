package signing

import "strings"

// scrubbedError hides a secret in an error's message while keeping the error chain.
type scrubbedError struct {
	err    error
	secret string
}

func (e scrubbedError) Error() string {
	return strings.ReplaceAll(e.err.Error(), e.secret, "[redacted]")
}

func (e scrubbedError) Unwrap() error { return e.err }
