// Package smoketest checks a running Taskboard stack the way a user first meets it: the backend
// becomes ready on its database, and the frontend serves the page and proxies the task API to
// the backend. The Dagger glue starts the images as services; this package only talks HTTP.
package smoketest

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"
)

// Stack is where the two services answer, as base URLs ("http://host:port").
type Stack struct {
	Backend, Frontend string
	// Client is the HTTP client; nil means one with a 10 s timeout.
	Client *http.Client
	// ReadyWithin bounds the wait for /readyz (migrations run in the background); 0 means 60 s.
	ReadyWithin time.Duration
}

// Check runs the checks in order and returns one line per check that passed; the error names
// the first that failed and what the stack answered.
func (s Stack) Check(ctx context.Context) ([]string, error) {
	if s.Client == nil {
		s.Client = &http.Client{Timeout: 10 * time.Second}
	}
	var done []string
	pass := func(line string) { done = append(done, line) }

	if err := s.waitReady(ctx); err != nil {
		return done, err
	}
	pass("backend /readyz 200 (database migrated)")

	title := fmt.Sprintf("smoke test %d", time.Now().UnixNano())
	var created struct {
		ID    int64  `json:"id"`
		Title string `json:"title"`
	}
	if err := s.do(ctx, http.MethodPost, s.Frontend+"/api/tasks", `{"title":"`+title+`"}`, http.StatusCreated, &created); err != nil {
		return done, fmt.Errorf("create a task through the frontend: %w", err)
	}
	if created.ID == 0 || created.Title != title {
		return done, fmt.Errorf("create a task through the frontend: got %+v", created)
	}
	pass(fmt.Sprintf("POST /api/tasks through nginx: 201, task %d", created.ID))

	var got struct {
		Title string `json:"title"`
	}
	if err := s.do(ctx, http.MethodGet, fmt.Sprintf("%s/api/tasks/%d", s.Backend, created.ID), "", http.StatusOK, &got); err != nil {
		return done, fmt.Errorf("read the task from the backend: %w", err)
	}
	if got.Title != title {
		return done, fmt.Errorf("the backend has %q, want %q", got.Title, title)
	}
	pass("GET /api/tasks/{id} on the backend: the same task")

	var page struct {
		Items []json.RawMessage `json:"items"`
	}
	if err := s.do(ctx, http.MethodGet, s.Frontend+"/api/tasks?limit=5", "", http.StatusOK, &page); err != nil {
		return done, fmt.Errorf("list tasks through the frontend: %w", err)
	}
	if len(page.Items) == 0 {
		return done, fmt.Errorf("list tasks through the frontend: empty page")
	}
	pass("GET /api/tasks through nginx: 200")

	body, err := s.get(ctx, s.Frontend+"/", http.StatusOK)
	if err != nil {
		return done, fmt.Errorf("the page: %w", err)
	}
	if !strings.Contains(body, `id="root"`) || !strings.Contains(body, "/assets/") {
		return done, fmt.Errorf("the page is not the built app:\n%.300s", body)
	}
	pass("GET / on nginx: the built page")
	return done, nil
}

// waitReady polls /readyz until it answers 200 or the bound runs out.
func (s Stack) waitReady(ctx context.Context) error {
	within := s.ReadyWithin
	if within == 0 {
		within = 60 * time.Second
	}
	deadline := time.Now().Add(within)
	var last string
	for {
		_, err := s.get(ctx, s.Backend+"/readyz", http.StatusOK)
		if err == nil {
			return nil
		}
		last = err.Error()
		if time.Now().After(deadline) {
			return fmt.Errorf("backend not ready within %s: %s", within, last)
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(500 * time.Millisecond):
		}
	}
}

func (s Stack) get(ctx context.Context, url string, want int) (string, error) {
	var body string
	err := s.do(ctx, http.MethodGet, url, "", want, &body)
	return body, err
}

// do sends one request and decodes a JSON answer into out (or keeps the text, for *string).
func (s Stack) do(ctx context.Context, method, url, body string, want int, out any) error {
	req, err := http.NewRequestWithContext(ctx, method, url, bytes.NewBufferString(body))
	if err != nil {
		return err
	}
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := s.Client.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	if err != nil {
		return err
	}
	if resp.StatusCode != want {
		return fmt.Errorf("%s %s: %s, want %d: %.300s", method, url, resp.Status, want, data)
	}
	if text, ok := out.(*string); ok {
		*text = string(data)
		return nil
	}
	if err := json.Unmarshal(data, out); err != nil {
		return fmt.Errorf("%s %s: %w", method, url, err)
	}
	return nil
}
