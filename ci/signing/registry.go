package signing

import (
	"context"
	"fmt"
	"net/http"

	"dagger/pipeline/redact"

	"github.com/google/go-containerregistry/pkg/authn"
	"github.com/google/go-containerregistry/pkg/name"
	"github.com/google/go-containerregistry/pkg/v1/remote"
	ociremote "github.com/sigstore/cosign/v2/pkg/oci/remote"
)

// Registry says how to reach the registry that holds the images.
type Registry struct {
	// Username and Password log in to the registry; both empty means anonymous.
	Username string
	Password string
	// Insecure talks plain HTTP to the registry (the throwaway registry of a local release).
	// go-containerregistry already does so for localhost and 127.0.0.1.
	Insecure bool
	// Transport overrides the HTTP transport (tests). Nil means the default.
	Transport http.RoundTripper
}

// NameOptions parse references to this registry.
func (r Registry) NameOptions() []name.Option {
	opts := []name.Option{name.StrictValidation}
	if r.Insecure {
		opts = append(opts, name.Insecure)
	}
	return opts
}

func (r Registry) remoteOptions(ctx context.Context) []ociremote.Option {
	return []ociremote.Option{ociremote.WithRemoteOptions(r.RemoteOptions(ctx)...), ociremote.WithNameOptions(r.NameOptions()...)}
}

// RemoteOptions log in to this registry with go-containerregistry's remote package.
func (r Registry) RemoteOptions(ctx context.Context) []remote.Option {
	auth := authn.Anonymous
	if r.Username != "" || r.Password != "" {
		auth = &authn.Basic{Username: r.Username, Password: r.Password}
	}
	ropts := []remote.Option{remote.WithAuth(auth), remote.WithContext(ctx)}
	if r.Transport != nil {
		ropts = append(ropts, remote.WithTransport(r.Transport))
	}
	return ropts
}

// parseDigest accepts only a by-digest reference: a tag can move between signing and verifying,
// a digest cannot.
func (r Registry) parseDigest(ref string) (name.Digest, error) {
	d, err := name.NewDigest(ref, r.NameOptions()...)
	if err != nil {
		return name.Digest{}, fmt.Errorf("signing: %q is not an image reference by digest (repo@sha256:...): %w", ref, err)
	}
	return d, nil
}

// scrub removes the registry password from a message: registry errors can quote requests.
func (r Registry) scrub(err error) error { return redact.Error(err, r.Password) }
