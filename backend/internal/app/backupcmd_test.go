package app

import (
	"context"
	"errors"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
)

// The backup and restore Jobs wait for a database their pod cannot reach yet (a network policy
// that admits the new pod a moment later), and give up at once when the server itself refuses.
func TestRetryConnect(t *testing.T) {
	refused := errors.New("dial tcp 10.96.0.5:5432: connect: " + syscall.ECONNREFUSED.Error())
	tries := 0
	_, err := retryConnect(context.Background(), time.Second, time.Millisecond, func(context.Context) (*pgx.Conn, error) {
		if tries++; tries < 3 {
			return nil, refused
		}
		return nil, nil
	})
	if err != nil || tries != 3 {
		t.Errorf("refused twice, then reachable: %d tries, error %v", tries, err)
	}

	tries = 0
	_, err = retryConnect(context.Background(), time.Second, time.Millisecond, func(context.Context) (*pgx.Conn, error) {
		tries++
		return nil, &pgconn.PgError{Code: "28P01", Message: "password authentication failed"}
	})
	if tries != 1 || err == nil {
		t.Errorf("a password refused by the server: %d tries (want 1), error %v", tries, err)
	}

	tries = 0
	start := time.Now()
	_, err = retryConnect(context.Background(), 200*time.Millisecond, 10*time.Millisecond, func(context.Context) (*pgx.Conn, error) {
		tries++
		return nil, refused
	})
	if err == nil || !errors.Is(err, refused) || !strings.Contains(err.Error(), "tries in 200ms") || time.Since(start) > 2*time.Second || tries < 2 {
		t.Errorf("never reachable: %d tries in %s, error %v", tries, time.Since(start), err)
	}
}
