package redact

import (
	"errors"
	"fmt"
	"io"
	"strings"
	"testing"
)

func TestErrorHidesEverySecretAndKeepsTheChain(t *testing.T) {
	err := fmt.Errorf("POST https://u:hunter2@example.com?token=t0k3n: %w", io.ErrUnexpectedEOF)
	got := Error(err, "hunter2", "", "t0k3n")
	if strings.Contains(got.Error(), "hunter2") || strings.Contains(got.Error(), "t0k3n") || strings.Count(got.Error(), Mark) != 2 {
		t.Fatalf("message: %q", got)
	}
	if !errors.Is(got, io.ErrUnexpectedEOF) {
		t.Fatal("the error chain was lost")
	}
	if Error(nil, "x") != nil {
		t.Fatal("nil became an error")
	}
	if plain := errors.New("nothing secret"); Error(plain, "hunter2") != plain {
		t.Fatal("an error without secrets was wrapped")
	}
}

func TestStringIgnoresEmptySecrets(t *testing.T) {
	if got := String("a b", ""); got != "a b" {
		t.Fatalf("%q", got)
	}
}
