package ecrauth

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"
)

const (
	roleARN          = "arn:aws:iam::123456789012:role/taskboard-release"
	webIdentityToken = "eyJhbGciOiJSUzI1NiJ9.web-identity-token-that-must-never-leak.c2ln"
	tempSecretKey    = "temporary/Secret+Key/ThatMustNeverLeak000"
	tempSessionToken = "temporary-session-token-that-must-never-leak"
)

// tempAccessKey is the access key ID of the n-th set of credentials the fake STS issues.
func tempAccessKey(n int) string { return fmt.Sprintf("ASIATEMPORARYKEY%04d", n) }

// stsAnswer is one answer of the fake STS: credentials valid for lifetime, or an error document.
type stsAnswer struct {
	lifetime time.Duration
	code     string // an STS error code: the answer is HTTP 400 with STS's error document
	message  string
}

// fakeSTS speaks the part of STS's Query protocol that AssumeRoleWithWebIdentity uses: a
// form-encoded POST, an XML answer in the 2011-06-15 namespace, errors as an ErrorResponse
// document with HTTP 400. It records the forms it was sent and answers in turn (the last answer
// repeats).
type fakeSTS struct {
	mu      sync.Mutex
	answers []stsAnswer
	forms   []url.Values
	headers []http.Header
}

func (f *fakeSTS) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	form, err := url.ParseQuery(string(body))
	f.mu.Lock()
	n := len(f.forms)
	f.forms, f.headers = append(f.forms, form), append(f.headers, r.Header.Clone())
	answer := f.answers[min(n, len(f.answers)-1)]
	f.mu.Unlock()

	requestID := fmt.Sprintf("c6104cbe-af31-11e0-8154-cbc7ccf896c%d", n%10)
	w.Header().Set("Content-Type", "text/xml")
	w.Header().Set("X-Amzn-Requestid", requestID)
	if err != nil || r.Method != http.MethodPost || r.URL.Path != "/" ||
		r.Header.Get("Content-Type") != "application/x-www-form-urlencoded" ||
		form.Get("Action") != "AssumeRoleWithWebIdentity" || form.Get("Version") != "2011-06-15" {
		answer = stsAnswer{code: "InvalidAction", message: "unexpected request " + r.Method + " " + form.Get("Action")}
	}
	if answer.code != "" {
		w.WriteHeader(http.StatusBadRequest)
		fmt.Fprintf(w, `<ErrorResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">
  <Error>
    <Type>Sender</Type>
    <Code>%s</Code>
    <Message>%s</Message>
  </Error>
  <RequestId>%s</RequestId>
</ErrorResponse>`, answer.code, answer.message, requestID)
		return
	}
	fmt.Fprintf(w, `<AssumeRoleWithWebIdentityResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">
  <AssumeRoleWithWebIdentityResult>
    <SubjectFromWebIdentityToken>sc://contoso/taskboard/aws-ecr-release</SubjectFromWebIdentityToken>
    <Audience>api://AzureADTokenExchange</Audience>
    <AssumedRoleUser>
      <Arn>arn:aws:sts::123456789012:assumed-role/taskboard-release/%s</Arn>
      <AssumedRoleId>AROACLKWSDQRAOEXAMPLE:%s</AssumedRoleId>
    </AssumedRoleUser>
    <Credentials>
      <SessionToken>%s</SessionToken>
      <SecretAccessKey>%s</SecretAccessKey>
      <Expiration>%s</Expiration>
      <AccessKeyId>%s</AccessKeyId>
    </Credentials>
    <SourceIdentity></SourceIdentity>
    <Provider>vstoken.dev.azure.com/00000000-0000-0000-0000-000000000000</Provider>
  </AssumeRoleWithWebIdentityResult>
  <ResponseMetadata>
    <RequestId>%s</RequestId>
  </ResponseMetadata>
</AssumeRoleWithWebIdentityResponse>`, form.Get("RoleSessionName"), form.Get("RoleSessionName"),
		tempSessionToken, tempSecretKey, time.Now().Add(answer.lifetime).UTC().Format(time.RFC3339), tempAccessKey(n+1), requestID)
}

func (f *fakeSTS) calls() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return len(f.forms)
}

// startRole starts a fake ECR (answering with a good token) and a fake STS, and returns a
// request that assumes the role through them.
func startRole(t *testing.T, answers ...stsAnswer) (*fakeECR, *fakeSTS, Request) {
	t.Helper()
	ecrFake, req := start(t, http.StatusOK, tokenResponse(goodToken(), now.Add(12*time.Hour), "https://"+Registry(account, region)))
	stsFake := &fakeSTS{answers: answers}
	srv := httptest.NewServer(stsFake)
	t.Cleanup(srv.Close)
	req.AccessKeyID, req.SecretAccessKey, req.SessionToken = "", "", ""
	req.RoleARN, req.WebIdentityToken, req.STSEndpoint = roleARN, webIdentityToken, srv.URL
	return ecrFake, stsFake, req
}

