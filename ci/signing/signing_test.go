package signing

import (
	"bytes"
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"net/http"
	"net/http/httptest"
	"reflect"
	"strings"
	"testing"

	"github.com/google/go-containerregistry/pkg/name"
	"github.com/google/go-containerregistry/pkg/registry"
	"github.com/google/go-containerregistry/pkg/v1/random"
	"github.com/google/go-containerregistry/pkg/v1/remote"
	"github.com/sigstore/cosign/v2/pkg/oci"
	"github.com/sigstore/cosign/v2/pkg/oci/empty"
	"github.com/sigstore/cosign/v2/pkg/oci/mutate"
	ociremote "github.com/sigstore/cosign/v2/pkg/oci/remote"
	"github.com/sigstore/cosign/v2/pkg/oci/static"
)

const (
	keyPassword      = "key-password-never-logged"
	registryUser     = "ci"
	registryPassword = "registry-password-never-logged"
)

// testRegistry is go-containerregistry's in-memory OCI registry behind basic auth, on 127.0.0.1.
func testRegistry(t *testing.T) (host string, reg Registry) {
	t.Helper()
	regHandler := registry.New(registry.Logger(nopLogger()))
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if u, p, ok := r.BasicAuth(); !ok || u != registryUser || p != registryPassword {
			w.Header().Set("WWW-Authenticate", `Basic realm="test"`)
			http.Error(w, `{"errors":[{"code":"UNAUTHORIZED","message":"authentication required"}]}`, http.StatusUnauthorized)
			return
		}
		regHandler.ServeHTTP(w, r)
	}))
	t.Cleanup(srv.Close)
	return strings.TrimPrefix(srv.URL, "http://"), Registry{Username: registryUser, Password: registryPassword}
}

// pushRandomImage pushes a fresh random image and returns its by-digest reference.
func pushRandomImage(t *testing.T, host string, reg Registry, repo string) string {
	t.Helper()
	img, err := random.Image(512, 2)
	if err != nil {
		t.Fatal(err)
	}
	tag, err := name.NewTag(host + "/" + repo + ":test")
	if err != nil {
		t.Fatal(err)
	}
	if err := remote.Write(tag, img, remote.WithAuth(basicAuth(reg))); err != nil {
		t.Fatal(err)
	}
	d, err := img.Digest()
	if err != nil {
		t.Fatal(err)
	}
	return host + "/" + repo + "@" + d.String()
}

func newSigner(t *testing.T) (*Signer, KeyPair) {
	t.Helper()
	kp, err := GenerateKeyPair([]byte(keyPassword))
	if err != nil {
		t.Fatal(err)
	}
	s, err := LoadSigner(kp.PrivateKeyPEM, []byte(keyPassword))
	if err != nil {
		t.Fatal(err)
	}
	return s, kp
}

func TestSignedImageVerifies(t *testing.T) {
	ctx := context.Background()
	host, reg := testRegistry(t)
	ref := pushRandomImage(t, host, reg, "taskboard/backend")
	signer, kp := newSigner(t)

	tag, err := signer.SignImage(ctx, ref, reg, map[string]string{"git-sha": "abc123"})
	if err != nil {
		t.Fatal(err)
	}
	// The signature sits at the tag Kyverno and cosign look for: sha256-<hex>.sig.
	d, _ := name.NewDigest(ref)
	wantTag := host + "/taskboard/backend:" + strings.Replace(d.DigestStr(), ":", "-", 1) + ".sig"
	if tag != wantTag {
		t.Fatalf("signature tag %q, want %q", tag, wantTag)
	}
	if _, err := remote.Head(mustTag(t, tag), remote.WithAuth(basicAuth(reg))); err != nil {
		t.Fatalf("no signature manifest at %s: %v", tag, err)
	}

	n, err := VerifyImage(ctx, ref, reg, kp.PublicKeyPEM)
	if err != nil {
		t.Fatal(err)
	}
	if n != 1 {
		t.Fatalf("%d verified signatures, want 1", n)
	}

	// Signing again with the same key does not add a second signature.
	if _, err := signer.SignImage(ctx, ref, reg, map[string]string{"git-sha": "abc123"}); err != nil {
		t.Fatal(err)
	}
	if n, err := VerifyImage(ctx, ref, reg, kp.PublicKeyPEM); err != nil || n != 1 {
		t.Fatalf("after re-signing: %d signatures, %v", n, err)
	}
}

