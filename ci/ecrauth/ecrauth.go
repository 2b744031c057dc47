// Package ecrauth turns AWS credentials into registry credentials for Amazon ECR.
//
// The AWS credentials are either an IAM role, assumed with a web identity token (the OIDC token
// of the pipeline's service connection, see role.go), or access keys. The ECR authorization
// token is requested with the AWS SDK inside the module process, so neither the web identity
// token nor the AWS keys ever reach a container, a command line or a file: only the registry
// password that comes back is handed to the registry client.
package ecrauth

import (
	"context"
	"dagger/pipeline/redact"
	"encoding/base64"
	"errors"
	"fmt"
	"net/url"
	"regexp"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecr"
)

// Request says which account's registry to log in to and with which AWS credentials: a role
// and a web identity token, or access keys, never both (see Given).
type Request struct {
	// AccountID is the 12-digit AWS account that owns the registry.
	AccountID string
	// Region is the AWS region of the registry, e.g. "eu-west-1". STS is called in it too.
	Region string

	// RoleARN is the IAM role to assume with WebIdentityToken (AssumeRoleWithWebIdentity).
	RoleARN          string
	WebIdentityToken string
	// SessionDuration is the role session's lifetime; zero means STS's default (one hour).
	SessionDuration time.Duration
	// ExpiryWindow is how long before they expire the role's credentials are renewed; zero
	// means DefaultExpiryWindow.
	ExpiryWindow time.Duration

	// AccessKeyID, SecretAccessKey and the optional SessionToken are AWS keys.
	AccessKeyID     string
	SecretAccessKey string
	SessionToken    string

	// Endpoint overrides the ECR API endpoint (tests, VPC endpoints). Empty means AWS's own.
	Endpoint string
	// STSEndpoint overrides the STS endpoint (tests, VPC endpoints). Empty means the regional
	// endpoint of Region.
	STSEndpoint string
	// HTTPClient overrides the SDK's HTTP client, for ECR and STS. Nil means the SDK default.
	HTTPClient ecr.HTTPClient
	// MaxAttempts bounds the SDK's retries. Zero means the SDK default.
	MaxAttempts int
	// Now is the clock used to refuse an already expired token. Nil means time.Now.
	Now func() time.Time
}

// Credentials log in to an ECR registry.
type Credentials struct {
	// Registry is the registry host, "<account>.dkr.ecr.<region>.amazonaws.com".
	Registry string
	// Username is always "AWS" for ECR.
	Username string
	// Password is the authorization token's secret part. Never log it.
	Password string
	// ExpiresAt is when ECR stops accepting the password (12 hours after issue).
	ExpiresAt time.Time
}

// String keeps the password out of any log line that prints the credentials.
func (c Credentials) String() string {
	return fmt.Sprintf("ECR credentials for %s (user %s, expires %s)", c.Registry, c.Username, c.ExpiresAt.UTC().Format(time.RFC3339))
}

var (
	accountPattern = regexp.MustCompile(`^[0-9]{12}$`)
	regionPattern  = regexp.MustCompile(`^[a-z]{2}(-[a-z]+)+-[0-9]+$`)
)

// Registry is the ECR registry host of an account in a region.
func Registry(accountID, region string) string {
	return fmt.Sprintf("%s.dkr.ecr.%s.amazonaws.com", accountID, region)
}

// Session is one AWS identity (the assumed role, or the keys) logged in to one registry. Login
// may be called again for a new registry password: the role's credentials are cached, and renewed
// with the same web identity token when they come within the expiry window of their end.
type Session struct {
	req         Request
	now         func() time.Time
	client      *ecr.Client
	credentials aws.CredentialsProvider
}

// NewSession checks the request and, for a role, assumes it at once: a refused or expired web
// identity token stops here, before anything else is done with the registry.
func NewSession(ctx context.Context, req Request) (*Session, error) {
	if err := req.validate(); err != nil {
		return nil, err
	}
	s := &Session{req: req, now: time.Now}
	if req.Now != nil {
		s.now = req.Now
	}
	if req.RoleARN != "" {
		s.credentials = req.roleCredentials()
		if _, err := s.credentials.Retrieve(ctx); err != nil {
			return nil, req.roleError(err, false)
		}
	} else {
		s.credentials = aws.CredentialsProviderFunc(func(context.Context) (aws.Credentials, error) {
			return aws.Credentials{
				AccessKeyID:     req.AccessKeyID,
				SecretAccessKey: req.SecretAccessKey,
				SessionToken:    req.SessionToken,
				Source:          "taskboard-pipeline",
			}, nil
		})
	}

	opts := ecr.Options{Region: req.Region, Credentials: s.credentials, RetryMaxAttempts: req.MaxAttempts}
	if req.Endpoint != "" {
		opts.BaseEndpoint = aws.String(req.Endpoint)
	}
	if req.HTTPClient != nil {
		opts.HTTPClient = req.HTTPClient
	}
	s.client = ecr.New(opts)
	return s, nil
}