// assertNoSecrets fails if a message carries the web identity token or any credential.
func assertNoSecrets(t *testing.T, msg string) {
	t.Helper()
	for _, secret := range []string{webIdentityToken, tempSecretKey, tempSessionToken, secretKey, sessionToken, password} {
		if strings.Contains(msg, secret) {
			t.Fatalf("message leaks a secret: %s", msg)
		}
	}
}

// The whole chain: the web identity token goes to STS (unsigned, the token is the credential),
// STS's temporary credentials sign the ECR call, ECR's token becomes the registry login.
func TestLoginAssumesTheRoleAndSignsECRWithItsCredentials(t *testing.T) {
	ecrFake, stsFake, req := startRole(t, stsAnswer{lifetime: time.Hour})
	req.SessionDuration = 2 * time.Hour

	creds, err := Login(context.Background(), req)
	if err != nil {
		t.Fatal(err)
	}
	if creds.Registry != Registry(account, region) || creds.Username != "AWS" || creds.Password != password {
		t.Fatalf("unexpected credentials: %v", creds)
	}

	if stsFake.calls() != 1 {
		t.Fatalf("%d STS calls, want 1", stsFake.calls())
	}
	form, header := stsFake.forms[0], stsFake.headers[0]
	want := url.Values{
		"Action": {"AssumeRoleWithWebIdentity"}, "Version": {"2011-06-15"}, "RoleArn": {roleARN},
		"RoleSessionName": {SessionName}, "WebIdentityToken": {webIdentityToken}, "DurationSeconds": {"7200"},
	}
	if form.Encode() != want.Encode() {
		t.Fatalf("STS form\n got %s\nwant %s", redactForm(form), redactForm(want))
	}
	if header.Get("Authorization") != "" || header.Get("X-Amz-Security-Token") != "" {
		t.Fatalf("AssumeRoleWithWebIdentity must go unsigned: %q", header.Get("Authorization"))
	}

	if len(ecrFake.requests) != 1 {
		t.Fatalf("%d ECR requests, want 1", len(ecrFake.requests))
	}
	r := ecrFake.requests[0]
	wantScope := regexp.MustCompile(`^AWS4-HMAC-SHA256 Credential=` + tempAccessKey(1) + `/[0-9]{8}/` + region + `/ecr/aws4_request, SignedHeaders=[^ ]*x-amz-security-token[^ ]*, Signature=[0-9a-f]{64}$`)
	if auth := r.Header.Get("Authorization"); !wantScope.MatchString(auth) {
		t.Fatalf("ECR request not signed with STS's temporary key: %q", auth)
	}
	if got := r.Header.Get("X-Amz-Security-Token"); got != tempSessionToken {
		t.Fatal("ECR request does not carry STS's session token")
	}
	for name, values := range r.Header {
		if v := strings.Join(values, ","); strings.Contains(v, webIdentityToken) || strings.Contains(v, tempSecretKey) {
			t.Fatalf("the web identity token or the secret key went to ECR in %s", name)
		}
	}
}

// redactForm shows a form without the token, for a failure message.
func redactForm(v url.Values) string {
	c := url.Values{}
	for k, vs := range v {
		c[k] = vs
	}
	if c.Get("WebIdentityToken") == webIdentityToken {
		c.Set("WebIdentityToken", "<the token>")
	}
	return c.Encode()
}

