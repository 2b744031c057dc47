package config

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"log/slog"
	"math/big"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func env(m map[string]string) func(string) string {
	return func(k string) string { return m[k] }
}

func TestLoadDefaultsWithDatabaseURL(t *testing.T) {
	cfg, err := Load(env(map[string]string{"DATABASE_URL": "postgres://app:s3cret@db:5432/tasks"}))
	if err != nil {
		t.Fatal(err)
	}
	if cfg.Port != 5000 || cfg.LogLevel != slog.LevelInfo || cfg.Addr() != ":5000" || cfg.ShutdownDrain != 0 {
		t.Fatalf("defaults: %+v", cfg)
	}
	cfg, err = Load(env(map[string]string{"DATABASE_URL": "postgres://app:s3cret@db:5432/tasks", "SHUTDOWN_DRAIN": "5s"}))
	if err != nil || cfg.ShutdownDrain != 5*time.Second {
		t.Fatalf("SHUTDOWN_DRAIN=5s: %v %v", cfg.ShutdownDrain, err)
	}
	if cfg.DatabaseTarget != "host=db port=5432 user=app database=tasks" {
		t.Fatalf("target %q", cfg.DatabaseTarget)
	}
	if strings.Contains(cfg.DatabaseTarget, "s3cret") {
		t.Fatal("password in target")
	}
}

func TestLoadFromPostgresVariables(t *testing.T) {
	cfg, err := Load(env(map[string]string{
		"POSTGRES_HOST": "db", "POSTGRES_PORT": "6543", "POSTGRES_USER": "app",
		"POSTGRES_PASSWORD": "p@ss/w:rd", "POSTGRES_DB": "tasks",
		"PORT": "8080", "LOG_LEVEL": "DEBUG", "LISTEN_HOST": "127.0.0.1",
	}))
	if err != nil {
		t.Fatal(err)
	}
	if cfg.Port != 8080 || cfg.LogLevel != slog.LevelDebug || cfg.Addr() != "127.0.0.1:8080" {
		t.Fatalf("cfg %+v", cfg)
	}
	if cfg.DatabaseTarget != "host=db port=6543 user=app database=tasks" {
		t.Fatalf("target %q", cfg.DatabaseTarget)
	}
}

// An external database (RDS): verify-full against a mounted CA bundle, no DATABASE_URL.
func TestLoadPassesTLSSettingsOfPostgresVariables(t *testing.T) {
	ca := writeCA(t) // pgx reads the bundle when it parses the URL: a missing one is a configuration error
	cfg, err := Load(env(map[string]string{
		"POSTGRES_HOST": "db.example.rds.amazonaws.com", "POSTGRES_USER": "app", "POSTGRES_PASSWORD": "pw",
		"POSTGRES_DB": "tasks", "POSTGRES_SSLMODE": "verify-full", "POSTGRES_SSLROOTCERT": ca,
	}))
	if err != nil {
		t.Fatal(err)
	}
	want := "postgres://app:pw@db.example.rds.amazonaws.com:5432/tasks?" + url.Values{"sslmode": {"verify-full"}, "sslrootcert": {ca}}.Encode()
	if cfg.DatabaseURL != want {
		t.Errorf("DatabaseURL = %q, want %q", cfg.DatabaseURL, want)
	}
}

// writeCA writes a self-signed CA certificate (PEM) and returns its path.
func writeCA(t *testing.T) string {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "test CA"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour), IsCA: true, BasicConstraintsValid: true}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	p := filepath.Join(t.TempDir(), "ca.pem")
	if err := os.WriteFile(p, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestLoadErrorsNameTheVariableAndHideThePassword(t *testing.T) {
	cases := []struct {
		name  string
		env   map[string]string
		wants []string
	}{
		{"nothing set", map[string]string{}, []string{"DATABASE_URL or POSTGRES_HOST"}},
		{"bad port", map[string]string{"DATABASE_URL": "postgres://a:hunter2@h/d", "PORT": "http"}, []string{"PORT"}},
		{"port out of range", map[string]string{"DATABASE_URL": "postgres://a:hunter2@h/d", "PORT": "70000"}, []string{"PORT"}},
		{"bad level", map[string]string{"DATABASE_URL": "postgres://a:hunter2@h/d", "LOG_LEVEL": "loud"}, []string{"LOG_LEVEL"}},
		{"bad drain", map[string]string{"DATABASE_URL": "postgres://a:hunter2@h/d", "SHUTDOWN_DRAIN": "5"}, []string{"SHUTDOWN_DRAIN"}},
		{"drain too long", map[string]string{"DATABASE_URL": "postgres://a:hunter2@h/d", "SHUTDOWN_DRAIN": "2m"}, []string{"SHUTDOWN_DRAIN"}},
		{"negative drain", map[string]string{"DATABASE_URL": "postgres://a:hunter2@h/d", "SHUTDOWN_DRAIN": "-1s"}, []string{"SHUTDOWN_DRAIN"}},
		{"bad url", map[string]string{"DATABASE_URL": "postgres://a:hunter2@h:notaport/d"}, []string{"DATABASE_URL"}},
		{"missing parts", map[string]string{"POSTGRES_HOST": "h", "POSTGRES_PASSWORD": "hunter2"},
			[]string{"POSTGRES_USER", "POSTGRES_DB"}},
		{"missing password", map[string]string{"POSTGRES_HOST": "h", "POSTGRES_USER": "u", "POSTGRES_DB": "d"},
			[]string{"POSTGRES_PASSWORD"}},
		{"bad postgres port", map[string]string{"POSTGRES_HOST": "h", "POSTGRES_USER": "u", "POSTGRES_DB": "d",
			"POSTGRES_PASSWORD": "hunter2", "POSTGRES_PORT": "x"}, []string{"POSTGRES_PORT"}},
		{"several at once", map[string]string{"PORT": "0", "LOG_LEVEL": "x"}, []string{"PORT", "LOG_LEVEL", "DATABASE_URL"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Load(env(tc.env))
			if err == nil {
				t.Fatal("want an error")
			}
			for _, want := range tc.wants {
				if !strings.Contains(err.Error(), want) {
					t.Errorf("error %q does not name %s", err, want)
				}
			}
			if strings.Contains(err.Error(), "hunter2") {
				t.Errorf("error leaks the password: %q", err)
			}
		})
	}
}

func TestParsePortAlone(t *testing.T) {
	if p, err := ParsePort(env(nil)); err != nil || p != 5000 {
		t.Fatalf("default port %d, %v", p, err)
	}
	if _, err := ParsePort(env(map[string]string{"PORT": "-1"})); err == nil {
		t.Fatal("negative port accepted")
	}
}
