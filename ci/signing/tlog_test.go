package signing

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"encoding/base64"
	"encoding/pem"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"strings"
	"testing"

	ociremote "github.com/sigstore/cosign/v2/pkg/oci/remote"
	rekorclient "github.com/sigstore/rekor/pkg/client"
	"github.com/sigstore/rekor/pkg/generated/client/tlog"
)

// The release's signer with a real private Rekor (rekor-server on Trillian on PostgreSQL): what
// it records, what it attaches, how it is verified, and how it fails when the log does.
func TestTransparencyLog(t *testing.T) {
	ctx := context.Background()
	host, reg := testRegistry(t)
	log := startLog(t)
	signer, kp := newSigner(t)
	inLog := InTransparencyLog(log.PublicKeyPEM)

	// Without the option nothing goes to the log, and the log's check refuses the signature.
	quiet := pushRandomImage(t, host, reg, "taskboard/backend")
	if _, err := signer.SignImage(ctx, quiet, reg, nil); err != nil {
		t.Fatal(err)
	}
	if n := treeSize(t, log.URL); n != 0 {
		t.Fatalf("the log holds %d entries without being asked", n)
	}
	if _, err := VerifyImage(ctx, quiet, reg, kp.PublicKeyPEM, inLog); err == nil {
		t.Fatal("a signature outside the log verified as in it")
	}

	logged, err := signer.WithTransparencyLog(ctx, log.URL)
	if err != nil {
		t.Fatal(err)
	}
	if string(logged.TransparencyLogKey()) != string(log.PublicKeyPEM) {
		t.Fatal("the signer did not read the log's key")
	}
	ref := pushRandomImage(t, host, reg, "taskboard/backend")
	if _, err := logged.SignImage(ctx, ref, reg, nil); err != nil {
		t.Fatal(err)
	}
	if err := logged.AttestImage(ctx, ref, reg, SPDXJSON, syftSBOM(t, "spdx")); err != nil {
		t.Fatal(err)
	}
	if n := treeSize(t, log.URL); n != 2 {
		t.Fatalf("the log holds %d entries, want the signature and the attestation", n)
	}
	// The .sig layer carries the log's bundle, for our signature and key.
	sigs, err := ociremote.Signatures(mustSigTag(t, ref, reg), reg.remoteOptions(ctx)...)
	if err != nil {
		t.Fatal(err)
	}
	list, _ := sigs.Get()
	bundle, err := list[0].Bundle()
	if len(list) != 1 || err != nil || bundle == nil {
		t.Fatalf("no Rekor bundle on the signature: %d signatures, %v", len(list), err)
	}
	body, _ := base64.StdEncoding.DecodeString(bundle.Payload.Body.(string))
	b64sig, _ := list[0].Base64Signature()
	if !strings.Contains(string(body), b64sig) || !strings.Contains(string(body), base64.StdEncoding.EncodeToString(kp.PublicKeyPEM)) {
		t.Fatalf("the logged entry is not our signature and key: %s", body)
	}
	if _, err := VerifyImage(ctx, ref, reg, kp.PublicKeyPEM, inLog); err != nil {
		t.Fatal(err)
	}
	if _, err := VerifyAttestations(ctx, ref, reg, kp.PublicKeyPEM, SPDXJSON, inLog); err != nil {
		t.Fatal(err)
	}
	// Another log's key does not vouch for these entries.
	if _, err := VerifyImage(ctx, ref, reg, kp.PublicKeyPEM, InTransparencyLog(otherLogKey(t))); err == nil {
		t.Fatal("verified with another log's key")
	}

	// A log that refuses the entry stops the signing, and no signature is attached.
	refusing := refusingProxy(t, log.URL)
	strict, err := signer.WithTransparencyLog(ctx, refusing)
	if err != nil {
		t.Fatal(err)
	}
	refused := pushRandomImage(t, host, reg, "taskboard/backend")
	if _, err := strict.SignImage(ctx, refused, reg, nil); err == nil || !strings.Contains(err.Error(), "refused the signature") {
		t.Fatalf("signing through a refusing log: %v", err)
	}
	if sigs, err := ociremote.Signatures(mustSigTag(t, refused, reg), reg.remoteOptions(ctx)...); err == nil {
		if list, _ := sigs.Get(); len(list) > 0 {
			t.Fatal("a signature the log refused was attached")
		}
	}
	if err := strict.AttestImage(ctx, refused, reg, SPDXJSON, syftSBOM(t, "spdx")); err == nil || !strings.Contains(err.Error(), "refused the attestation") {
		t.Fatalf("attesting through a refusing log: %v", err)
	}

	// A log whose entries do not verify with the key it names is refused before anything is
	// attached: here a proxy names another key.
	lying := logProxy(t, log.URL, func(w http.ResponseWriter, r *http.Request) bool {
		if r.URL.Path != "/api/v1/log/publicKey" {
			return false
		}
		w.Header().Set("Content-Type", "application/x-pem-file")
		_, _ = w.Write(otherLogKey(t))
		return true
	})
	misled, err := signer.WithTransparencyLog(ctx, lying)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := misled.SignImage(ctx, refused, reg, nil); err == nil || !strings.Contains(err.Error(), "does not verify with its key") {
		t.Fatalf("signing through a log whose entries do not verify: %v", err)
	}
	if sigs, err := ociremote.Signatures(mustSigTag(t, refused, reg), reg.remoteOptions(ctx)...); err == nil {
		if list, _ := sigs.Get(); len(list) > 0 {
			t.Fatal("a signature whose log entry does not verify was attached")
		}
	}

	// A log that is down: refused when it is named, and when it goes down midway.
	log.Stop()
	if _, err := signer.WithTransparencyLog(ctx, log.URL); err == nil || !strings.Contains(err.Error(), "cannot be reached") {
		t.Fatalf("a log that is down was accepted: %v", err)
	}
	if _, err := logged.SignImage(ctx, pushRandomImage(t, host, reg, "taskboard/backend"), reg, nil); err == nil {
		t.Fatal("signed while the log was down")
	}

	for _, bad := range []string{"", "ftp://rekor", "not a url"} {
		if _, err := signer.WithTransparencyLog(ctx, bad); err == nil || !strings.Contains(err.Error(), "is not a Rekor URL") {
			t.Errorf("Rekor URL %q: %v", bad, err)
		}
	}
}