// A token STS refuses stops the login before ECR is called, naming the role and STS's code and
// message, never the token.
func TestLoginStopsWhenSTSRefusesTheToken(t *testing.T) {
	for name, tc := range map[string]struct {
		answer stsAnswer
		want   []string
	}{
		"refused token": {
			stsAnswer{code: "InvalidIdentityToken", message: "Incorrect token audience"},
			[]string{roleARN, "InvalidIdentityToken", "Incorrect token audience", "api://AzureADTokenExchange", "STS request c6104cbe"},
		},
		"expired token": {
			stsAnswer{code: "ExpiredTokenException", message: "Token expired: current date/time 1765000000 must be before the expiration date/time 1764999000"},
			[]string{roleARN, "ExpiredTokenException", "Token expired", "just before dagger call"},
		},
		"trust policy": {
			stsAnswer{code: "AccessDenied", message: "Not authorized to perform sts:AssumeRoleWithWebIdentity"},
			[]string{roleARN, "AccessDenied", "Not authorized", "trust policy"},
		},
		"session longer than the role allows": {
			stsAnswer{code: "ValidationError", message: "The requested DurationSeconds exceeds the MaxSessionDuration set for this role."},
			[]string{roleARN, "ValidationError", "MaxSessionDuration", FlagSessionDuration},
		},
		"STS echoing the token": {
			stsAnswer{code: "InvalidIdentityToken", message: "Token " + webIdentityToken + " is invalid"},
			[]string{roleARN, "InvalidIdentityToken", "[redacted]"},
		},
	} {
		t.Run(name, func(t *testing.T) {
			ecrFake, stsFake, req := startRole(t, tc.answer)
			creds, err := Login(context.Background(), req)
			if err == nil {
				t.Fatalf("accepted: %v", creds)
			}
			for _, want := range tc.want {
				if !strings.Contains(err.Error(), want) {
					t.Errorf("error %q does not mention %q", err, want)
				}
			}
			assertNoSecrets(t, err.Error())
			if stsFake.calls() != 1 || len(ecrFake.requests) != 0 {
				t.Fatalf("%d STS calls (want 1, no retry of a refused token) and %d ECR calls (want 0)", stsFake.calls(), len(ecrFake.requests))
			}
		})
	}
}

// ECR refusing the role (its permission policy) names the role and ECR's code.
func TestLoginNamesTheRoleECRRefuses(t *testing.T) {
	ecrFake, _, req := startRole(t, stsAnswer{lifetime: time.Hour})
	ecrFake.status = http.StatusBadRequest
	ecrFake.body = `{"__type":"AccessDeniedException","message":"User: arn:aws:sts::123456789012:assumed-role/taskboard-release/taskboard-pipeline is not authorized to perform: ecr:GetAuthorizationToken"}`
	_, err := Login(context.Background(), req)
	if err == nil {
		t.Fatal("accepted")
	}
	for _, want := range []string{"GetAuthorizationToken as role " + roleARN, "AccessDeniedException"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q does not mention %q", err, want)
		}
	}
	assertNoSecrets(t, err.Error())
}

// Credentials that come within the expiry window of their end are renewed before the next ECR
// call; credentials well within their lifetime are reused.
func TestSessionRenewsTheRoleCredentialsNearExpiry(t *testing.T) {
	for name, tc := range map[string]struct {
		lifetime time.Duration
		stsCalls int
		keys     []string
	}{
		"near expiry": {2 * time.Minute, 3, []string{tempAccessKey(2), tempAccessKey(3)}},
		"fresh":       {time.Hour, 1, []string{tempAccessKey(1), tempAccessKey(1)}},
	} {
		t.Run(name, func(t *testing.T) {
			ecrFake, stsFake, req := startRole(t, stsAnswer{lifetime: tc.lifetime})
			req.ExpiryWindow = 5 * time.Minute
			ctx := context.Background()
			session, err := NewSession(ctx, req)
			if err != nil {
				t.Fatal(err)
			}
			for range 2 {
				if _, err := session.Login(ctx); err != nil {
					t.Fatal(err)
				}
			}
			if stsFake.calls() != tc.stsCalls {
				t.Fatalf("%d STS calls, want %d", stsFake.calls(), tc.stsCalls)
			}
			for i, key := range tc.keys {
				if auth := ecrFake.requests[i].Header.Get("Authorization"); !strings.Contains(auth, "Credential="+key+"/") {
					t.Fatalf("ECR call %d signed with %q, want key %s", i+1, auth, key)
				}
			}
		})
	}
}

// A long run whose web identity token has expired by the time the credentials need renewing
// stops with STS's reason, not with a generic ECR failure.
func TestSessionReportsAnExpiredTokenAtRenewal(t *testing.T) {
	ecrFake, _, req := startRole(t,
		stsAnswer{lifetime: time.Minute},
		stsAnswer{code: "ExpiredTokenException", message: "Token expired: current date/time 1765000600 must be before the expiration date/time 1765000000"})
	ctx := context.Background()
	session, err := NewSession(ctx, req)
	if err != nil {
		t.Fatal(err)
	}
	_, err = session.Login(ctx)
	if err == nil {
		t.Fatal("logged in with credentials that could not be renewed")
	}
	for _, want := range []string{roleARN, "ExpiredTokenException", "Token expired", FlagSessionDuration} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q does not mention %q", err, want)
		}
	}
	assertNoSecrets(t, err.Error())
	if len(ecrFake.requests) != 0 {
		t.Fatal("ECR was called with expired credentials")
	}
}

