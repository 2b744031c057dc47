package ecrauth

import (
	"fmt"
	"regexp"
	"strings"
)

// The with-ecr flags that carry credentials, as its errors name them.
const (
	FlagRoleARN          = "--role-arn"
	FlagWebIdentityToken = "--web-identity-token"
	FlagSessionDuration  = "--session-duration"
	FlagAccessKeyID      = "--access-key-id"
	FlagSecretAccessKey  = "--secret-access-key"
	FlagSessionToken     = "--session-token"
)

// Given says which with-ecr credential flags hold a value. with-ecr checks it when the flags
// are given (a secret not read yet counts as given), and Login again with the values read (an
// empty secret counts as missing).
type Given struct {
	RoleARN, WebIdentityToken, SessionDuration bool
	AccessKeyID, SecretAccessKey, SessionToken bool
}

// Check accepts exactly one complete way to reach AWS: the role (--role-arn and
// --web-identity-token, optionally --session-duration) or the keys (--access-key-id and
// --secret-access-key, optionally --session-token). Both, neither or half of one is refused with
// the flags to give or to drop: a forgotten value never falls back to the other way.
func (g Given) Check() error {
	roleFlags := present(map[string]bool{FlagRoleARN: g.RoleARN, FlagWebIdentityToken: g.WebIdentityToken, FlagSessionDuration: g.SessionDuration})
	keyFlags := present(map[string]bool{FlagAccessKeyID: g.AccessKeyID, FlagSecretAccessKey: g.SecretAccessKey, FlagSessionToken: g.SessionToken})
	switch {
	case len(roleFlags) > 0 && len(keyFlags) > 0:
		return fmt.Errorf("with-ecr: give a role (%s and %s) or access keys (%s and %s), not both; given: %s",
			FlagRoleARN, FlagWebIdentityToken, FlagAccessKeyID, FlagSecretAccessKey, strings.Join(append(roleFlags, keyFlags...), ", "))
	case len(roleFlags) == 0 && len(keyFlags) == 0:
		return fmt.Errorf("with-ecr: no AWS credentials: give %s and %s (the pipeline's OIDC token), or %s and %s",
			FlagRoleARN, FlagWebIdentityToken, FlagAccessKeyID, FlagSecretAccessKey)
	case len(roleFlags) > 0:
		if missing := present(map[string]bool{FlagRoleARN: !g.RoleARN, FlagWebIdentityToken: !g.WebIdentityToken}); len(missing) > 0 {
			return fmt.Errorf("with-ecr: %s missing or empty: assuming a role takes %s and %s",
				strings.Join(missing, " and "), FlagRoleARN, FlagWebIdentityToken)
		}
	default:
		if missing := present(map[string]bool{FlagAccessKeyID: !g.AccessKeyID, FlagSecretAccessKey: !g.SecretAccessKey}); len(missing) > 0 {
			return fmt.Errorf("with-ecr: %s missing or empty: access keys take %s and %s",
				strings.Join(missing, " and "), FlagAccessKeyID, FlagSecretAccessKey)
		}
	}
	return nil
}

// present lists the flags whose value is true, in a stable order.
func present(flags map[string]bool) []string {
	var out []string
	for _, f := range []string{FlagRoleARN, FlagWebIdentityToken, FlagSessionDuration, FlagAccessKeyID, FlagSecretAccessKey, FlagSessionToken} {
		if flags[f] {
			out = append(out, f)
		}
	}
	return out
}

// azureMacro is what Azure DevOps passes for a variable that was never defined: its own
// "$(NAME)", verbatim.
var azureMacro = regexp.MustCompile(`^\$\([A-Za-z0-9_.-]+\)$`)

// checkNotMacros refuses credentials that are an undefined Azure DevOps variable's "$(NAME)":
// they would otherwise reach AWS and fail there with a less useful message. The value quoted is
// the macro, never a secret.
func (r Request) checkNotMacros() error {
	for _, v := range []struct{ flag, value string }{
		{FlagWebIdentityToken, r.WebIdentityToken}, {FlagAccessKeyID, r.AccessKeyID},
		{FlagSecretAccessKey, r.SecretAccessKey}, {FlagSessionToken, r.SessionToken},
	} {
		if azureMacro.MatchString(strings.TrimSpace(v.value)) {
			return fmt.Errorf("with-ecr: %s is %q, an Azure DevOps variable that was never set", v.flag, strings.TrimSpace(v.value))
		}
	}
	return nil
}
