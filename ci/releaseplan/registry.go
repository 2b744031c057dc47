package releaseplan

import (
	"fmt"
	"regexp"
	"strings"

	"dagger/pipeline/ecrauth"
)

// RegistryKind says where a release pushes.
type RegistryKind string

const (
	// Throwaway is a registry:2 service the module starts: the laptop default.
	Throwaway RegistryKind = "throwaway"
	// ECR is Amazon ECR, logged in with a token from the AWS SDK (with-ecr).
	ECR RegistryKind = "ecr"
	// Basic is any registry with a username and password (with-registry).
	Basic RegistryKind = "basic"
)

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
var accountPattern = regexp.MustCompile(`^[0-9]{12}$`)
var regionPattern = regexp.MustCompile(`^[a-z]{2}(-[a-z]+)+-[0-9]+$`)

// PlanECR is the ECR registry of an account in a region, with an optional namespace.
func PlanECR(accountID, region, namespace string) (RegistryPlan, error) {
	if !accountPattern.MatchString(accountID) {
		return RegistryPlan{}, fmt.Errorf("with-ecr: %q is not an AWS account ID (12 digits)", accountID)
	}
	if !regionPattern.MatchString(region) {
		return RegistryPlan{}, fmt.Errorf("with-ecr: %q is not an AWS region (e.g. eu-west-1)", region)
	}
	return validated(RegistryPlan{Kind: ECR, Host: ecrauth.Registry(accountID, region), Namespace: strings.Trim(namespace, "/")})
}

// PlanBasic is the registry at address, "[https://|http://]host[:port][/namespace]", logged in
// as username.
func PlanBasic(address, username string) (RegistryPlan, error) {
	if username == "" {
		return RegistryPlan{}, fmt.Errorf("with-registry %s: the username is empty", address)
	}
	s := strings.TrimSuffix(strings.TrimPrefix(strings.TrimPrefix(address, "https://"), "http://"), "/")
	host, ns, _ := strings.Cut(s, "/")
	return validated(RegistryPlan{Kind: Basic, Host: host, Namespace: ns, PlainHTTP: strings.HasPrefix(address, "http://")})
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

// Repository is the full repository of a component in the planned registry, for a given host
// (the throwaway registry's host is known only once it runs).
func (p RegistryPlan) Repository(host, component string) string {
	return p.Path(host, RepositoryName(component))
}

// Path is a repository of any name in the planned registry.
func (p RegistryPlan) Path(host, repository string) string {
	if p.Namespace != "" {
		return host + "/" + p.Namespace + "/" + repository
	}
	return host + "/" + repository
}

// Describe says where images went, for the summary. Never includes credentials.
func (p RegistryPlan) Describe(host string) string {
	switch p.Kind {
	case ECR:
		return "Amazon ECR " + host
	case Basic:
		return host
	}
	return "a throwaway registry (registry:2 service, gone after the run)"
}
