package summary

import "sync"

// Task is a named unit of work whose result becomes one stage of the summary.
type Task struct {
	Name string
	Run  func() (details string, err error)
}

// RunConcurrently runs every task at once and waits for all of them, so that a failing stage
// never hides the result of another. Stages come back in task order.
func RunConcurrently(tasks []Task) []Stage {
	out := make([]Stage, len(tasks))
	var wg sync.WaitGroup
	for i, t := range tasks {
		wg.Add(1)
		go func() {
			defer wg.Done()
			out[i] = Run(t.Name, t.Run)
		}()
	}
	wg.Wait()
	return out
}