// Login asks ECR for an authorization token and decodes it into registry credentials.
func (s *Session) Login(ctx context.Context) (Credentials, error) {
	req := s.req
	out, err := s.client.GetAuthorizationToken(ctx, &ecr.GetAuthorizationTokenInput{})
	if err != nil {
		if req.RoleARN != "" && isCredentialsError(err) {
			// Renewing the role's credentials failed (the web identity token has expired since).
			return Credentials{}, req.roleError(err, true)
		}
		// The SDK's error names the operation and AWS's error code; it never carries the
		// request's credentials. Scrub anyway, in case a proxy echoes them back.
		as := ""
		if req.RoleARN != "" {
			as = " as role " + req.RoleARN // its permission policy is what to check
		}
		return Credentials{}, fmt.Errorf("ecr: GetAuthorizationToken%s: %s", as, req.scrub(err.Error()))
	}
	if len(out.AuthorizationData) == 0 {
		return Credentials{}, errors.New("ecr: GetAuthorizationToken returned no authorization data")
	}
	return decode(out.AuthorizationData[0].AuthorizationToken, out.AuthorizationData[0].ExpiresAt,
		out.AuthorizationData[0].ProxyEndpoint, Registry(req.AccountID, req.Region), s.now())
}

// Login is NewSession, then one Session.Login: what a release needs, since the registry password
// lasts 12 hours.
func Login(ctx context.Context, req Request) (Credentials, error) {
	s, err := NewSession(ctx, req)
	if err != nil {
		return Credentials{}, err
	}
	return s.Login(ctx)
}

func (r Request) validate() error {
	switch {
	case !accountPattern.MatchString(r.AccountID):
		return errors.New("ecr: the AWS account ID must be 12 digits")
	case !regionPattern.MatchString(r.Region):
		return fmt.Errorf("ecr: %q is not an AWS region name", r.Region)
	}
	if err := r.given().Check(); err != nil {
		return err
	}
	if err := r.checkNotMacros(); err != nil {
		return err
	}
	if r.RoleARN != "" {
		return r.validateRole()
	}
	return nil
}

// given is which credentials the request holds, for Given.Check: an empty value counts as
// missing, so a secret that resolved to nothing is refused by name.
func (r Request) given() Given {
	return Given{
		RoleARN: r.RoleARN != "", WebIdentityToken: r.WebIdentityToken != "", SessionDuration: r.SessionDuration != 0,
		AccessKeyID: r.AccessKeyID != "", SecretAccessKey: r.SecretAccessKey != "", SessionToken: r.SessionToken != "",
	}
}

// scrub removes the request's secrets from a message.
func (r Request) scrub(msg string) string {
	return redact.String(msg, r.SecretAccessKey, r.SessionToken, r.WebIdentityToken)
}

// decode checks and splits an authorization token: base64 of "AWS:<password>".
func decode(token *string, expiresAt *time.Time, proxyEndpoint *string, wantRegistry string, now time.Time) (Credentials, error) {
	if token == nil || *token == "" {
		return Credentials{}, errors.New("ecr: the authorization data holds no token")
	}
	raw, err := base64.StdEncoding.DecodeString(*token)
	if err != nil {
		// Not %w: the decoder's error quotes the offending input.
		return Credentials{}, errors.New("ecr: the authorization token is not valid base64")
	}
	user, password, ok := strings.Cut(string(raw), ":")
	if !ok || user == "" || password == "" {
		return Credentials{}, errors.New("ecr: the authorization token is not of the form user:password")
	}
	if expiresAt == nil {
		return Credentials{}, errors.New("ecr: the authorization token has no expiry time")
	}
	if !expiresAt.After(now) {
		return Credentials{}, fmt.Errorf("ecr: the authorization token expired at %s", expiresAt.UTC().Format(time.RFC3339))
	}

	registry := wantRegistry
	if proxyEndpoint != nil && *proxyEndpoint != "" {
		u, err := url.Parse(*proxyEndpoint)
		if err != nil || u.Host == "" {
			return Credentials{}, fmt.Errorf("ecr: the proxy endpoint %q is not a URL", *proxyEndpoint)
		}
		if u.Host != wantRegistry {
			return Credentials{}, fmt.Errorf("ecr: the token is for %s, not for %s", u.Host, wantRegistry)
		}
		registry = u.Host
	}
	return Credentials{Registry: registry, Username: user, Password: password, ExpiresAt: *expiresAt}, nil
}
