// Package app is the server process: configuration, logging, the database
// pool, background migrations, the HTTP server and its graceful shutdown.
package app

import (
	"context"
	"fmt"
	"io"

	"github.com/devsecops-reference/taskboard/backend/internal/buildinfo"
)

// UsageError is a mistake in the command line or environment (exit code 2).
type UsageError struct{ Err error }

func (e *UsageError) Error() string { return e.Err.Error() }
func (e *UsageError) Unwrap() error { return e.Err }

func usage(err error) error { return &UsageError{Err: err} }

// Run is the whole program; main only supplies the process's real
// context (cancelled on SIGTERM/SIGINT), arguments, environment and output.
func Run(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	sub := ""
	if len(args) > 1 {
		sub = args[1]
	}
	switch sub {
	case "", "serve":
		return serve(ctx, getenv, stdout)
	case "healthcheck":
		return healthcheck(ctx, getenv)
	case "backup":
		return runBackup(ctx, args[2:], getenv, stdout)
	case "restore":
		return runRestore(ctx, args[2:], getenv, stdout)
	case "version":
		info := buildinfo.Get()
		_, err := fmt.Fprintf(stdout, "version=%s commit=%s buildTime=%s\n", info.Version, info.Commit, info.BuildTime)
		return err
	}
	return usage(fmt.Errorf("unknown command %q (want serve, healthcheck, backup, restore or version)", sub))
}
