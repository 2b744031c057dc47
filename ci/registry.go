package main

import (
	"context"
	"fmt"
	"path/filepath"
	"time"

	"dagger/pipeline/toolimages"

	"github.com/google/go-containerregistry/pkg/name"

	"dagger/pipeline/attestations"
	"dagger/pipeline/ecrauth"
	"dagger/pipeline/internal/dagger"
	"dagger/pipeline/ociimage"
	"dagger/pipeline/releaseplan"
	"dagger/pipeline/signing"
)

// registryTarget is a registry the module process pushes to and signs in.
type registryTarget struct {
	plan releaseplan.RegistryPlan
	// host is the registry's address as the module process reaches it.
	host string
	// service is the throwaway registry, nil for a real one.
	service *dagger.Service
	// auth is the module process's login; the password stays in this process's memory.
	auth signing.Registry
}

// openRegistry logs in to the registry of with-ecr (a token from the AWS SDK, in this process)
// or with-registry, or starts a throwaway registry whose storage is the named cache volume ("":
// none, it lives as long as the call).
func (p *Pipeline) openRegistry(ctx context.Context, throwawayVolume string) (*registryTarget, error) {
	switch p.RegistryKind {
	case "ecr":
		plan, err := releaseplan.PlanECR(p.AwsAccountID, p.AwsRegion, p.EcrNamespace)
		if err != nil {
			return nil, err
		}
		return p.openECR(ctx, plan)
	case "basic":
		plan, err := releaseplan.PlanBasic(p.RegistryAddress, p.RegistryUsername)
		if err != nil {
			return nil, err
		}
		var password string
		if err := readSecrets(ctx, secret{"registry password", p.RegistryPassword, &password}); err != nil {
			return nil, err
		}
		return &registryTarget{
			plan: plan, host: plan.Host,
			auth: signing.Registry{Username: p.RegistryUsername, Password: password, Insecure: plan.PlainHTTP},
		}, nil
	}
	return reachThrowawayRegistry(ctx, throwawayRegistry(throwawayVolume))
}

// openECR logs in as with-ecr's role (assumed here, with the web identity token: a refused or
// expired token stops the release at its inputs) or keys.
func (p *Pipeline) openECR(ctx context.Context, plan releaseplan.RegistryPlan) (*registryTarget, error) {
	duration, err := ecrauth.ParseSessionDuration(p.AwsSessionDuration)
	if err != nil {
		return nil, err
	}
	req := ecrauth.Request{AccountID: p.AwsAccountID, Region: p.AwsRegion, RoleARN: p.AwsRoleARN, SessionDuration: duration}
	if err := readSecrets(ctx, secret{"AWS web identity token", p.AwsWebIdentityToken, &req.WebIdentityToken},
		secret{"AWS access key ID", p.AwsAccessKeyID, &req.AccessKeyID},
		secret{"AWS secret access key", p.AwsSecretAccessKey, &req.SecretAccessKey},
		secret{"AWS session token", p.AwsSessionToken, &req.SessionToken}); err != nil {
		return nil, err
	}
	creds, err := ecrauth.Login(ctx, req)
	if err != nil {
		return nil, err
	}
	return &registryTarget{
		plan: plan, host: creds.Registry,
		auth: signing.Registry{Username: creds.Username, Password: creds.Password},
	}, nil
}

// throwawayRegistryPort is where registry:2 listens.
const throwawayRegistryPort = 5000

// throwawayRegistry is registry:2 as a service. With a volume, its storage outlives the service:
// a chain of calls (publish, then sign) may restart it and still find the images.
func throwawayRegistry(volume string) *dagger.Service {
	c := dag.Container().From(toolimages.Registry).WithExposedPort(throwawayRegistryPort)
	if volume != "" {
		c = c.WithMountedCache("/var/lib/registry", dag.CacheVolume(volume))
	}
	return c.AsService(dagger.ContainerAsServiceOpts{UseEntrypoint: true})
}

// reachThrowawayRegistry starts the throwaway registry (again, in a later call of a chain); the
// module process reaches it at its endpoint (the service's hostname), over plain HTTP.
func reachThrowawayRegistry(ctx context.Context, svc *dagger.Service) (*registryTarget, error) {
	svc, err := svc.Start(ctx)
	if err != nil {
		return nil, fmt.Errorf("start the throwaway registry: %w", err)
	}
	endpoint, err := svc.Endpoint(ctx, dagger.ServiceEndpointOpts{Port: throwawayRegistryPort})
	if err != nil {
		return nil, fmt.Errorf("throwaway registry endpoint: %w", err)
	}
	if err := ociimage.WaitForRegistry(ctx, endpoint); err != nil {
		return nil, err
	}
	plan := releaseplan.RegistryPlan{Kind: releaseplan.Throwaway}
	return &registryTarget{plan: plan, host: endpoint, service: svc, auth: signing.Registry{Insecure: true}}, nil
}

// publishVariants pushes one image (several platforms make an image index) with no timestamp
// later than epoch, and returns it by digest, repository@sha256:..., with each platform's image
// by its own digest (for one platform, that same image).
//
// The module pushes, not Container.Publish: Dagger v0.21 stamps layers and config with the
// moment the engine made them, so the same commit got new digests on every run (ociimage).
func publishVariants(ctx context.Context, t *registryTarget, variants []*dagger.Container, repository, tag string, epoch time.Time) (string, []attestations.PlatformImage, error) {
	work, cleanup, err := ociimage.TempDir()
	if err != nil {
		return "", nil, err
	}
	defer cleanup()
	archives := make([]string, len(variants))
	for i, variant := range variants {
		archives[i] = filepath.Join(work, fmt.Sprintf("variant-%d.tar", i))
		if _, err := variant.AsTarball().Export(ctx, archives[i]); err != nil {
			return "", nil, fmt.Errorf("export %s: %w", repository, err)
		}
	}
	ref, err := name.NewTag(repository+":"+tag, t.auth.NameOptions()...)
	if err != nil {
		return "", nil, err
	}
	pushed, err := ociimage.PushArchives(ref, archives, work, epoch, t.auth.RemoteOptions(ctx)...)
	if err != nil {
		return "", nil, err
	}
	var platforms []attestations.PlatformImage
	for _, m := range pushed.Manifests {
		platforms = append(platforms, attestations.PlatformImage{Platform: m.Platform, Reference: repository + "@" + m.Digest.String()})
	}
	return repository + "@" + pushed.Digest.String(), platforms, nil
}
