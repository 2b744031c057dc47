package app

import (
	"context"
	"fmt"
	"net/http"
	"strconv"
	"time"

	"github.com/devsecops-reference/taskboard/backend/internal/config"
)

// healthcheck is `server healthcheck`: the distroless image has no shell or
// curl, so docker-compose probes the binary itself. It needs only PORT.
func healthcheck(ctx context.Context, getenv func(string) string) error {
	port, err := config.ParsePort(getenv)
	if err != nil {
		return usage(err)
	}
	ctx, cancel := context.WithTimeout(ctx, 3*time.Second)
	defer cancel()
	url := "http://127.0.0.1:" + strconv.Itoa(port) + "/healthz"
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return err
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return fmt.Errorf("healthcheck: %w", err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("healthcheck: %s answered %s", url, resp.Status)
	}
	return nil
}