func TestVerificationRejects(t *testing.T) {
	ctx := context.Background()
	host, reg := testRegistry(t)
	signer, kp := newSigner(t)
	_, otherKP := newSigner(t)

	signed := pushRandomImage(t, host, reg, "taskboard/frontend")
	if _, err := signer.SignImage(ctx, signed, reg, nil); err != nil {
		t.Fatal(err)
	}

	t.Run("wrong key", func(t *testing.T) {
		if _, err := VerifyImage(ctx, signed, reg, otherKP.PublicKeyPEM); err == nil {
			t.Fatal("verified with another key")
		}
	})

	t.Run("unsigned image", func(t *testing.T) {
		unsigned := pushRandomImage(t, host, reg, "taskboard/frontend")
		if _, err := VerifyImage(ctx, unsigned, reg, kp.PublicKeyPEM); err == nil {
			t.Fatal("verified an unsigned image")
		}
	})

	t.Run("tampered payload", func(t *testing.T) {
		victim := pushRandomImage(t, host, reg, "taskboard/tampered")
		if _, err := signer.SignImage(ctx, victim, reg, nil); err != nil {
			t.Fatal(err)
		}
		// Keep the genuine signature, change one byte of meaning in the payload it covers.
		replaceSignatures(t, victim, reg, func(sig oci.Signature) oci.Signature {
			payload, _ := sig.Payload()
			b64, _ := sig.Base64Signature()
			tampered := bytes.Replace(payload, []byte(`"type":"cosign container image signature"`), []byte(`"type":"cosign container image signature" `), 1)
			if bytes.Equal(tampered, payload) {
				t.Fatalf("payload not tampered: %s", payload)
			}
			out, err := static.NewSignature(tampered, b64)
			if err != nil {
				t.Fatal(err)
			}
			return out
		})
		if _, err := VerifyImage(ctx, victim, reg, kp.PublicKeyPEM); err == nil {
			t.Fatal("verified a tampered payload")
		}
	})

	t.Run("signature moved to another image", func(t *testing.T) {
		// A genuine signature of image A copied to image B's .sig tag: the claim names A.
		other := pushRandomImage(t, host, reg, "taskboard/frontend")
		sigs, err := ociremote.Signatures(mustSigTag(t, signed, reg), reg.remoteOptions(ctx)...)
		if err != nil {
			t.Fatal(err)
		}
		list, _ := sigs.Get()
		replaceSignatures(t, other, reg, func(oci.Signature) oci.Signature { return list[0] })
		if _, err := VerifyImage(ctx, other, reg, kp.PublicKeyPEM); err == nil {
			t.Fatal("verified a signature made for another digest")
		}
	})

	t.Run("tag instead of digest", func(t *testing.T) {
		if _, err := VerifyImage(ctx, host+"/taskboard/frontend:test", reg, kp.PublicKeyPEM); err == nil {
			t.Fatal("accepted a tag reference")
		}
	})
}

func TestPublicKeyIsAPKIXPEMOfAnECDSAP256Key(t *testing.T) {
	signer, kp := newSigner(t)
	block, rest := pem.Decode(kp.PublicKeyPEM)
	if block == nil || block.Type != "PUBLIC KEY" || len(bytes.TrimSpace(rest)) != 0 {
		t.Fatalf("not a single PUBLIC KEY PEM block:\n%s", kp.PublicKeyPEM)
	}
	pub, err := x509.ParsePKIXPublicKey(block.Bytes)
	if err != nil {
		t.Fatal(err)
	}
	ec, ok := pub.(*ecdsa.PublicKey)
	if !ok || ec.Curve != elliptic.P256() {
		t.Fatalf("key is %T", pub)
	}
	fromSigner, err := signer.PublicKeyPEM()
	if err != nil || !bytes.Equal(fromSigner, kp.PublicKeyPEM) {
		t.Fatalf("signer's public key differs from the generated one (%v)", err)
	}
	if !bytes.Contains(kp.PrivateKeyPEM, []byte("-----BEGIN ENCRYPTED SIGSTORE PRIVATE KEY-----")) {
		t.Fatal("private key is not an encrypted cosign key")
	}
}

