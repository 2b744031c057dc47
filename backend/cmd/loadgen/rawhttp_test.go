package main

import (
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
)

// TestRawClientAgainstNetHTTP drives a real net/http server: sized bodies are
// read whole (the next request on the connection still works), 204 has none,
// a POST body arrives intact, Connection: close redials, chunked bodies are
// read to their end.
func TestRawClientAgainstNetHTTP(t *testing.T) {
	var gotBody, gotType string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/sized": // larger than net/http's buffer: sized only when the handler says so, as the API does
			w.Header().Set("Content-Length", "40000")
			w.Write([]byte(strings.Repeat("x", 40000)))
		case "/empty":
			w.WriteHeader(http.StatusNoContent)
		case "/post":
			b, _ := io.ReadAll(r.Body)
			gotBody, gotType = string(b), r.Header.Get("Content-Type")
			w.WriteHeader(http.StatusCreated)
		case "/close":
			w.Header().Set("Connection", "close")
			w.Write([]byte("bye"))
		case "/chunked":
			w.Write([]byte("a"))
			w.(http.Flusher).Flush()
			w.Write([]byte("b"))
		}
	}))
	defer srv.Close()
	c, err := newRawClient(srv.URL, 5*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	for _, step := range []struct {
		method, path, body string
		want               int
	}{
		{"GET", "/sized", "", 200}, {"GET", "/sized", "", 200}, {"GET", "/empty", "", 204},
		{"POST", "/post", `{"title":"t"}`, 201}, {"GET", "/close", "", 200}, {"GET", "/sized", "", 200},
	} {
		var body []byte
		if step.body != "" {
			body = []byte(step.body)
		}
		status, err := c.do(step.method, step.path, body)
		if err != nil || status != step.want {
			t.Fatalf("%s %s: %d, %v; want %d", step.method, step.path, status, err, step.want)
		}
	}
	if gotBody != `{"title":"t"}` || gotType != "application/json" {
		t.Fatalf("POST arrived as %q with Content-Type %q", gotBody, gotType)
	}
	for range 2 { // the second proves the first chunked body was read to its end
		if status, err := c.do("GET", "/chunked", nil); err != nil || status != 200 {
			t.Fatalf("chunked response: %d, %v", status, err)
		}
	}
	c.conn.Close() // a dead connection: the request fails, the next one redials
	if _, err := c.do("GET", "/empty", nil); err == nil {
		t.Fatal("a request on a closed connection succeeded")
	}
	if status, err := c.do("GET", "/empty", nil); err != nil || status != 204 {
		t.Fatalf("after an error the client must redial: %d, %v", status, err)
	}
}
