// Package releaseplan holds the decisions of a release that need no engine: which registry the
// images go to and how to log in, what the images are called, which build arguments and OCI
// annotations they carry. The Dagger functions only carry them out.
package releaseplan

import (
	"errors"
	"fmt"
	"regexp"
	"sort"
	"strings"
	"time"

	"dagger/pipeline/ecrauth"
)

// Component is one image of the application.
type Component struct {
	// Name is "backend" or "frontend": the key in values.yaml and the image's suffix.
	Name string
	// Context is the Docker build context, relative to the repository root.
	Context string
	// Dockerfile is the Dockerfile's path relative to Context.
	Dockerfile string
}

// Components are the application's images, built from the same Dockerfiles docker-compose uses.
var Components = []Component{
	{Name: "backend", Context: ".", Dockerfile: "backend/Dockerfile"},
	{Name: "frontend", Context: "frontend", Dockerfile: "Dockerfile"},
}

// FindComponent returns the component of that name.
func FindComponent(name string) (Component, error) {
	for _, c := range Components {
		if c.Name == name {
			return c, nil
		}
	}
	return Component{}, fmt.Errorf("unknown component %q (want backend or frontend)", name)
}

// RepositoryName is the image repository of a component: "taskboard-<component>", the names the
// chart's values and the image-verification policy use.
func RepositoryName(component string) string { return "taskboard-" + component }

// RegistryKind says where a release pushes.
type RegistryKind string

const (
	// Throwaway is a registry:2 service that lives as long as the release: the laptop default.
	Throwaway RegistryKind = "throwaway"
	// ECR is Amazon ECR, logged in with a token from the AWS SDK.
	ECR RegistryKind = "ecr"
	// Basic is any registry with a username and password.
	Basic RegistryKind = "basic"
)

// RegistryInput is what the user asked for; Secret presence only, never their values.
type RegistryInput struct {
	// Registry is "[https://|http://]host[:port][/namespace]"; empty means ECR (with an
	// account) or a throwaway.
	Registry         string
	Username         string
	HasPassword      bool
	AWSAccountID     string
	AWSRegion        string
	HasAWSAccessKey  bool
	HasAWSSecretKey  bool
	HasAWSSessionKey bool
}

// RegistryPlan is the chosen registry.
type RegistryPlan struct {
	Kind RegistryKind
	// Host is the registry host ("" for a throwaway: known once the service runs).
	Host string
	// Namespace is an optional path before the repository names ("team/apps").
	Namespace string
	// PlainHTTP is set by an http:// registry: a registry inside a closed network that speaks
	// no TLS (the engine must be configured to push to it over HTTP too).
	PlainHTTP bool
}

var hostPattern = regexp.MustCompile(`^[A-Za-z0-9]([A-Za-z0-9.-]*[A-Za-z0-9])?(:[0-9]{1,5})?$`)
var namespacePattern = regexp.MustCompile(`^[a-z0-9]+([._-][a-z0-9]+)*(/[a-z0-9]+([._-][a-z0-9]+)*)*$`)

// PlanRegistry validates the registry flags and picks the registry. Half-given settings are
// errors, not silent fallbacks to the throwaway registry: a release meant for ECR must not
// quietly push nowhere.
func PlanRegistry(in RegistryInput) (RegistryPlan, error) {
	anyAWS := in.AWSAccountID != "" || in.AWSRegion != "" || in.HasAWSAccessKey || in.HasAWSSecretKey || in.HasAWSSessionKey
	anyBasic := in.Username != "" || in.HasPassword

	if anyAWS {
		if anyBasic {
			return RegistryPlan{}, errors.New("give either AWS credentials (ECR) or a registry username and password, not both")
		}
		var missing []string
		for flag, ok := range map[string]bool{
			"--aws-account-id": in.AWSAccountID != "", "--aws-region": in.AWSRegion != "",
			"--aws-access-key-id": in.HasAWSAccessKey, "--aws-secret-access-key": in.HasAWSSecretKey,
		} {
			if !ok {
				missing = append(missing, flag)
			}
		}
		if len(missing) > 0 {
			sort.Strings(missing)
			return RegistryPlan{}, fmt.Errorf("ECR needs %s as well", strings.Join(missing, ", "))
		}
		host := ecrauth.Registry(in.AWSAccountID, in.AWSRegion)
		ns := ""
		if in.Registry != "" {
			h, n := splitRegistry(in.Registry)
			if h != host {
				return RegistryPlan{}, fmt.Errorf("--registry %s is not the ECR registry of account %s in %s (%s)", in.Registry, in.AWSAccountID, in.AWSRegion, host)
			}
			ns = n
		}
		return validated(RegistryPlan{Kind: ECR, Host: host, Namespace: ns})
	}

	if in.Registry == "" {
		if anyBasic {
			return RegistryPlan{}, errors.New("a registry username or password was given without --registry")
		}
		return RegistryPlan{Kind: Throwaway}, nil
	}
	if in.Username == "" || !in.HasPassword {
		return RegistryPlan{}, fmt.Errorf("--registry %s needs --registry-username and --registry-password", in.Registry)
	}
	host, ns := splitRegistry(in.Registry)
	return validated(RegistryPlan{Kind: Basic, Host: host, Namespace: ns, PlainHTTP: strings.HasPrefix(in.Registry, "http://")})
}