func TestGivenAcceptsExactlyOneWay(t *testing.T) {
	for name, tc := range map[string]struct {
		given Given
		want  []string // empty: accepted
	}{
		"role":                       {Given{RoleARN: true, WebIdentityToken: true}, nil},
		"role with duration":         {Given{RoleARN: true, WebIdentityToken: true, SessionDuration: true}, nil},
		"keys":                       {Given{AccessKeyID: true, SecretAccessKey: true}, nil},
		"temporary keys":             {Given{AccessKeyID: true, SecretAccessKey: true, SessionToken: true}, nil},
		"neither":                    {Given{}, []string{"no AWS credentials", FlagRoleARN, FlagWebIdentityToken, FlagAccessKeyID, FlagSecretAccessKey}},
		"both":                       {Given{RoleARN: true, WebIdentityToken: true, AccessKeyID: true, SecretAccessKey: true}, []string{"not both", FlagRoleARN, FlagAccessKeyID}},
		"a role and a session token": {Given{RoleARN: true, WebIdentityToken: true, SessionToken: true}, []string{"not both", FlagSessionToken}},
		"role without token":         {Given{RoleARN: true}, []string{FlagWebIdentityToken + " missing"}},
		"token without role":         {Given{WebIdentityToken: true}, []string{FlagRoleARN + " missing"}},
		"duration alone":             {Given{SessionDuration: true}, []string{FlagRoleARN + " and " + FlagWebIdentityToken + " missing"}},
		"key without secret":         {Given{AccessKeyID: true}, []string{FlagSecretAccessKey + " missing"}},
		"session token alone":        {Given{SessionToken: true}, []string{FlagAccessKeyID + " and " + FlagSecretAccessKey + " missing"}},
	} {
		t.Run(name, func(t *testing.T) {
			err := tc.given.Check()
			if len(tc.want) == 0 {
				if err != nil {
					t.Fatal(err)
				}
				return
			}
			if err == nil {
				t.Fatal("accepted")
			}
			for _, want := range tc.want {
				if !strings.Contains(err.Error(), want) {
					t.Errorf("error %q does not mention %q", err, want)
				}
			}
		})
	}
}

func TestRoleRequestIsValidatedBeforeCallingAWS(t *testing.T) {
	for name, tc := range map[string]struct {
		mutate func(*Request)
		want   string
	}{
		"not a role ARN":        {func(r *Request) { r.RoleARN = "arn:aws:iam::123456789012:user/ci" }, "not an IAM role ARN"},
		"undefined variable":    {func(r *Request) { r.WebIdentityToken = "$(AWS_WEB_IDENTITY_TOKEN)" }, "never set"},
		"empty token":           {func(r *Request) { r.WebIdentityToken = "" }, FlagWebIdentityToken + " missing"},
		"keys as well":          {func(r *Request) { r.AccessKeyID, r.SecretAccessKey = accessKey, secretKey }, "not both"},
		"session too short":     {func(r *Request) { r.SessionDuration = time.Minute }, FlagSessionDuration},
		"session over 12 hours": {func(r *Request) { r.SessionDuration = 13 * time.Hour }, FlagSessionDuration},
	} {
		t.Run(name, func(t *testing.T) {
			ecrFake, stsFake, req := startRole(t, stsAnswer{lifetime: time.Hour})
			tc.mutate(&req)
			_, err := Login(context.Background(), req)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("error %v, want one mentioning %q", err, tc.want)
			}
			assertNoSecrets(t, err.Error())
			if stsFake.calls() != 0 || len(ecrFake.requests) != 0 {
				t.Fatal("called AWS with an invalid request")
			}
		})
	}
}

func TestParseSessionDuration(t *testing.T) {
	for in, want := range map[string]time.Duration{"": 0, "15m": 15 * time.Minute, "2h": 2 * time.Hour, "12h": 12 * time.Hour} {
		if got, err := ParseSessionDuration(in); err != nil || got != want {
			t.Errorf("%q: %v, %v; want %v", in, got, err, want)
		}
	}
	for _, in := range []string{"7200", "10m", "13h", "soon"} {
		if _, err := ParseSessionDuration(in); err == nil || !strings.Contains(err.Error(), FlagSessionDuration) {
			t.Errorf("%q: %v, want an error naming %s", in, err, FlagSessionDuration)
		}
	}
}

func TestIdentityTokenPrintsNoToken(t *testing.T) {
	tok := identityToken{webIdentityToken}
	for _, s := range []string{fmt.Sprint(tok), fmt.Sprintf("%v %+v %s", tok, tok, tok)} {
		assertNoSecrets(t, s)
	}
}
