package ecrauth

import (
	"cmp"
	"errors"
	"fmt"
	"regexp"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	"github.com/aws/aws-sdk-go-v2/credentials/stscreds"
	"github.com/aws/aws-sdk-go-v2/service/sts"
	"github.com/aws/smithy-go"
)

// The role is assumed with AssumeRoleWithWebIdentity: the web identity token (a JWT the pipeline
// got from its service connection) is the only credential, and STS answers with temporary keys.
// The web identity token itself is short-lived (Azure DevOps issues it for minutes), so it is
// used at once, before anything is built, and again only to renew the role's credentials.

const (
	// SessionName names the role session, as CloudTrail shows it.
	SessionName = "taskboard-pipeline"
	// DefaultExpiryWindow is how long before they expire the role's credentials are renewed.
	DefaultExpiryWindow = 5 * time.Minute
	// MinSessionDuration and MaxSessionDuration are what STS accepts as DurationSeconds (the
	// role's own maximum session duration may be lower than 12 hours).
	MinSessionDuration = 15 * time.Minute
	MaxSessionDuration = 12 * time.Hour
)

var roleARNPattern = regexp.MustCompile(`^arn:aws(-[a-z]+)*:iam::[0-9]{12}:role/[\w+=,.@/-]{1,512}$`)

// ParseSessionDuration reads --session-duration: a Go duration such as "2h" or "90m"; empty means
// STS's default (one hour).
func ParseSessionDuration(s string) (time.Duration, error) {
	if s == "" {
		return 0, nil
	}
	d, err := time.ParseDuration(s)
	if err != nil {
		return 0, fmt.Errorf("with-ecr: %s %q is not a duration such as 1h or 90m", FlagSessionDuration, s)
	}
	if d < MinSessionDuration || d > MaxSessionDuration {
		return 0, fmt.Errorf("with-ecr: %s %s is outside what STS accepts (%s to %s)", FlagSessionDuration, d, MinSessionDuration, MaxSessionDuration)
	}
	return d, nil
}

func (r Request) validateRole() error {
	if !roleARNPattern.MatchString(r.RoleARN) {
		return fmt.Errorf("with-ecr: %s %q is not an IAM role ARN (arn:aws:iam::<account>:role/<name>)", FlagRoleARN, r.RoleARN)
	}
	if r.SessionDuration != 0 {
		if _, err := ParseSessionDuration(r.SessionDuration.String()); err != nil {
			return err
		}
	}
	return nil
}

// roleCredentials assumes the role with the web identity token, and again whenever the cached
// credentials come within the expiry window of their end.
func (r Request) roleCredentials() *aws.CredentialsCache {
	opts := sts.Options{Region: r.Region, RetryMaxAttempts: r.MaxAttempts}
	if r.STSEndpoint != "" {
		opts.BaseEndpoint = aws.String(r.STSEndpoint)
	}
	if r.HTTPClient != nil {
		opts.HTTPClient = r.HTTPClient
	}
	provider := stscreds.NewWebIdentityRoleProvider(sts.New(opts), r.RoleARN, identityToken{r.WebIdentityToken},
		func(o *stscreds.WebIdentityRoleOptions) {
			o.RoleSessionName = SessionName
			o.Duration = r.SessionDuration
		})
	return aws.NewCredentialsCache(provider, func(o *aws.CredentialsCacheOptions) {
		o.ExpiryWindow = cmp.Or(r.ExpiryWindow, DefaultExpiryWindow)
	})
}

// identityToken hands the token to the SDK from memory (no file); printed, it shows no token.
type identityToken struct{ token string }

func (t identityToken) GetIdentityToken() ([]byte, error) { return []byte(t.token), nil }
func (identityToken) String() string                      { return "web identity token" }

// roleError says why the role could not be assumed (at first, or when renewing its credentials):
// the role, STS's code and message and its request ID, with what to check. Never the token.
func (r Request) roleError(err error, renewing bool) error {
	var apiErr smithy.APIError
	if !errors.As(err, &apiErr) {
		// No answer from STS (network, TLS, a response that is not STS's).
		return fmt.Errorf("ecr: assume role %s with the web identity token: %s", r.RoleARN, r.scrub(err.Error()))
	}
	msg := fmt.Sprintf("ecr: AWS STS did not let the web identity token assume role %s: %s: %s",
		r.RoleARN, apiErr.ErrorCode(), apiErr.ErrorMessage())
	var respErr *awshttp.ResponseError
	if errors.As(err, &respErr) && respErr.ServiceRequestID() != "" {
		msg += fmt.Sprintf(" (STS request %s)", respErr.ServiceRequestID())
	}
	switch apiErr.ErrorCode() {
	case "ExpiredTokenException":
		if renewing {
			msg += "; the role's credentials ran out during the run and the token can no longer renew them: give " + FlagSessionDuration + " as long as the run"
		} else {
			msg += "; the token has expired: fetch it in the step just before dagger call (every call that reaches the registry exchanges it again)"
		}
	case "InvalidIdentityToken", "IDPRejectedClaim":
		msg += "; check the IAM OIDC identity provider: its URL must be the token's issuer, its audience api://AzureADTokenExchange"
	case "ValidationError":
		msg += "; " + FlagSessionDuration + " may not exceed the role's maximum session duration"
	case "AccessDenied":
		msg += "; check the role's trust policy: the Federated principal, and the :aud and :sub conditions against the token's claims"
	}
	return errors.New(r.scrub(msg))
}

// isCredentialsError is whether a failed ECR call failed before reaching ECR, on STS: renewing the
// role's credentials was refused.
func isCredentialsError(err error) bool {
	for e := err; e != nil; e = errors.Unwrap(e) {
		if op, ok := e.(*smithy.OperationError); ok && op.ServiceID == sts.ServiceID {
			return true
		}
	}
	return false
}
