package signing

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"

	ociremote "github.com/sigstore/cosign/v2/pkg/oci/remote"
)

// fakeRekor accepts log entries the way Rekor's API does (POST /api/v1/log/entries, 201 with the
// entry keyed by its UUID) and records them. It signs nothing: verification in this package
// ignores the log, which is what the cluster policy does too unless configured otherwise.
type fakeRekor struct {
	mu      sync.Mutex
	entries []map[string]any
}

func (f *fakeRekor) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodPost || r.URL.Path != "/api/v1/log/entries" {
		http.Error(w, `{"code":404,"message":"not found"}`, http.StatusNotFound)
		return
	}
	body, _ := io.ReadAll(r.Body)
	var entry map[string]any
	if err := json.Unmarshal(body, &entry); err != nil {
		http.Error(w, `{"code":400,"message":"bad entry"}`, http.StatusBadRequest)
		return
	}
	f.mu.Lock()
	f.entries = append(f.entries, entry)
	index := len(f.entries)
	f.mu.Unlock()
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(http.StatusCreated)
	fmt.Fprintf(w, `{"24296fb24b8ad77a%048d":{"body":%q,"integratedTime":1767225600,"logID":"c0d23d6ad406973f9559f3ba2d1ca01f84147d8ffc5b8445c224f98b9591801d","logIndex":%d,"verification":{"signedEntryTimestamp":%q}}}`,
		index, base64.StdEncoding.EncodeToString(body), index, base64.StdEncoding.EncodeToString([]byte("fake SET")))
}

func TestTransparencyLogOnlyWhenAsked(t *testing.T) {
	ctx := context.Background()
	host, reg := testRegistry(t)
	rekor := &fakeRekor{}
	rekorSrv := httptest.NewServer(rekor)
	t.Cleanup(rekorSrv.Close)
	signer, kp := newSigner(t)

	// Default: nothing goes to the log.
	quiet := pushRandomImage(t, host, reg, "taskboard/backend")
	if _, err := signer.SignImage(ctx, quiet, reg, nil); err != nil {
		t.Fatal(err)
	}
	if len(rekor.entries) != 0 {
		t.Fatal("uploaded to the transparency log without being asked")
	}

	logged, err := signer.WithTransparencyLog(rekorSrv.URL)
	if err != nil {
		t.Fatal(err)
	}
	ref := pushRandomImage(t, host, reg, "taskboard/backend")
	if _, err := logged.SignImage(ctx, ref, reg, nil); err != nil {
		t.Fatal(err)
	}
	if err := logged.AttestImage(ctx, ref, reg, SPDXJSON, syftSBOM(t, "spdx")); err != nil {
		t.Fatal(err)
	}
	if len(rekor.entries) != 2 || rekor.entries[0]["kind"] != "hashedrekord" || rekor.entries[1]["kind"] != "dsse" {
		t.Fatalf("log entries: %v", rekor.entries)
	}

	// The hashedrekord entry holds our signature and public key, and the .sig layer carries
	// the log's bundle.
	sigs, err := ociremote.Signatures(mustSigTag(t, ref, reg), reg.remoteOptions(ctx)...)
	if err != nil {
		t.Fatal(err)
	}
	list, _ := sigs.Get()
	if len(list) != 1 {
		t.Fatalf("%d signatures", len(list))
	}
	b64sig, _ := list[0].Base64Signature()
	spec := rekor.entries[0]["spec"].(map[string]any)["signature"].(map[string]any)
	if spec["content"] != b64sig {
		t.Fatal("the logged signature is not the stored one")
	}
	pub := spec["publicKey"].(map[string]any)["content"]
	if pub != base64.StdEncoding.EncodeToString(kp.PublicKeyPEM) {
		t.Fatal("the logged public key is not the signer's")
	}
	bundle, err := list[0].Bundle()
	if err != nil || bundle == nil || bundle.Payload.LogIndex != 1 {
		t.Fatalf("no Rekor bundle on the signature: %+v %v", bundle, err)
	}
	if _, err := VerifyImage(ctx, ref, reg, kp.PublicKeyPEM); err != nil {
		t.Fatal(err)
	}

	for _, bad := range []string{"", "ftp://rekor", "not a url"} {
		if _, err := signer.WithTransparencyLog(bad); err == nil {
			t.Errorf("accepted Rekor URL %q", bad)
		}
	}
}
