package summary

import (
	"errors"
	"strings"
	"testing"
)

func TestRunInOrderStopsAtTheFirstFailure(t *testing.T) {
	var s Summary
	ran := []string{}
	task := func(name string, err error) Task {
		return Task{Name: name, Run: func() (string, error) { ran = append(ran, name); return name + " done", err }}
	}
	err := s.RunInOrder(task("scan", nil), task("push", errors.New("refused")), task("sign", nil))
	if err == nil || err.Error() != "push: refused" {
		t.Fatalf("error %v", err)
	}
	if strings.Join(ran, ",") != "scan,push" || len(s.Stages) != 2 || s.Stages[1].Status != Failed {
		t.Fatalf("ran %v, stages %+v", ran, s.Stages)
	}
	s.Skip("git push", "--git-push not set")
	if last := s.Stages[2]; last.Status != Skipped || last.Details != "--git-push not set" {
		t.Fatalf("%+v", last)
	}
}
