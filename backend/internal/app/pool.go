package app

import (
	"context"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/devsecops-reference/taskboard/backend/internal/config"
	"github.com/devsecops-reference/taskboard/backend/internal/store/postgres"
)

// dbConnectTimeout caps each connection attempt, so a database that drops
// packets turns into a prompt 503 rather than a request hanging on connect.
const dbConnectTimeout = 2 * time.Second

// openPool builds the pool without connecting: the server starts (and
// answers /healthz, and /readyz with 503) even when the database is away.
func openPool(cfg config.Config) (*pgxpool.Pool, error) {
	poolCfg, err := pgxpool.ParseConfig(cfg.DatabaseURL)
	if err != nil { // already validated by config.Load; no password in pgx's message
		return nil, usage(fmt.Errorf("DATABASE_URL: %w", err))
	}
	if poolCfg.ConnConfig.ConnectTimeout == 0 || poolCfg.ConnConfig.ConnectTimeout > dbConnectTimeout {
		poolCfg.ConnConfig.ConnectTimeout = dbConnectTimeout
	}
	postgres.Configure(poolCfg.ConnConfig)
	pool, err := pgxpool.NewWithConfig(context.Background(), poolCfg)
	if err != nil {
		return nil, fmt.Errorf("create database pool: %w", err)
	}
	return pool, nil
}
