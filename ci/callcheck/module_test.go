package callcheck

import (
	"strings"
	"testing"
)

func loadTestModule(t *testing.T) *Module {
	t.Helper()
	m, err := Load("testdata/module", "Pipeline")
	if err != nil {
		t.Fatal(err)
	}
	return m
}

func TestLoadReadsEveryObjectTypeAndItsFunctions(t *testing.T) {
	m := loadTestModule(t)
	pipeline := m.Objects["Pipeline"]
	// Source is an exported field: a function; Registry is +private: not one.
	if got := strings.Join(pipeline.FunctionNames(), ","); got != "documented,lint,publish,render,scan-fs,source,validate,with-registry" {
		t.Fatalf("Pipeline functions = %s", got)
	}
	if !pipeline.Functions["scan-fs"].Args["ignore-unfixed"].Bool || pipeline.Functions["scan-fs"].Returns != "*dagger.Directory" {
		t.Fatalf("scan-fs = %+v", pipeline.Functions["scan-fs"])
	}
	if got := pipeline.Functions["with-registry"].Returns; got != "*Pipeline" {
		t.Fatalf("with-registry returns %q", got)
	}
	// Published's methods sit in another file than Publish, which returns it.
	published := m.Objects["Published"]
	if published == nil || strings.Join(published.FunctionNames(), ",") != "attest,ref,sign" {
		t.Fatalf("Published = %+v", published)
	}
	if _, ok := m.Objects["lower"]; ok {
		t.Fatal("an unexported type is no object of the API")
	}
	if _, ok := m.Constructor["registry-url"]; !ok {
		t.Fatalf("constructor = %+v", m.Constructor)
	}
	if _, err := Load("testdata/module", "Missing"); err == nil {
		t.Fatal("a missing main type must be an error")
	}
}

func TestReachableFollowsResults(t *testing.T) {
	got := loadTestModule(t).Reachable()
	if !got["Pipeline"] || !got["Published"] || got["Other"] || len(got) != 2 {
		t.Fatalf("reachable = %v, want Pipeline and Published only", got)
	}
}
