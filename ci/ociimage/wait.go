package ociimage

import (
	"context"
	"fmt"
	"net/http"
	"time"
)

// WaitForRegistry waits until the registry at endpoint (host:port, plain HTTP) answers its API,
// for about ten seconds, and says plainly what to do when it does not.
func WaitForRegistry(ctx context.Context, endpoint string) error {
	client := &http.Client{Timeout: 5 * time.Second}
	var lastErr error
	for attempt := 0; attempt < 10; attempt++ {
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, "http://"+endpoint+"/v2/", nil)
		if err != nil {
			return err
		}
		resp, err := client.Do(req)
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return nil
			}
			err = fmt.Errorf("GET /v2/: %s", resp.Status)
		}
		lastErr = err
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(time.Second):
		}
	}
	return fmt.Errorf("the module cannot reach the throwaway registry at %s (%v); release to a real registry with with-registry or with-ecr", endpoint, lastErr)
}