func TestSecretsStayOutOfErrors(t *testing.T) {
	ctx := context.Background()
	_, kp := newSigner(t)

	_, err := LoadSigner(kp.PrivateKeyPEM, []byte("wrong-password"))
	if err == nil {
		t.Fatal("loaded the key with a wrong password")
	}
	if strings.Contains(err.Error(), "wrong-password") || strings.Contains(err.Error(), keyPassword) {
		t.Fatalf("error shows a password: %v", err)
	}

	// Wrong registry password: the error must not repeat either password.
	host, reg := testRegistry(t)
	ref := pushRandomImage(t, host, reg, "taskboard/backend")
	signer, _ := newSigner(t)
	bad := reg
	bad.Password = "wrong-registry-password"
	_, err = signer.SignImage(ctx, ref, bad, nil)
	if err == nil {
		t.Fatal("pushed a signature with a wrong registry password")
	}
	for _, secret := range []string{bad.Password, registryPassword, keyPassword} {
		if strings.Contains(err.Error(), secret) {
			t.Fatalf("error shows a secret: %v", err)
		}
	}
}

// replaceSignatures overwrites the image's .sig tag with the signatures fn makes from the ones
// there, to stage attacks.
func replaceSignatures(t *testing.T, ref string, reg Registry, fn func(oci.Signature) oci.Signature) {
	t.Helper()
	ctx := context.Background()
	d, err := name.NewDigest(ref)
	if err != nil {
		t.Fatal(err)
	}
	var replacement oci.Signature
	if sigs, err := ociremote.Signatures(mustSigTag(t, ref, reg), reg.remoteOptions(ctx)...); err == nil {
		list, _ := sigs.Get()
		if len(list) > 0 {
			replacement = fn(list[0])
		}
	}
	if replacement == nil {
		replacement = fn(nil)
	}
	se := ociremote.SignedUnknown(d, reg.remoteOptions(ctx)...)
	out, err := mutate.AttachSignatureToEntity(se, replacement, mutate.WithReplaceOp(replaceAll{}))
	if err != nil {
		t.Fatal(err)
	}
	if err := ociremote.WriteSignatures(d.Repository, out, reg.remoteOptions(ctx)...); err != nil {
		t.Fatal(err)
	}
}

type replaceAll struct{}

func (replaceAll) Replace(_ oci.Signatures, s oci.Signature) (oci.Signatures, error) {
	return mutate.AppendSignatures(empty.Signatures(), false, s)
}

func mustSigTag(t *testing.T, ref string, reg Registry) name.Tag {
	t.Helper()
	d, err := name.NewDigest(ref)
	if err != nil {
		t.Fatal(err)
	}
	tag, err := ociremote.SignatureTag(d, reg.remoteOptions(context.Background())...)
	if err != nil {
		t.Fatal(err)
	}
	return tag
}

func mustTag(t *testing.T, s string) name.Tag {
	t.Helper()
	tag, err := name.NewTag(s)
	if err != nil {
		t.Fatal(err)
	}
	return tag
}

func sameJSON(t *testing.T, a, b []byte) bool {
	t.Helper()
	var x, y any
	if err := json.Unmarshal(a, &x); err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(b, &y); err != nil {
		t.Fatal(err)
	}
	return reflect.DeepEqual(x, y)
}

func TestKeyFromTextAcceptsPEMAndBase64PEM(t *testing.T) {
	_, kp := newSigner(t)
	b64 := base64.StdEncoding.EncodeToString(kp.PrivateKeyPEM)
	for name, text := range map[string]string{
		"PEM":                 string(kp.PrivateKeyPEM),
		"PEM with CRLF blank": "\r\n" + string(kp.PrivateKeyPEM) + "\r\n",
		"base64":              b64,
		"base64 wrapped":      b64[:40] + "\n" + b64[40:],
	} {
		t.Run(name, func(t *testing.T) {
			key, err := KeyFromText(text)
			if err != nil {
				t.Fatal(err)
			}
			if _, err := LoadSigner(key, []byte(keyPassword)); err != nil {
				t.Fatal(err)
			}
		})
	}
	for _, bad := range []string{"", "not a key", base64.StdEncoding.EncodeToString([]byte("hello"))} {
		_, err := KeyFromText(bad)
		if err == nil {
			t.Errorf("accepted %q", bad)
		} else if bad != "" && strings.Contains(err.Error(), bad) {
			t.Errorf("error quotes the input: %v", err)
		}
	}
}
