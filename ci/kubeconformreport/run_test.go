package kubeconformreport

import (
	"os"
	"strings"
	"testing"
)

func TestArgs(t *testing.T) {
	got := strings.Join(Args("1.31.0", []string{"default", "crds/{{.Group}}"}, []string{"A", "b/v1/C"}, "/manifests"), " ")
	want := "-strict -summary -output json -verbose -kubernetes-version 1.31.0 -schema-location default -schema-location crds/{{.Group}} -skip A,b/v1/C /manifests"
	if got != want {
		t.Fatalf("%s\nwant %s", got, want)
	}
	if strings.Contains(strings.Join(Args("1.31.0", nil, nil, "/m"), " "), "-skip") {
		t.Fatal("no kinds to skip, yet -skip")
	}
}

func TestJudge(t *testing.T) {
	valid, err := os.ReadFile("testdata/valid-with-skip.json")
	if err != nil {
		t.Fatal(err)
	}
	o := Judge(string(valid), "", 0, "1.31.0")
	if o.Err != nil || !strings.HasPrefix(o.Details, "Kubernetes 1.31.0: ") || !strings.Contains(o.Details, "skipped: ") {
		t.Fatalf("%+v", o)
	}
	if o := Judge(string(valid), "panic: boom", 2, "1.31.0"); o.Err == nil || !strings.Contains(o.Err.Error(), "panic: boom") {
		t.Fatalf("a failing exit with a clean report: %v", o.Err)
	}
	invalid, err := os.ReadFile("testdata/invalid-and-missing-schema.json")
	if err != nil {
		t.Fatal(err)
	}
	if o := Judge(string(invalid), "", 1, "1.31.0"); o.Err == nil || o.Report == nil {
		t.Fatalf("invalid manifests passed: %+v", o)
	}
	if o := Judge("not json", "oops", 1, "1.31.0"); o.Err == nil || o.Report != nil || !strings.Contains(o.Err.Error(), "oops") {
		t.Fatalf("no report: %+v", o)
	}
}
