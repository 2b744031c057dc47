package kyvernoreport

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// The fixtures are real Kyverno CLI v1.19.1 output: see testdata/gen/generate.sh.
func output(t *testing.T, name string) string {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return string(data)
}

func TestGatePasses(t *testing.T) {
	c, err := Gate(output(t, "apply-pass.txt"), 0)
	if err != nil || c != (Counts{Pass: 1}) {
		t.Fatalf("%+v %v", c, err)
	}
}

func TestGateFailsOnViolations(t *testing.T) {
	c, err := Gate(output(t, "apply-fail.txt"), 1)
	if err == nil || c.Fail != 1 {
		t.Fatalf("%+v %v", c, err)
	}
	if !strings.Contains(err.Error(), "policy disallow-latest-tag -> resource taskboard/Pod/frontend failed:\n  1 - require-image-tag validation error") {
		t.Fatalf("error does not show the violation:\n%v", err)
	}
	v := Violations(output(t, "apply-validatingpolicy-fail.txt"))
	if len(v) != 2 || !strings.Contains(v[1], "Pod/frontend") || !strings.Contains(v[1], "runAsNonRoot") {
		t.Fatalf("violations = %q", v)
	}
}

func TestGateRejectsOutputWithoutResultOrMatches(t *testing.T) {
	if _, err := Gate("Error: failed to load policies: bad.yaml\n", 1); err == nil || !strings.Contains(err.Error(), "no result line") {
		t.Fatalf("%v", err)
	}
	if _, err := Gate("pass: 0, fail: 0, warn: 0, error: 0, skip: 4 \n", 0); err == nil || !strings.Contains(err.Error(), "matched no resource") {
		t.Fatalf("%v", err)
	}
	if _, err := Gate("pass: 3, fail: 0, warn: 0, error: 0, skip: 0 \n", 1); err == nil || !strings.Contains(err.Error(), "exited 1") {
		t.Fatalf("%v", err)
	}
	if _, err := Gate("pass: 3, fail: 0, warn: 0, error: 1, skip: 0 \n", 1); err == nil {
		t.Fatal("an error result must fail")
	}
}

func TestCountsAdd(t *testing.T) {
	got := Counts{Pass: 12, Skip: 3}.Add(Counts{Pass: 11, Fail: 1, Warn: 2, Error: 4, Skip: 5})
	want := Counts{Pass: 23, Fail: 1, Warn: 2, Error: 4, Skip: 8}
	if got != want {
		t.Fatalf("got %+v, want %+v", got, want)
	}
}
