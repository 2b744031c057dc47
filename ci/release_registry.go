package main

import (
	"context"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"time"

	"github.com/google/go-containerregistry/pkg/name"
	v1 "github.com/google/go-containerregistry/pkg/v1"

	"dagger/pipeline/ecrauth"
	"dagger/pipeline/internal/dagger"
	"dagger/pipeline/ociimage"
	"dagger/pipeline/releaseplan"
	"dagger/pipeline/signing"
)

// registryFlags are the registry settings every pushing or signing function takes.
type registryFlags struct {
	registry           string
	username           string
	password           *dagger.Secret
	awsAccountID       string
	awsRegion          string
	awsAccessKeyID     *dagger.Secret
	awsSecretAccessKey *dagger.Secret
	awsSessionToken    *dagger.Secret
}

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

// describe says where images went, for the summary. Never includes credentials.
func (t *registryTarget) describe() string {
	switch t.plan.Kind {
	case releaseplan.ECR:
		return "Amazon ECR " + t.host
	case releaseplan.Basic:
		return t.host
	}
	return "a throwaway registry (registry:2 service, gone after the run)"
}

// repository names a component's repository.
func (t *registryTarget) repository(component string) string {
	return t.plan.Repository(t.host, component)
}

// openRegistry validates the flags, logs in (ECR: a token from the AWS SDK, in this process),
// or starts the throwaway registry.
func openRegistry(ctx context.Context, f registryFlags) (*registryTarget, error) {
	plan, err := releaseplan.PlanRegistry(releaseplan.RegistryInput{
		Registry: f.registry, Username: f.username, HasPassword: f.password != nil,
		AWSAccountID: f.awsAccountID, AWSRegion: f.awsRegion,
		HasAWSAccessKey: f.awsAccessKeyID != nil, HasAWSSecretKey: f.awsSecretAccessKey != nil,
		HasAWSSessionKey: f.awsSessionToken != nil,
	})
	if err != nil {
		return nil, err
	}
	switch plan.Kind {
	case releaseplan.ECR:
		return openECR(ctx, plan, f)
	case releaseplan.Basic:
		password, err := f.password.Plaintext(ctx)
		if err != nil {
			return nil, fmt.Errorf("registry password: %w", err)
		}
		return &registryTarget{
			plan: plan, host: plan.Host,
			auth: signing.Registry{Username: f.username, Password: password, Insecure: plan.PlainHTTP},
		}, nil
	}
	return startThrowawayRegistry(ctx, plan)
}

func openECR(ctx context.Context, plan releaseplan.RegistryPlan, f registryFlags) (*registryTarget, error) {
	req := ecrauth.Request{AccountID: f.awsAccountID, Region: f.awsRegion}
	var err error
	if req.AccessKeyID, err = f.awsAccessKeyID.Plaintext(ctx); err != nil {
		return nil, fmt.Errorf("AWS access key ID: %w", err)
	}
	if req.SecretAccessKey, err = f.awsSecretAccessKey.Plaintext(ctx); err != nil {
		return nil, fmt.Errorf("AWS secret access key: %w", err)
	}
	if f.awsSessionToken != nil {
		if req.SessionToken, err = f.awsSessionToken.Plaintext(ctx); err != nil {
			return nil, fmt.Errorf("AWS session token: %w", err)
		}
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

// startThrowawayRegistry runs registry:2 as a service for the length of the release; the module
// process reaches it at its endpoint (the service's hostname), over plain HTTP.
func startThrowawayRegistry(ctx context.Context, plan releaseplan.RegistryPlan) (*registryTarget, error) {
	svc, err := dag.Container().From(ImageRegistry).
		WithExposedPort(throwawayRegistryPort).
		AsService(dagger.ContainerAsServiceOpts{UseEntrypoint: true}).
		Start(ctx)
	if err != nil {
		return nil, fmt.Errorf("start the throwaway registry: %w", err)
	}
	endpoint, err := svc.Endpoint(ctx, dagger.ServiceEndpointOpts{Port: throwawayRegistryPort})
	if err != nil {
		return nil, fmt.Errorf("throwaway registry endpoint: %w", err)
	}
	if err := waitForRegistry(ctx, endpoint); err != nil {
		return nil, err
	}
	return &registryTarget{plan: plan, host: endpoint, service: svc, auth: signing.Registry{Insecure: true}}, nil
}

// waitForRegistry checks that the module process can talk to the registry's API, and says
// plainly what to do when it cannot.
func waitForRegistry(ctx context.Context, endpoint string) error {
	client := &http.Client{Timeout: 5 * time.Second}
	var lastErr error
	for attempt := 0; attempt < 10; attempt++ {
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, "http://"+endpoint+"/v2/", nil)
		if err != nil {
			return err
		}
		resp, err := client.Do(req)
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return nil
			}
			err = fmt.Errorf("GET /v2/: %s", resp.Status)
		}
		lastErr = err
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(time.Second):
		}
	}
	return fmt.Errorf("the module cannot reach the throwaway registry at %s (%v); release to a real registry with --registry or the --aws-* flags", endpoint, lastErr)
}

