package parallel

import (
	"errors"
	"fmt"
	"sync/atomic"
	"testing"
)

func TestMapKeepsOrderAndBoundsConcurrency(t *testing.T) {
	var running, most atomic.Int32
	items := []int{1, 2, 3, 4, 5, 6, 7, 8}
	got, err := Map(items, 3, func(n int) (string, error) {
		now := running.Add(1)
		for {
			m := most.Load()
			if now <= m || most.CompareAndSwap(m, now) {
				break
			}
		}
		defer running.Add(-1)
		return fmt.Sprint(n * n), nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if fmt.Sprint(got) != "[1 4 9 16 25 36 49 64]" {
		t.Fatalf("results out of order: %v", got)
	}
	if most.Load() > 3 {
		t.Fatalf("%d calls at once, limit 3", most.Load())
	}
}

func TestMapReturnsTheFirstFailureInOrder(t *testing.T) {
	_, err := Map([]int{1, 2, 3}, 0, func(n int) (int, error) {
		if n >= 2 {
			return 0, fmt.Errorf("item %d", n)
		}
		return n, nil
	})
	if err == nil || err.Error() != "item 2" {
		t.Fatalf("error %v, want item 2's", err)
	}
	if _, err := Map([]int{}, 0, func(int) (int, error) { return 0, errors.New("never") }); err != nil {
		t.Fatal(err)
	}
}
