// Package provenance builds the SLSA v1 provenance of a release image: the predicate of an
// in-toto Statement v1 (predicateType https://slsa.dev/provenance/v1) saying how, from what and
// by whom the image was built. The Dagger glue fills Build with what the engine resolved; this
// package only shapes and checks it, so it is tested without an engine. Package signing wraps the
// predicate in the statement and attests it.
package provenance

import (
	"crypto/rand"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"sort"
	"strings"
	"time"

	"github.com/in-toto/in-toto-golang/in_toto/slsa_provenance/common"
	slsa1 "github.com/in-toto/in-toto-golang/in_toto/slsa_provenance/v1"
)

// PredicateType is SLSA provenance v1's predicate type (cosign's --type slsaprovenance1).
const PredicateType = slsa1.PredicateSLSAProvenance

// BuildType names this module's release as the build that made the image: a verifier that knows
// the URI knows what externalParameters and internalParameters mean.
const BuildType = "https://github.com/devsecops-reference/taskboard/ci/release@v1"

// Build is what the glue knows about one release build. Every field but Repository's default
// builder id comes from the engine or the release's arguments.
type Build struct {
	Repository string    // source repository URL, e.g. https://dev.azure.com/org/proj/_git/taskboard
	Commit     string    // full git SHA that was built (40 or 64 hex)
	Version    string    // release version, e.g. 1.4.0
	Platforms  []string  // OCI platforms, e.g. linux/amd64, linux/arm64
	Engine     string    // Dagger engine version that ran the module, e.g. v0.21.9
	BuilderID  string    // runDetails.builder.id; empty: DefaultBuilderID(Repository)
	Invocation string    // unique id of this run, e.g. the pipeline run URL or the Dagger trace id
	StartedOn  time.Time // when the release started
	FinishedOn time.Time // when the image was pushed
	// Images are the base and tool images that went into the build, by digest as the engine
	// resolved them (the FROM images of the Dockerfiles, the Go/Node/Syft/Trivy images...).
	Images []Image
}

// Image is one resolved image dependency.
type Image struct {
	Ref    string // as written, e.g. docker.io/library/golang:1.26.1-alpine
	Digest string // sha256:... the engine resolved it to
}

// DefaultBuilderID derives the builder id from the repository: the release pipeline of that
// repository is the builder, so a policy can pin it to exactly one source of releases.
func DefaultBuilderID(repository string) (string, error) {
	u, err := url.Parse(repository)
	if err != nil || u.Scheme == "" || u.Host == "" {
		return "", fmt.Errorf("provenance: repository %q is not an absolute URL", repository)
	}
	u.User = nil
	return strings.TrimSuffix(u.String(), "/") + "/ci/release", nil
}

// Predicate returns the SLSA v1 provenance predicate of the build as JSON.
func Predicate(b Build) ([]byte, error) {
	p, err := predicate(b)
	if err != nil {
		return nil, err
	}
	return json.Marshal(p)
}

