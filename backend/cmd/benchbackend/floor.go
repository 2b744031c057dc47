package main

import (
	"context"
	"net"
	"net/http"
	"os"
	"time"

	"github.com/devsecops-reference/taskboard/backend/internal/loadreport"
)

// floorTask is what the floor server answers for every id: a task as the
// backend encodes one, so both send responses of the same size.
const floorTask = `{"id":1,"title":"seeded task 1","done":false,"createdAt":"2026-12-01T10:00:00.123456Z","updatedAt":"2026-12-01T10:00:00.123456Z"}`

var (
	floorTaskBody = []byte(floorTask + "\n")
	floorPageBody = []byte(`{"items":[` + floorTask + `],"nextCursor":null}` + "\n")
)

// measureFloor drives a bare net/http server, in this process, that answers
// every get by id with floorTask: no middleware, no database. The load
// generator, its concurrency and the cores it shares are the same as for the
// backend, so its p99 is what HTTP and the sharing of the cores alone cost on
// this machine: no server that does work can beat it. The CPU is this
// process's own, idle but for this server meanwhile.
func measureFloor(ctx context.Context, o options) (loadreport.Result, cpuSplit, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return loadreport.Result{}, cpuSplit{}, err
	}
	srv := &http.Server{Handler: floorHandler(), ReadHeaderTimeout: 5 * time.Second}
	served := make(chan error, 1)
	go func() { served <- srv.Serve(ln) }()
	defer func() { _ = srv.Close(); <-served }()

	return measureLoad(ctx, o, "http://"+ln.Addr().String(), "get", os.Getpid(), noPostgres)
}

// floorHandler serves what loadgen asks of it: one listing page (the ids to
// get) and the task by id.
func floorHandler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /api/tasks", func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write(floorPageBody)
	})
	mux.HandleFunc("GET /api/tasks/{id}", func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write(floorTaskBody)
	})
	return mux
}
