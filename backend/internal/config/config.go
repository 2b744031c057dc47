// Package config reads the server settings from the environment.
package config

import (
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
)

// DefaultPort is the port the API listens on when PORT is unset.
const DefaultPort = 5000

// Config is everything the server needs to start.
type Config struct {
	// ListenHost is the interface to bind; empty means every interface (what a container needs).
	ListenHost string
	Port       int
	LogLevel   slog.Level
	// DatabaseURL holds the password: never log it, log DatabaseTarget instead.
	DatabaseURL string
	// DatabaseTarget describes the database without credentials, for logs.
	DatabaseTarget string
	// ShutdownDrain is how long the server keeps serving after SIGTERM, reporting not ready, before
	// it stops accepting: the time a load balancer or a Service takes to stop sending it traffic.
	ShutdownDrain time.Duration
}

// Addr is the address the HTTP server listens on.
func (c Config) Addr() string {
	return net.JoinHostPort(c.ListenHost, strconv.Itoa(c.Port))
}

// Load reads the configuration through getenv. The error names every
// missing or invalid variable and never contains a password.
func Load(getenv func(string) string) (Config, error) {
	var problems []string
	cfg := Config{ListenHost: strings.TrimSpace(getenv("LISTEN_HOST"))}

	port, err := ParsePort(getenv)
	if err != nil {
		problems = append(problems, err.Error())
	}
	cfg.Port = port

	level, err := parseLogLevel(getenv("LOG_LEVEL"))
	if err != nil {
		problems = append(problems, err.Error())
	}
	cfg.LogLevel = level

	drain, err := parseDrain(getenv("SHUTDOWN_DRAIN"))
	if err != nil {
		problems = append(problems, err.Error())
	}
	cfg.ShutdownDrain = drain

	dsn, dbProblems := databaseURL(getenv)
	problems = append(problems, dbProblems...)
	if len(dbProblems) == 0 {
		target, err := describe(dsn)
		if err != nil {
			problems = append(problems, err.Error())
		}
		cfg.DatabaseURL, cfg.DatabaseTarget = dsn, target
	}

	if len(problems) > 0 {
		msg := "invalid configuration: " + strings.Join(problems, "; ")
		return Config{}, errors.New(redact(msg, getenv))
	}
	return cfg, nil
}

// ParsePort reads PORT alone; the healthcheck subcommand needs nothing else.
func ParsePort(getenv func(string) string) (int, error) {
	raw := strings.TrimSpace(getenv("PORT"))
	if raw == "" {
		return DefaultPort, nil
	}
	port, err := strconv.Atoi(raw)
	if err != nil || port < 1 || port > 65535 {
		return 0, fmt.Errorf("PORT must be a number between 1 and 65535, got %q", raw)
	}
	return port, nil
}

// parseDrain reads SHUTDOWN_DRAIN: a Go duration from 0 (the default: stop accepting at once) to
// one minute.
func parseDrain(raw string) (time.Duration, error) {
	raw = strings.TrimSpace(raw)
	if raw == "" {
		return 0, nil
	}
	d, err := time.ParseDuration(raw)
	if err != nil || d < 0 || d > time.Minute {
		return 0, fmt.Errorf("SHUTDOWN_DRAIN=%q: want a duration from 0s to 1m, such as 5s", raw)
	}
	return d, nil
}

func parseLogLevel(raw string) (slog.Level, error) {
	switch strings.ToLower(strings.TrimSpace(raw)) {
	case "", "info":
		return slog.LevelInfo, nil
	case "debug":
		return slog.LevelDebug, nil
	case "warn", "warning":
		return slog.LevelWarn, nil
	case "error":
		return slog.LevelError, nil
	}
	return 0, fmt.Errorf("LOG_LEVEL must be one of debug, info, warn, error, got %q", raw)
}

// databaseURL prefers DATABASE_URL and otherwise assembles one from POSTGRES_*.
func databaseURL(getenv func(string) string) (string, []string) {
	if dsn := strings.TrimSpace(getenv("DATABASE_URL")); dsn != "" {
		return dsn, nil
	}
	if strings.TrimSpace(getenv("POSTGRES_HOST")) == "" {
		return "", []string{"DATABASE_URL or POSTGRES_HOST must be set"}
	}
	var problems []string
	require := func(name string) string {
		v := getenv(name)
		if strings.TrimSpace(v) == "" {
			problems = append(problems, name+" must be set (with POSTGRES_HOST)")
		}
		return v
	}
	host := strings.TrimSpace(getenv("POSTGRES_HOST"))
	user := strings.TrimSpace(require("POSTGRES_USER"))
	password := require("POSTGRES_PASSWORD")
	db := strings.TrimSpace(require("POSTGRES_DB"))
	port := strings.TrimSpace(getenv("POSTGRES_PORT"))
	if port == "" {
		port = "5432"
	} else if n, err := strconv.Atoi(port); err != nil || n < 1 || n > 65535 {
		problems = append(problems, fmt.Sprintf("POSTGRES_PORT must be a number between 1 and 65535, got %q", port))
	}
	if len(problems) > 0 {
		return "", problems
	}
	u := url.URL{
		Scheme: "postgres",
		User:   url.UserPassword(user, password),
		Host:   net.JoinHostPort(host, port),
		Path:   "/" + db,
	}
	q := url.Values{}
	if mode := strings.TrimSpace(getenv("POSTGRES_SSLMODE")); mode != "" {
		q.Set("sslmode", mode)
	}
	// The CA bundle that verify-full checks the server against (RDS's, for one).
	if ca := strings.TrimSpace(getenv("POSTGRES_SSLROOTCERT")); ca != "" {
		q.Set("sslrootcert", ca)
	}
	u.RawQuery = q.Encode()
	return u.String(), nil
}

// describe validates the connection string and returns a password-free summary.
func describe(dsn string) (string, error) {
	pc, err := pgxpool.ParseConfig(dsn)
	if err != nil {
		// pgx already masks the password; redact() in Load is the second guard.
		return "", fmt.Errorf("DATABASE_URL is not a valid PostgreSQL connection string: %v", err)
	}
	cc := pc.ConnConfig
	return fmt.Sprintf("host=%s port=%d user=%s database=%s", cc.Host, cc.Port, cc.User, cc.Database), nil
}

// redact removes every password the environment could hold from msg.
func redact(msg string, getenv func(string) string) string {
	secrets := []string{getenv("POSTGRES_PASSWORD")}
	if u, err := url.Parse(strings.TrimSpace(getenv("DATABASE_URL"))); err == nil && u.User != nil {
		if pw, ok := u.User.Password(); ok {
			secrets = append(secrets, pw, url.QueryEscape(pw), url.PathEscape(pw))
		}
	}
	if pc, err := pgxpool.ParseConfig(strings.TrimSpace(getenv("DATABASE_URL"))); err == nil {
		secrets = append(secrets, pc.ConnConfig.Password)
	}
	for _, s := range secrets {
		if len(s) >= 1 {
			msg = strings.ReplaceAll(msg, s, "xxxxx")
		}
	}
	return msg
}
