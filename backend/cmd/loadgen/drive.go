package main

import (
	"context"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"net/http"
	"net/url"
	"strconv"
	"sync"
	"sync/atomic"
	"time"
)

// operations are every operation loadgen knows; the chosen ones (-ops) run
// round-robin in every worker, so each gets an even share of the load.
var operations = []string{"list", "get", "create"}

type opStats struct {
	latencies []time.Duration
	errors    int
}

type results struct {
	elapsed time.Duration
	ops     map[string]*opStats
	order   []string // the operations run, in -ops order
}

func (r results) failed() bool {
	for _, s := range r.ops {
		if s.errors > 0 {
			return true
		}
	}
	return false
}

// collectIDs pages through the listing once so "get" hits existing rows.
func collectIDs(ctx context.Context, client *http.Client, base string) ([]int64, error) {
	var ids []int64
	cursor := ""
	for {
		u := base + "/api/tasks?limit=200"
		if cursor != "" {
			u += "&cursor=" + url.QueryEscape(cursor)
		}
		var page struct {
			Items      []struct{ ID int64 } `json:"items"`
			NextCursor *string              `json:"nextCursor"`
		}
		if err := getJSON(ctx, client, u, &page); err != nil {
			return nil, fmt.Errorf("listing tasks: %w", err)
		}
		for _, it := range page.Items {
			ids = append(ids, it.ID)
		}
		if page.NextCursor == nil {
			return ids, nil
		}
		cursor = *page.NextCursor
	}
}

func getJSON(ctx context.Context, client *http.Client, u string, dst any) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return err
	}
	resp, err := client.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("GET %s: %s", u, resp.Status)
	}
	return json.NewDecoder(resp.Body).Decode(dst)
}

func drive(ctx context.Context, o options, ids []int64) results {
	ctx, cancel := context.WithTimeout(ctx, o.duration)
	defer cancel()
	var budget atomic.Int64
	budget.Store(int64(o.maxRequests))
	perWorker := make([]map[string]*opStats, o.concurrency)
	start := time.Now()
	var wg sync.WaitGroup
	for w := range o.concurrency {
		stats := map[string]*opStats{}
		for _, op := range o.ops {
			stats[op] = &opStats{}
		}
		perWorker[w] = stats
		wg.Go(func() {
			client, err := newRawClient(o.base, 10*time.Second)
			if err != nil {
				stats[o.ops[0]].errors++
				return
			}
			defer func() {
				if client.conn != nil {
					client.conn.Close()
				}
			}()
			rng := rand.New(rand.NewPCG(uint64(w), 42))
			for i := w; ctx.Err() == nil; i++ {
				if o.maxRequests > 0 && budget.Add(-1) < 0 {
					return
				}
				op := o.ops[i%len(o.ops)]
				began := time.Now()
				err := once(client, op, ids[rng.IntN(len(ids))], w, i)
				if ctx.Err() != nil {
					return // cut off by the deadline: neither a sample nor an error
				}
				if err != nil {
					stats[op].errors++
					continue
				}
				stats[op].latencies = append(stats[op].latencies, time.Since(began))
			}
		})
	}
	wg.Wait()
	res := results{elapsed: time.Since(start), ops: map[string]*opStats{}, order: o.ops}
	for _, op := range o.ops {
		merged := &opStats{}
		for _, stats := range perWorker {
			merged.latencies = append(merged.latencies, stats[op].latencies...)
			merged.errors += stats[op].errors
		}
		res.ops[op] = merged
	}
	return res
}

// once performs one operation and checks its status code.
func once(client *rawClient, op string, id int64, worker, i int) error {
	var status int
	var err error
	want := http.StatusOK
	switch op {
	case "list":
		status, err = client.do(http.MethodGet, "/api/tasks?limit=50", nil)
	case "get":
		status, err = client.do(http.MethodGet, "/api/tasks/"+strconv.FormatInt(id, 10), nil)
	case "create":
		want = http.StatusCreated
		status, err = client.do(http.MethodPost, "/api/tasks", fmt.Appendf(nil, `{"title":"loadgen %d-%d"}`, worker, i))
	}
	if err != nil {
		return err
	}
	if status != want {
		return fmt.Errorf("%s: status %d", op, status)
	}
	return nil
}
