package summary

import (
	"errors"
	"testing"
)

func TestRunConcurrentlyRunsAllAtOnceAndKeepsEveryResult(t *testing.T) {
	// a and b each wait for the other to start: they finish only if they run at the same time.
	aStarted, bStarted := make(chan struct{}), make(chan struct{})
	stages := RunConcurrently([]Task{
		{"a", func() (string, error) { close(aStarted); <-bStarted; return "a done", nil }},
		{"b", func() (string, error) { close(bStarted); <-aStarted; return "b counted 3", errors.New("b failed") }},
		{"c", func() (string, error) { return "c done", nil }},
	})
	if len(stages) != 3 || stages[0].Name != "a" || stages[1].Name != "b" || stages[2].Name != "c" {
		t.Fatalf("stages = %+v", stages)
	}
	if stages[0].Status != Passed || stages[1].Status != Failed || stages[1].Details != "b counted 3" || stages[2].Status != Passed {
		t.Fatalf("stages = %+v", stages)
	}
	if RunConcurrently(nil) == nil || len(RunConcurrently(nil)) != 0 {
		t.Fatal("no tasks, no stages")
	}
}
