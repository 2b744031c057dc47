// Package parallel runs independent calls to the engine at the same time: the engine does the
// work, the module only waits.
package parallel

import "sync"

// Map calls fn on every item, at most limit at a time (0: all at once), and returns the results
// in the items' order. The error is the first item's, in order, that failed.
func Map[T, R any](items []T, limit int, fn func(T) (R, error)) ([]R, error) {
	if limit <= 0 {
		limit = max(len(items), 1)
	}
	out := make([]R, len(items))
	errs := make([]error, len(items))
	sem := make(chan struct{}, limit)
	var wg sync.WaitGroup
	for i, item := range items {
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer wg.Done()
			defer func() { <-sem }()
			out[i], errs[i] = fn(item)
		}()
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			return nil, err
		}
	}
	return out, nil
}
