package admission

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"encoding/base64"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// newKey is a fresh public key as cosign.pub spells it.
func newKey(t *testing.T) string {
	t.Helper()
	k, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	der, err := x509.MarshalPKIXPublicKey(&k.PublicKey)
	if err != nil {
		t.Fatal(err)
	}
	return PEM(der)
}

// repoFiles reads the repository's own values files, as the release does.
func repoFiles(t *testing.T, paths ...string) []File {
	t.Helper()
	var files []File
	for _, p := range paths {
		data, err := os.ReadFile(filepath.Join("../..", p))
		if err != nil {
			t.Fatal(err)
		}
		files = append(files, File{Path: p, Data: data})
	}
	return files
}

func policyFiles(t *testing.T, override string) []File {
	return append(repoFiles(t, "helm/policies/values.yaml", "helm/policies/values-production.yaml"),
		File{Path: "fork/policies-values.yaml", Data: []byte(override)})
}

func appFiles(t *testing.T, override string) []File {
	return append(repoFiles(t, "helm/app/values.yaml", "helm/app/values-production.yaml"),
		File{Path: "fork/app-values.yaml", Data: []byte(override)})
}

const forkRegistry = "210987654321.dkr.ecr.us-east-2.amazonaws.com"

// productionLog is the transparency log helm/policies/values-production.yaml requires.
const productionLog = "https://rekor.sigstore.dev"

var forkPushes = map[string]string{
	"frontend": forkRegistry + "/taskboard-frontend",
	"backend":  forkRegistry + "/taskboard-backend",
}

func forkPolicy(keys ...string) string {
	s := "verifyImageSignatures:\n  imageReferences: [" + forkRegistry + "/taskboard-frontend*, " + forkRegistry + "/taskboard-backend*]\n  publicKeys:\n"
	for _, k := range keys {
		s += "    - |\n      " + strings.ReplaceAll(strings.TrimSpace(k), "\n", "\n      ") + "\n"
	}
	return s
}

const forkApp = "frontend: {image: {repository: " + forkRegistry + "/taskboard-frontend}}\nbackend: {image: {repository: " + forkRegistry + "/taskboard-backend}}\n"

// Each way a fork can leave its values half done is refused before any push, naming the value
// to set; a fork that set them all passes, with either key of a rotation.
func TestCheck(t *testing.T) {
	key, old, stranger := newKey(t), newKey(t), newKey(t)
	cases := []struct {
		name         string
		policy, app  string
		key          string
		ephemeral    bool
		rekorURL     string   // "" = the production log, "none" = no log
		wantMentions []string // empty: the check passes
		wantAbsent   []string
	}{
		{name: "a fork with every value set", policy: forkPolicy(key), app: forkApp, key: key},
		{name: "during a rotation, the new key", policy: forkPolicy(old, key), app: forkApp, key: key},
		{name: "during a rotation, the old key", policy: forkPolicy(old, key), app: forkApp, key: old},
		{name: "the repository's placeholder key", policy: "verifyImageSignatures: {imageReferences: [" + forkRegistry + "/taskboard-*]}", app: forkApp, key: key,
			wantMentions: []string{"verifyImageSignatures.publicKeys", "not one of the 1 key(s)", strings.Split(key, "\n")[1]}},
		{name: "a key the cluster does not trust", policy: forkPolicy(key), app: forkApp, key: stranger,
			wantMentions: []string{"verifyImageSignatures.publicKeys", "fork/policies-values.yaml"}},
		{name: "an ephemeral key to a real registry", policy: forkPolicy(key), app: forkApp, key: stranger, ephemeral: true,
			wantMentions: []string{"ephemeral key", "with-cosign-key"}},
		{name: "images moved, the policy forgotten", policy: "verifyImageSignatures: {publicKeys: [" + quoteYAML(key) + "]}", app: forkApp, key: key,
			wantMentions: []string{"verifyImageSignatures.imageReferences", forkRegistry + "/taskboard-frontend*", forkRegistry + "/taskboard-backend*"},
			wantAbsent:   []string{"image.repository"}},
		{name: "the policy moved, the chart forgotten", policy: forkPolicy(key), app: "", key: key,
			wantMentions: []string{"frontend.image.repository", "backend.image.repository", "123456789012.dkr.ecr.eu-west-1.amazonaws.com/taskboard-frontend"}},
		{name: "the signature policy turned off", policy: forkPolicy(key) + "  enabled: false\n", app: forkApp, key: key,
			wantMentions: []string{"verifyImageSignatures.enabled is not true"}},
		{name: "no key at all", policy: "verifyImageSignatures: {publicKeys: [], imageReferences: [" + forkRegistry + "/taskboard-*]}", app: forkApp, key: key,
			wantMentions: []string{"verifyImageSignatures.publicKeys is empty"}},
		{name: "a key that is not one", policy: "verifyImageSignatures: {publicKeys: [abc], imageReferences: [" + forkRegistry + "/taskboard-*]}", app: forkApp, key: key,
			wantMentions: []string{"verifyImageSignatures.publicKeys[0]"}},
		{name: "the release records in no log", policy: forkPolicy(key), app: forkApp, key: key, rekorURL: "none",
			wantMentions: []string{"verifyImageSignatures.transparencyLog", "records in none", "--rekor-url https://rekor.sigstore.dev"}},
		{name: "the release records in another log", policy: forkPolicy(key), app: forkApp, key: key, rekorURL: "https://rekor.example.com",
			wantMentions: []string{"requires entries in the log https://rekor.sigstore.dev", "records in https://rekor.example.com"}},
		{name: "the same log, spelled with a slash", policy: forkPolicy(key), app: forkApp, key: key, rekorURL: "https://rekor.sigstore.dev/"},
		{name: "a private log in both", policy: forkPolicy(key) + "  transparencyLog: {url: https://rekor.example.com}\n", app: forkApp, key: key, rekorURL: "https://rekor.example.com"},
		{name: "a policy that ignores logs, a release that records", policy: forkPolicy(key) + "  transparencyLog: {enabled: false}\n", app: forkApp, key: key},
		{name: "no log when the policy ignores logs", policy: forkPolicy(key) + "  transparencyLog: {enabled: false}\n", app: forkApp, key: key, rekorURL: "none"},
		{name: "a log enabled without its URL", policy: forkPolicy(key) + "  transparencyLog: {url: \"\"}\n", app: forkApp, key: key,
			wantMentions: []string{"verifyImageSignatures.transparencyLog.url is empty"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			rekorURL := tc.rekorURL
			switch rekorURL {
			case "":
				rekorURL = productionLog
			case "none":
				rekorURL = ""
			}
			err := Check(Release{PublicKey: tc.key, Ephemeral: tc.ephemeral, RekorURL: rekorURL, Pushes: forkPushes,
				PolicyValues: policyFiles(t, tc.policy), AppValues: appFiles(t, tc.app)})
			if len(tc.wantMentions) == 0 {
				if err != nil {
					t.Fatalf("refused: %v", err)
				}
				return
			}
			if err == nil {
				t.Fatal("passed")
			}
			for _, m := range tc.wantMentions {
				if !strings.Contains(err.Error(), m) {
					t.Errorf("the error does not name %q:\n%v", m, err)
				}
			}
			for _, m := range tc.wantAbsent {
				if strings.Contains(err.Error(), m) {
					t.Errorf("the error names %q, which is right:\n%v", m, err)
				}
			}
		})
	}
}

