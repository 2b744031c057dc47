package postgres_test

import (
	"testing"

	"github.com/jackc/pgx/v5"

	"github.com/devsecops-reference/taskboard/backend/internal/store/postgres"
)

// TestConfigureKeepsWhatTheConnectionStringSays: the store's session settings
// are defaults; an operator's DATABASE_URL overrides them either way.
func TestConfigureKeepsWhatTheConnectionStringSays(t *testing.T) {
	for url, want := range map[string]string{
		"postgres://db/app":                                          "force_generic_plan",
		"postgres://db/app?plan_cache_mode=auto":                     "auto",
		"postgres://db/app?options=-c%20plan_cache_mode%3Dauto":      "",
		"postgres://db/app?options=-c%20statement_timeout%3D5s":      "force_generic_plan",
		"postgres://db/app?application_name=taskboard&search_path=x": "force_generic_plan",
	} {
		cfg, err := pgx.ParseConfig(url)
		if err != nil {
			t.Fatal(err)
		}
		postgres.Configure(cfg)
		if got := cfg.RuntimeParams["plan_cache_mode"]; got != want {
			t.Errorf("%s: plan_cache_mode %q, want %q (options %q)", url, got, want, cfg.RuntimeParams["options"])
		}
	}
}
