package app

import (
	"testing"

	"github.com/devsecops-reference/taskboard/backend/internal/config"
	"github.com/devsecops-reference/taskboard/backend/internal/store/postgres"
)

// TestOpenPoolConnectsAsTheStoreExpects: the pool's sessions carry the store's
// settings, and a connection attempt is bounded. Nothing connects here.
func TestOpenPoolConnectsAsTheStoreExpects(t *testing.T) {
	pool, err := openPool(config.Config{DatabaseURL: "postgres://app:secret@127.0.0.1:1/app?connect_timeout=30"})
	if err != nil {
		t.Fatal(err)
	}
	defer pool.Close()
	cfg := pool.Config().ConnConfig
	for name, value := range postgres.SessionSettings {
		if got := cfg.RuntimeParams[name]; got != value {
			t.Errorf("session setting %s = %q, want %q", name, got, value)
		}
	}
	if cfg.ConnectTimeout != dbConnectTimeout {
		t.Errorf("connect timeout %v, want it capped at %v", cfg.ConnectTimeout, dbConnectTimeout)
	}
}