func quoteYAML(pem string) string {
	return `"` + strings.ReplaceAll(strings.TrimSpace(pem), "\n", `\n`) + `"`
}

// The repository as committed is a template: its placeholder key refuses every release until a
// fork puts its own there.
func TestTheRepositoryRefusesEveryKeyUntilForked(t *testing.T) {
	err := Check(Release{PublicKey: newKey(t), RekorURL: productionLog, Pushes: map[string]string{
		"frontend": "123456789012.dkr.ecr.eu-west-1.amazonaws.com/taskboard-frontend",
		"backend":  "123456789012.dkr.ecr.eu-west-1.amazonaws.com/taskboard-backend",
	}, PolicyValues: policyFiles(t, ""), AppValues: appFiles(t, "")})
	if err == nil || !strings.Contains(err.Error(), "verifyImageSignatures.publicKeys") || strings.Contains(err.Error(), "image.repository") || strings.Contains(err.Error(), "imageReferences") {
		t.Fatalf("want only the key refused, got %v", err)
	}
}

// Every spelling of one key a person or a variable store keeps reads as the same key.
func TestPublicKeySpellings(t *testing.T) {
	pemText := newKey(t)
	want, err := PublicKey(pemText)
	if err != nil {
		t.Fatal(err)
	}
	body := strings.Join(strings.Split(strings.TrimSpace(pemText), "\n")[1:len(strings.Split(strings.TrimSpace(pemText), "\n"))-1], "")
	for name, text := range map[string]string{
		"PEM with CRLF":         strings.ReplaceAll(pemText, "\n", "\r\n"),
		"PEM on one line":       strings.ReplaceAll(strings.TrimSpace(pemText), "\n", " "),
		"base64 of the PEM":     base64.StdEncoding.EncodeToString([]byte(pemText)),
		"base64 of the DER":     body,
		"base64 wrapped at 64":  wrap(base64.StdEncoding.EncodeToString([]byte(pemText)), 64),
		"indented with a blank": "\n   " + pemText + "\n\n",
	} {
		got, err := PublicKey(text)
		if err != nil {
			t.Errorf("%s: %v", name, err)
			continue
		}
		if string(got) != string(want) {
			t.Errorf("%s: another key", name)
		}
	}
	for name, text := range map[string]string{
		"empty":           " ",
		"not base64":      "not a key!",
		"a private block": "-----BEGIN EC PRIVATE KEY-----\nMHcCAQEE\n-----END EC PRIVATE KEY-----",
		"base64 of junk":  base64.StdEncoding.EncodeToString([]byte("junk")),
	} {
		if _, err := PublicKey(text); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
}

func wrap(s string, n int) string {
	var b strings.Builder
	for len(s) > n {
		b.WriteString(s[:n] + "\n")
		s = s[n:]
	}
	return b.String() + s
}

// Covers reads the references as the registry policy does: a prefix, then "*".
func TestCovers(t *testing.T) {
	p := Policy{ImageReferences: []string{"r.example.com/team/taskboard-backend*", "r.example.com/a?b*"}}
	for repo, want := range map[string]bool{
		"r.example.com/team/taskboard-backend":  true,
		"r.example.com/team/taskboard-frontend": false,
		"r.example.com/team":                    false,
		"r.example.com/axb":                     false,
	} {
		if got := p.Covers(repo); got != want {
			t.Errorf("Covers(%s) = %v, want %v", repo, got, want)
		}
	}
}