func validated(p RegistryPlan) (RegistryPlan, error) {
	if !hostPattern.MatchString(p.Host) {
		return RegistryPlan{}, fmt.Errorf("%q is not a registry host", p.Host)
	}
	if p.Namespace != "" && !namespacePattern.MatchString(p.Namespace) {
		return RegistryPlan{}, fmt.Errorf("%q is not a repository namespace", p.Namespace)
	}
	return p, nil
}

func splitRegistry(s string) (host, namespace string) {
	s = strings.TrimSuffix(strings.TrimPrefix(strings.TrimPrefix(s, "https://"), "http://"), "/")
	host, namespace, _ = strings.Cut(s, "/")
	return host, namespace
}

// Repository is the full repository of a component in the planned registry, for a given host
// (the throwaway registry's host is known only once it runs).
func (p RegistryPlan) Repository(host, component string) string {
	if p.Namespace != "" {
		return host + "/" + p.Namespace + "/" + RepositoryName(component)
	}
	return host + "/" + RepositoryName(component)
}

var gitSHAPattern = regexp.MustCompile(`^[0-9a-f]{7,40}$`)

// CheckGitSHA accepts a full or abbreviated lowercase hex commit id, or "local" for a laptop run.
func CheckGitSHA(sha string) error {
	if sha == "local" || gitSHAPattern.MatchString(sha) {
		return nil
	}
	return fmt.Errorf("--git-sha %q is not a git commit id (7 to 40 lowercase hex characters)", sha)
}

// BuildArgs are the Dockerfile build arguments of a release, the same for both Dockerfiles (and
// docker-compose): VERSION, GIT_COMMIT and BUILD_TIME.
func BuildArgs(version, gitSHA, buildTime string) [][2]string {
	return [][2]string{
		{"VERSION", version},
		{"GIT_COMMIT", gitSHA},
		{"BUILD_TIME", buildTime},
	}
}

// SourceDateEpoch is the time no timestamp of an image may be later than (as BuildKit's
// SOURCE_DATE_EPOCH): the build time (RFC 3339), so that the same commit built at the same
// recorded time gives the same image.
func SourceDateEpoch(buildTime string) (time.Time, error) {
	t, err := time.Parse(time.RFC3339, buildTime)
	if err != nil {
		return time.Time{}, fmt.Errorf("build time %q is not RFC 3339 (e.g. 2026-01-02T15:04:05Z): %w", buildTime, err)
	}
	return t.UTC(), nil
}

// SourceURL is the repository the images are built from, for their OCI annotations.
const SourceURL = "https://github.com/devsecops-reference/taskboard"

// Annotations are the OCI manifest annotations of a component's image.
func Annotations(component, version, gitSHA, buildTime string) [][2]string {
	return [][2]string{
		{"org.opencontainers.image.title", RepositoryName(component)},
		{"org.opencontainers.image.source", SourceURL},
		{"org.opencontainers.image.version", version},
		{"org.opencontainers.image.revision", gitSHA},
		{"org.opencontainers.image.created", buildTime},
	}
}
