package main

import (
	"context"
	"fmt"
	"net/http"
	"regexp"
	"strings"
	"time"

	"dagger/pipeline/ecrauth"
	"dagger/pipeline/internal/dagger"
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

// registryTarget is a registry the release can push to (through the engine) and sign in (from
// the module process).
type registryTarget struct {
	plan releaseplan.RegistryPlan
	// pushHost is the registry host in the addresses given to Container.Publish.
	pushHost string
	// signHost is the same registry as the module process reaches it.
	signHost string
	// service is the throwaway registry, nil for a real one.
	service *dagger.Service
	// username and password log in; password is nil for the throwaway registry.
	username string
	password *dagger.Secret
	// auth is the module process's login; the password stays in this process's memory.
	auth signing.Registry
}

// describe says where images went, for the summary. Never includes credentials.
func (t *registryTarget) describe() string {
	switch t.plan.Kind {
	case releaseplan.ECR:
		return "Amazon ECR " + t.pushHost
	case releaseplan.Basic:
		return t.pushHost
	}
	return "a throwaway registry (registry:2 service, gone after the run)"
}

// pushRepository and signRepository name a component's repository on each side.
func (t *registryTarget) pushRepository(component string) string {
	return t.plan.Repository(t.pushHost, component)
}

func (t *registryTarget) signRepository(component string) string {
	return t.plan.Repository(t.signHost, component)
}

// toSignRef turns the engine-side reference returned by publish into the module-side one.
func (t *registryTarget) toSignRef(pushRef string) string {
	if t.pushHost == t.signHost {
		return pushRef
	}
	return t.signHost + strings.TrimPrefix(pushRef, t.pushHost)
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
			plan: plan, pushHost: plan.Host, signHost: plan.Host,
			username: f.username, password: f.password,
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
	// The engine needs the registry password as a secret for Container.WithRegistryAuth; the
	// secret's name is public, its value stays in the engine's secret store.
	password := dag.SetSecret("ecr-registry-password-"+creds.Registry, creds.Password)
	return &registryTarget{
		plan: plan, pushHost: creds.Registry, signHost: creds.Registry,
		username: creds.Username, password: password,
		auth: signing.Registry{Username: creds.Username, Password: creds.Password},
	}, nil
}

// throwawayRegistryPort is where registry:2 listens.
const throwawayRegistryPort = 5000

// startThrowawayRegistry runs registry:2 as a service for the length of the release.
//
// Two names for one registry: the engine pushes to "localhost:5000" with the service given as
// Container.Publish's registryService (Dagger v0.21 binds the address's host to the service,
// and only "localhost" is spoken to over plain HTTP), while the module process, which signs,
// reaches the running service at its endpoint (service hostname) over plain HTTP.
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
	return &registryTarget{
		plan:     plan,
		pushHost: fmt.Sprintf("localhost:%d", throwawayRegistryPort),
		signHost: endpoint,
		service:  svc,
		auth:     signing.Registry{Insecure: true},
	}, nil
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

// publishVariants pushes one image (several platforms make an image index) and returns the
// engine-side reference by digest, repository@sha256:...
func publishVariants(ctx context.Context, t *registryTarget, variants []*dagger.Container, repository, tag string) (string, error) {
	if len(variants) == 0 {
		return "", fmt.Errorf("no image to publish")
	}
	image := variants[0]
	opts := dagger.ContainerPublishOpts{RegistryService: t.service}
	if len(variants) > 1 {
		image = dag.Container()
		opts.PlatformVariants = variants
	}
	if t.password != nil {
		image = image.WithRegistryAuth(t.pushHost, t.username, t.password)
	}
	published, err := image.Publish(ctx, repository+":"+tag, opts)
	if err != nil {
		return "", fmt.Errorf("push %s:%s: %w", repository, tag, err)
	}
	return digestReference(repository, published)
}

var digestSuffix = regexp.MustCompile(`@sha256:[0-9a-f]{64}$`)

// digestReference turns what Container.Publish returns (repository:tag@sha256:...) into the
// repository by digest: what is signed, attested and recorded in values.yaml.
func digestReference(repository, published string) (string, error) {
	d := digestSuffix.FindString(published)
	if d == "" || !strings.HasPrefix(published, repository+":") {
		return "", fmt.Errorf("push to %s returned %q, not %s:<tag>@sha256:<digest>", repository, published, repository)
	}
	return repository + d, nil
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
	host := target.pushHost
	var full string
	if target.plan.Namespace != "" {
		full = host + "/" + target.plan.Namespace + "/" + repository
	} else {
		full = host + "/" + repository
	}
	return publishVariants(ctx, target, []*dagger.Container{image}, full, tag)
}
