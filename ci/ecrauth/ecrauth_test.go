package ecrauth

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"
)

const (
	account      = "123456789012"
	region       = "eu-west-1"
	accessKey    = "AKIAEXAMPLEKEY000001"
	secretKey    = "s3cr3t/Access+Key/ThatMustNeverLeak0000"
	sessionToken = "session-token-that-must-never-leak"
	password     = "ecr-password-that-must-never-leak"
)

var now = time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)

// fakeECR speaks the part of the ECR API's awsJson1_1 protocol that Login uses and records
// what it was sent.
type fakeECR struct {
	mu       sync.Mutex
	requests []*http.Request
	status   int
	body     string
}

func (f *fakeECR) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	f.mu.Lock()
	f.requests = append(f.requests, r)
	f.mu.Unlock()
	if r.Method != http.MethodPost || r.URL.Path != "/" ||
		r.Header.Get("X-Amz-Target") != "AmazonEC2ContainerRegistry_V20150921.GetAuthorizationToken" ||
		r.Header.Get("Content-Type") != "application/x-amz-json-1.1" {
		w.WriteHeader(http.StatusBadRequest)
		fmt.Fprintf(w, `{"__type":"UnknownOperationException","message":"unexpected request %s %s"}`, r.Method, r.Header.Get("X-Amz-Target"))
		return
	}
	var in map[string]any
	if err := json.Unmarshal(body, &in); err != nil || len(in) != 0 {
		w.WriteHeader(http.StatusBadRequest)
		fmt.Fprintf(w, `{"__type":"SerializationException","message":"body %q"}`, body)
		return
	}
	w.Header().Set("Content-Type", "application/x-amz-json-1.1")
	w.WriteHeader(f.status)
	io.WriteString(w, f.body)
}

func tokenResponse(token string, expires time.Time, endpoint string) string {
	return fmt.Sprintf(`{"authorizationData":[{"authorizationToken":%q,"expiresAt":%d,"proxyEndpoint":%q}]}`,
		token, expires.Unix(), endpoint)
}

func goodToken() string { return base64.StdEncoding.EncodeToString([]byte("AWS:" + password)) }

func start(t *testing.T, status int, body string) (*fakeECR, Request) {
	t.Helper()
	fake := &fakeECR{status: status, body: body}
	srv := httptest.NewServer(fake)
	t.Cleanup(srv.Close)
	return fake, Request{
		AccountID: account, Region: region,
		AccessKeyID: accessKey, SecretAccessKey: secretKey, SessionToken: sessionToken,
		Endpoint: srv.URL, MaxAttempts: 1, Now: func() time.Time { return now },
	}
}

func TestLoginDecodesTheToken(t *testing.T) {
	expires := now.Add(12 * time.Hour)
	fake, req := start(t, http.StatusOK, tokenResponse(goodToken(), expires, "https://"+Registry(account, region)))

	creds, err := Login(context.Background(), req)
	if err != nil {
		t.Fatal(err)
	}
	if creds.Registry != "123456789012.dkr.ecr.eu-west-1.amazonaws.com" || creds.Username != "AWS" ||
		creds.Password != password || !creds.ExpiresAt.Equal(expires) {
		t.Fatalf("unexpected credentials: %+v", creds)
	}
	if strings.Contains(creds.String(), password) || strings.Contains(fmt.Sprint(creds), password) {
		t.Fatal("printing the credentials shows the password")
	}

	if len(fake.requests) != 1 {
		t.Fatalf("%d requests, want 1", len(fake.requests))
	}
	r := fake.requests[0]
	// The request is SigV4-signed with the given key for ECR in the given region.
	auth := r.Header.Get("Authorization")
	wantScope := regexp.MustCompile(`^AWS4-HMAC-SHA256 Credential=` + accessKey + `/[0-9]{8}/` + region + `/ecr/aws4_request, `)
	if !wantScope.MatchString(auth) {
		t.Fatalf("request not signed for ECR: %q", auth)
	}
	if strings.Contains(auth, secretKey) {
		t.Fatal("the secret key was sent in the Authorization header")
	}
	if got := r.Header.Get("X-Amz-Security-Token"); got != sessionToken {
		t.Fatalf("session token header %q", got)
	}
}

func TestLoginWithoutProxyEndpointUsesTheAccountRegistry(t *testing.T) {
	_, req := start(t, http.StatusOK, fmt.Sprintf(`{"authorizationData":[{"authorizationToken":%q,"expiresAt":%d}]}`, goodToken(), now.Add(time.Hour).Unix()))
	creds, err := Login(context.Background(), req)
	if err != nil {
		t.Fatal(err)
	}
	if creds.Registry != Registry(account, region) {
		t.Fatalf("registry %q", creds.Registry)
	}
}

func TestLoginRefusesBadTokens(t *testing.T) {
	later := now.Add(time.Hour)
	endpoint := "https://" + Registry(account, region)
	cases := map[string]struct {
		status  int
		body    string
		wantErr string
	}{
		"expired token":            {200, tokenResponse(goodToken(), now.Add(-time.Minute), endpoint), "expired"},
		"not base64":               {200, tokenResponse("%%%"+password, later, endpoint), "not valid base64"},
		"no colon":                 {200, tokenResponse(base64.StdEncoding.EncodeToString([]byte(password)), later, endpoint), "user:password"},
		"empty password":           {200, tokenResponse(base64.StdEncoding.EncodeToString([]byte("AWS:")), later, endpoint), "user:password"},
		"no authorization data":    {200, `{"authorizationData":[]}`, "no authorization data"},
		"other account's registry": {200, tokenResponse(goodToken(), later, "https://999999999999.dkr.ecr.eu-west-1.amazonaws.com"), "not for"},
		"rejected credentials":     {400, `{"__type":"UnrecognizedClientException","message":"The security token included in the request is invalid."}`, "UnrecognizedClientException"},
		"access denied":            {400, `{"__type":"AccessDeniedException","message":"not authorized to perform: ecr:GetAuthorizationToken"}`, "AccessDenied"},
		"malformed JSON":           {200, `{"authorizationData":[{"authorizationToken":`, "GetAuthorizationToken"},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			_, req := start(t, tc.status, tc.body)
			creds, err := Login(context.Background(), req)
			if err == nil {
				t.Fatalf("accepted: %v", creds)
			}
			if !strings.Contains(err.Error(), tc.wantErr) {
				t.Fatalf("error %q does not mention %q", err, tc.wantErr)
			}
			for _, secret := range []string{secretKey, sessionToken, password} {
				if strings.Contains(err.Error(), secret) {
					t.Fatalf("error leaks a secret: %v", err)
				}
			}
		})
	}
}

func TestLoginValidatesTheRequestBeforeCallingAWS(t *testing.T) {
	for name, mutate := range map[string]func(*Request){
		"short account": func(r *Request) { r.AccountID = "1234" },
		"bad region":    func(r *Request) { r.Region = "Europe" },
		"no secret key": func(r *Request) { r.SecretAccessKey = "" },
		"no access key": func(r *Request) { r.AccessKeyID = "" },
	} {
		t.Run(name, func(t *testing.T) {
			fake, req := start(t, http.StatusOK, tokenResponse(goodToken(), now.Add(time.Hour), ""))
			mutate(&req)
			if _, err := Login(context.Background(), req); err == nil {
				t.Fatal("accepted")
			}
			if len(fake.requests) != 0 {
				t.Fatal("called AWS with an invalid request")
			}
		})
	}
}