func predicate(b Build) (slsa1.ProvenancePredicate, error) {
	if err := b.check(); err != nil {
		return slsa1.ProvenancePredicate{}, err
	}
	builder, err := b.Builder()
	if err != nil {
		return slsa1.ProvenancePredicate{}, err
	}
	source := slsa1.ResourceDescriptor{URI: "git+" + b.Repository + "@" + b.Commit, Digest: common.DigestSet{"gitCommit": b.Commit}, Name: "source"}
	if b.Commit == LocalCommit {
		// A laptop build of a working tree: no commit names the source, and the provenance says so.
		source = slsa1.ResourceDescriptor{URI: "git+" + b.Repository, Name: "source", Annotations: map[string]any{"uncommitted": true}}
	}
	deps := []slsa1.ResourceDescriptor{source}
	images := append([]Image(nil), b.Images...)
	sort.Slice(images, func(i, j int) bool { return images[i].Ref < images[j].Ref })
	for _, img := range images {
		algo, hex, _ := strings.Cut(img.Digest, ":")
		// Name and digest identify an image (an in-toto ResourceDescriptor needs no uri).
		deps = append(deps, slsa1.ResourceDescriptor{Name: img.Ref, Digest: common.DigestSet{algo: hex}})
	}
	started, finished := b.StartedOn.UTC(), b.FinishedOn.UTC()
	return slsa1.ProvenancePredicate{
		BuildDefinition: slsa1.ProvenanceBuildDefinition{
			BuildType: BuildType,
			ExternalParameters: map[string]any{
				"repository": b.Repository,
				"ref":        b.Commit,
				"version":    b.Version,
				"platforms":  b.Platforms,
			},
			InternalParameters:   map[string]any{"engineVersion": b.Engine},
			ResolvedDependencies: deps,
		},
		RunDetails: slsa1.ProvenanceRunDetails{
			Builder: slsa1.Builder{ID: builder},
			BuildMetadata: slsa1.BuildMetadata{
				InvocationID: b.Invocation,
				StartedOn:    &started,
				FinishedOn:   &finished,
			},
		},
	}, nil
}

// check refuses a provenance that would say less than the truth: every field is required.
func (b Build) check() error {
	var missing []string
	for name, v := range map[string]string{"Repository": b.Repository, "Commit": b.Commit, "Version": b.Version,
		"Engine": b.Engine, "Invocation": b.Invocation} {
		if strings.TrimSpace(v) == "" {
			missing = append(missing, name)
		}
	}
	if len(b.Platforms) == 0 {
		missing = append(missing, "Platforms")
	}
	if b.StartedOn.IsZero() || b.FinishedOn.IsZero() {
		missing = append(missing, "StartedOn/FinishedOn")
	}
	if len(missing) > 0 {
		sort.Strings(missing)
		return fmt.Errorf("provenance: missing %s", strings.Join(missing, ", "))
	}
	if err := CheckCommit(b.Commit); err != nil {
		return err
	}
	if b.FinishedOn.Before(b.StartedOn) {
		return errors.New("provenance: the build finished before it started")
	}
	for _, img := range b.Images {
		algo, hex, ok := strings.Cut(img.Digest, ":")
		if img.Ref == "" || !ok || algo != "sha256" || len(hex) != 64 || !isHex(hex) {
			return fmt.Errorf("provenance: image %q has no sha256 digest (%q): dependencies are recorded by digest", img.Ref, img.Digest)
		}
	}
	return nil
}

// LocalCommit is the commit of a laptop release (release --git-sha local): a working tree, not a
// commit. Its provenance names no commit, and a policy can refuse it.
const LocalCommit = "local"

// CheckCommit accepts what a provenance can name as its source: a full git SHA, or LocalCommit.
// An abbreviated SHA is refused: it may name another commit tomorrow.
func CheckCommit(commit string) error {
	if commit == LocalCommit || (isHex(commit) && (len(commit) == 40 || len(commit) == 64)) {
		return nil
	}
	return fmt.Errorf("provenance: commit %q is not a full git SHA (40 hex) or %q", commit, LocalCommit)
}

func isHex(s string) bool {
	for _, c := range s {
		if !strings.ContainsRune("0123456789abcdef", c) {
			return false
		}
	}
	return s != ""
}

// Builder is the builder id the provenance names: BuilderID, or the repository's default.
func (b Build) Builder() (string, error) {
	if b.BuilderID != "" {
		return b.BuilderID, nil
	}
	return DefaultBuilderID(b.Repository)
}

// NewInvocationID is a random urn:uuid (version 4), for a run that names no id of its own.
func NewInvocationID() string {
	b := make([]byte, 16)
	_, _ = rand.Read(b)
	b[6], b[8] = b[6]&0x0f|0x40, b[8]&0x3f|0x80
	return fmt.Sprintf("urn:uuid:%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:])
}