func treeSize(t *testing.T, logURL string) int64 {
	t.Helper()
	client, err := rekorclient.GetRekorClient(logURL)
	if err != nil {
		t.Fatal(err)
	}
	info, err := client.Tlog.GetLogInfo(tlog.NewGetLogInfoParamsWithContext(context.Background()))
	if err != nil {
		t.Fatal(err)
	}
	return *info.Payload.TreeSize
}

func otherLogKey(t *testing.T) []byte {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	der, _ := x509.MarshalPKIXPublicKey(key.Public())
	return pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: der})
}

// refusingProxy is the log, except that it refuses every new entry as Rekor refuses one.
func refusingProxy(t *testing.T, logURL string) string {
	t.Helper()
	return logProxy(t, logURL, func(w http.ResponseWriter, r *http.Request) bool {
		if r.Method != http.MethodPost {
			return false
		}
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusBadRequest)
		_, _ = w.Write([]byte(`{"code":400,"message":"error processing entry: entry refused by this test"}`))
		return true
	})
}

// logProxy serves the log through answer, which answers a request itself or returns false to
// pass it on.
func logProxy(t *testing.T, logURL string, answer func(http.ResponseWriter, *http.Request) bool) string {
	t.Helper()
	target, err := url.Parse(logURL)
	if err != nil {
		t.Fatal(err)
	}
	proxy := httputil.NewSingleHostReverseProxy(target)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !answer(w, r) {
			proxy.ServeHTTP(w, r)
		}
	}))
	t.Cleanup(srv.Close)
	return srv.URL
}