// publishVariants pushes one image (several platforms make an image index) with no timestamp
// later than epoch, and returns it by digest, repository@sha256:...
//
// The module pushes, not Container.Publish: Dagger v0.21 stamps layers and config with the
// moment the engine made them, so the same commit got new digests on every run (ociimage).
func publishVariants(ctx context.Context, t *registryTarget, variants []*dagger.Container, repository, tag string, epoch time.Time) (string, error) {
	work, err := os.MkdirTemp("", "publish-")
	if err != nil {
		return "", err
	}
	defer os.RemoveAll(work)
	var images []v1.Image
	for i, variant := range variants {
		archive := filepath.Join(work, fmt.Sprintf("variant-%d.tar", i))
		if _, err := variant.AsTarball().Export(ctx, archive); err != nil {
			return "", fmt.Errorf("export %s: %w", repository, err)
		}
		read, err := ociimage.ReadTarball(archive, filepath.Join(work, fmt.Sprintf("variant-%d", i)))
		if err != nil {
			return "", err
		}
		for _, img := range read {
			clamped, err := ociimage.Clamp(img, epoch)
			if err != nil {
				return "", fmt.Errorf("clamp %s: %w", repository, err)
			}
			images = append(images, clamped)
		}
	}
	ref, err := name.NewTag(repository+":"+tag, t.auth.NameOptions()...)
	if err != nil {
		return "", err
	}
	pushed, err := ociimage.Push(ref, images, t.auth.RemoteOptions(ctx)...)
	if err != nil {
		return "", fmt.Errorf("push %s:%s: %w", repository, tag, err)
	}
	return repository + "@" + pushed.String(), nil
}

// Publish pushes an image to a registry and returns it by digest (repository@sha256:...).
// The registry is Amazon ECR when the --aws-* flags are given (the login token comes from the
// AWS SDK in the module), any registry with --registry-username and --registry-password, or,
// with no registry flag at all, a throwaway registry that lives for this call only.
//
// +cache="never"
func (p *Pipeline) Publish(
	ctx context.Context,
	// The image to push, e.g. the output of build.
	image *dagger.Container,
	// The repository name inside the registry, e.g. taskboard-backend.
	repository string,
	// The tag to push, e.g. the git SHA.
	tag string,
	// Registry host and optional namespace, e.g. registry.example.com/team. Not needed for ECR.
	// +optional
	registry string,
	// Registry username (with --registry-password).
	// +optional
	registryUsername string,
	// Registry password or token.
	// +optional
	registryPassword *dagger.Secret,
	// AWS account that owns the ECR registry (12 digits).
	// +optional
	awsAccountId string,
	// AWS region of the ECR registry, e.g. eu-west-1.
	// +optional
	awsRegion string,
	// AWS access key ID.
	// +optional
	awsAccessKeyId *dagger.Secret,
	// AWS secret access key.
	// +optional
	awsSecretAccessKey *dagger.Secret,
	// AWS session token, for temporary credentials.
	// +optional
	awsSessionToken *dagger.Secret,
) (string, error) {
	target, err := openRegistry(ctx, registryFlags{registry, registryUsername, registryPassword, awsAccountId, awsRegion, awsAccessKeyId, awsSecretAccessKey, awsSessionToken})
	if err != nil {
		return "", err
	}
	host := target.host
	var full string
	if target.plan.Namespace != "" {
		full = host + "/" + target.plan.Namespace + "/" + repository
	} else {
		full = host + "/" + repository
	}
	// Nothing records when this image was built: nothing in it is later than now.
	return publishVariants(ctx, target, []*dagger.Container{image}, full, tag, time.Now())
}
