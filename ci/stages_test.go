package main

import (
	"testing"
)

func TestCombinedIsStdoutThenStderr(t *testing.T) {
	if r := (execResult{Stdout: "out\n", Stderr: "err"}).Combined(); r != "out\nerr" {
		t.Fatalf("Combined = %q", r)
	}
}
