package main

import (
	"testing"
	"time"
)

func TestCheckBoundsAllowsOnlyLoopback(t *testing.T) {
	ok := options{concurrency: 32, duration: time.Second, ops: operations}
	for _, base := range []string{"http://127.0.0.1:5000", "http://localhost:80", "http://[::1]:5000"} {
		o := ok
		o.base = base
		if err := checkBounds(o); err != nil {
			t.Errorf("%s refused: %v", base, err)
		}
	}
	for _, base := range []string{"http://example.com", "http://10.0.0.1:5000", "https://127.0.0.1", "127.0.0.1:5000"} {
		o := ok
		o.base = base
		if err := checkBounds(o); err == nil {
			t.Errorf("%s accepted", base)
		}
	}
	o := ok
	o.base, o.duration = "http://127.0.0.1:5000", time.Hour
	if checkBounds(o) == nil {
		t.Error("an hour-long run was accepted")
	}
}

func TestPercentileNearestRank(t *testing.T) {
	var lat []time.Duration
	for i := 1; i <= 100; i++ {
		lat = append(lat, time.Duration(i)*time.Millisecond)
	}
	if got := percentile(lat, 0.50); got != 50*time.Millisecond {
		t.Errorf("p50 = %v", got)
	}
	if got := percentile(lat, 0.99); got != 99*time.Millisecond {
		t.Errorf("p99 = %v", got)
	}
	if got := percentile(nil, 0.99); got != 0 {
		t.Errorf("p99 of nothing = %v", got)
	}
}

func TestCheckBoundsRefusesUnknownOperations(t *testing.T) {
	o := options{base: "http://127.0.0.1:5000", concurrency: 1, duration: time.Second, ops: []string{"list", "drop"}}
	if checkBounds(o) == nil {
		t.Error("an unknown operation was accepted")
	}
}
