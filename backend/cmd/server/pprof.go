//go:build pprof

package main

// Built only with -tags pprof (make bench-backend-profile), never in the
// image: PPROF_ADDR serves net/http/pprof there, so the benchmark can profile
// the real server under load.

import (
	"fmt"
	"net/http"
	_ "net/http/pprof"
	"os"
)

func init() {
	if addr := os.Getenv("PPROF_ADDR"); addr != "" {
		go func() { fmt.Fprintln(os.Stderr, "pprof:", http.ListenAndServe(addr, nil)) }()
	}
}
