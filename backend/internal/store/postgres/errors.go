package postgres

import (
	"context"
	"errors"
	"fmt"
	"net"
	"strings"

	"github.com/jackc/pgx/v5/pgconn"

	"github.com/devsecops-reference/taskboard/backend/internal/task"
)

// classify wraps errors that mean "the database is not reachable" in
// task.ErrUnavailable so the API answers 503 instead of 500.
func classify(err error) error {
	if err == nil || errors.Is(err, task.ErrNotFound) {
		return err
	}
	if unavailable(err) {
		return fmt.Errorf("%w: %w", task.ErrUnavailable, err)
	}
	return err
}

func unavailable(err error) bool {
	var pgErr *pgconn.PgError
	if errors.As(err, &pgErr) {
		// Class 08: connection exception; 57P01-57P03: shutdown / cannot connect now.
		return strings.HasPrefix(pgErr.Code, "08") ||
			pgErr.Code == "57P01" || pgErr.Code == "57P02" || pgErr.Code == "57P03"
	}
	var connectErr *pgconn.ConnectError
	var netErr net.Error
	return errors.As(err, &connectErr) ||
		errors.As(err, &netErr) ||
		errors.Is(err, context.DeadlineExceeded) ||
		pgconn.SafeToRetry(err) ||
		pgconn.Timeout(err) ||
		isClosedConn(err)
}

// isClosedConn catches the errors pgx returns for a connection the server dropped.
func isClosedConn(err error) bool {
	msg := err.Error()
	return strings.Contains(msg, "conn closed") ||
		strings.Contains(msg, "unexpected EOF") ||
		strings.Contains(msg, "connection reset by peer") ||
		strings.Contains(msg, "broken pipe") ||
		strings.Contains(msg, "closed pool")
}
