package main

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"
)

// The committed stand-in must be exactly what the generator makes from the SDK that ci/go.mod
// requires: after an SDK bump, `go run ./hack/dagger-standin` brings it back in line.
func TestStandInIsUpToDate(t *testing.T) {
	root := filepath.Join("..", "..")
	want, err := generate(root)
	if err != nil {
		t.Fatal(err)
	}
	got, err := os.ReadFile(filepath.Join(root, output))
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want) {
		t.Fatalf("%s is stale: run `go run ./hack/dagger-standin` from the repository root", output)
	}
}
