package signing

import (
	"io"
	"log"

	"github.com/google/go-containerregistry/pkg/authn"
)

func nopLogger() *log.Logger { return log.New(io.Discard, "", 0) }

func basicAuth(reg Registry) authn.Authenticator {
	return &authn.Basic{Username: reg.Username, Password: reg.Password}
}
