package cosignkeys

import (
	"context"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/google/go-containerregistry/pkg/name"
	"github.com/google/go-containerregistry/pkg/registry"
	"github.com/google/go-containerregistry/pkg/v1/random"
	"github.com/google/go-containerregistry/pkg/v1/remote"

	"dagger/pipeline/signing"
)

// pushed is a random image in an in-process registry, by digest.
func pushed(t *testing.T) (string, signing.Registry) {
	t.Helper()
	srv := httptest.NewServer(registry.New())
	t.Cleanup(srv.Close)
	host := strings.TrimPrefix(srv.URL, "http://")
	img, err := random.Image(512, 2)
	if err != nil {
		t.Fatal(err)
	}
	tag, err := name.NewTag(host + "/app:abc1234")
	if err != nil {
		t.Fatal(err)
	}
	if err := remote.Write(tag, img); err != nil {
		t.Fatal(err)
	}
	d, _ := img.Digest()
	return host + "/app@" + d.String(), signing.Registry{Insecure: true}
}

func TestAnEphemeralPairSignsAttestsAndReloads(t *testing.T) {
	ctx := context.Background()
	ref, reg := pushed(t)
	keys, err := Ephemeral()
	if err != nil {
		t.Fatal(err)
	}
	if !keys.Ephemeral || len(keys.Password) == 0 || !strings.Contains(string(keys.PrivateKeyPEM), "ENCRYPTED") {
		t.Fatalf("the ephemeral pair hands on no encrypted key: ephemeral=%v", keys.Ephemeral)
	}
	if _, err := keys.SignAndVerify(ctx, ref, reg, map[string]string{"git-sha": "abc1234"}); err != nil {
		t.Fatal(err)
	}
	// The next call of a chain loads the same pair from what this one handed on.
	again, err := Reload(keys.PrivateKeyPEM, keys.Password)
	if err != nil {
		t.Fatal(err)
	}
	if string(again.PublicKeyPEM) != string(keys.PublicKeyPEM) || !again.Ephemeral || again.SecretName() != keys.SecretName() {
		t.Fatal("the reloaded pair is not the ephemeral pair, or no longer hands itself on")
	}
	if given, _ := Load(string(keys.PrivateKeyPEM), keys.Password); given.Ephemeral {
		t.Fatal("a loaded key claims to be ephemeral")
	}
	if err := again.AttestAndVerify(ctx, ref, reg, signing.SPDXJSON, []byte(`{"spdxVersion":"SPDX-2.3"}`)); err != nil {
		t.Fatal(err)
	}
	if _, err := signing.VerifyImage(ctx, ref, reg, keys.PublicKeyPEM); err != nil {
		t.Fatalf("the first call's signature no longer verifies: %v", err)
	}
}

func TestLoadRefusesAWrongPassword(t *testing.T) {
	keys, err := Ephemeral()
	if err != nil {
		t.Fatal(err)
	}
	if _, err := Load(string(keys.PrivateKeyPEM), []byte("not the password")); err == nil {
		t.Fatal("a wrong password loaded the key")
	}
}

func TestATransparencyLogNeedsAURL(t *testing.T) {
	keys, err := Ephemeral()
	if err != nil {
		t.Fatal(err)
	}
	if err := keys.WithTransparencyLog(context.Background(), ""); err != nil {
		t.Fatalf("no log asked for, yet: %v", err)
	}
	if err := keys.WithTransparencyLog(context.Background(), "::not a url"); err == nil {
		t.Fatal("a malformed Rekor URL was accepted")
	}
}
