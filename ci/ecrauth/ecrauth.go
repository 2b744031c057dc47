// Package ecrauth turns AWS credentials into registry credentials for Amazon ECR.
//
// The ECR authorization token is requested with the AWS SDK inside the module process, so the
// AWS keys never reach a container, a command line or a file: only the short-lived registry
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

// Request says which account's registry to log in to and with which AWS credentials.
type Request struct {
	// AccountID is the 12-digit AWS account that owns the registry.
	AccountID string
	// Region is the AWS region of the registry, e.g. "eu-west-1".
	Region string
	// AccessKeyID, SecretAccessKey and the optional SessionToken are the AWS credentials.
	AccessKeyID     string
	SecretAccessKey string
	SessionToken    string

	// Endpoint overrides the ECR API endpoint (tests, VPC endpoints). Empty means AWS's own.
	Endpoint string
	// HTTPClient overrides the SDK's HTTP client. Nil means the SDK default.
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

// Login asks ECR for an authorization token and decodes it into registry credentials.
func Login(ctx context.Context, req Request) (Credentials, error) {
	if err := req.validate(); err != nil {
		return Credentials{}, err
	}
	now := time.Now
	if req.Now != nil {
		now = req.Now
	}

	opts := ecr.Options{
		Region: req.Region,
		Credentials: aws.CredentialsProviderFunc(func(context.Context) (aws.Credentials, error) {
			return aws.Credentials{
				AccessKeyID:     req.AccessKeyID,
				SecretAccessKey: req.SecretAccessKey,
				SessionToken:    req.SessionToken,
				Source:          "taskboard-pipeline",
			}, nil
		}),
		RetryMaxAttempts: req.MaxAttempts,
	}
	if req.Endpoint != "" {
		opts.BaseEndpoint = aws.String(req.Endpoint)
	}
	if req.HTTPClient != nil {
		opts.HTTPClient = req.HTTPClient
	}
	client := ecr.New(opts)

	out, err := client.GetAuthorizationToken(ctx, &ecr.GetAuthorizationTokenInput{})
	if err != nil {
		// The SDK's error names the operation and AWS's error code; it never carries the
		// request's credentials. Scrub anyway, in case a proxy echoes them back.
		return Credentials{}, fmt.Errorf("ecr: GetAuthorizationToken: %s", req.scrub(err.Error()))
	}
	if len(out.AuthorizationData) == 0 {
		return Credentials{}, errors.New("ecr: GetAuthorizationToken returned no authorization data")
	}
	return decode(out.AuthorizationData[0].AuthorizationToken, out.AuthorizationData[0].ExpiresAt,
		out.AuthorizationData[0].ProxyEndpoint, Registry(req.AccountID, req.Region), now())
}

func (r Request) validate() error {
	switch {
	case !accountPattern.MatchString(r.AccountID):
		return errors.New("ecr: the AWS account ID must be 12 digits")
	case !regionPattern.MatchString(r.Region):
		return fmt.Errorf("ecr: %q is not an AWS region name", r.Region)
	case r.AccessKeyID == "" || r.SecretAccessKey == "":
		return errors.New("ecr: the AWS access key ID and secret access key are both required")
	}
	return nil
}

// scrub removes the request's secrets from a message.
func (r Request) scrub(msg string) string {
	return redact.String(msg, r.SecretAccessKey, r.SessionToken)
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
