package provenance

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/sigstore/cosign/v2/pkg/cosign/attestation"
)

var (
	started  = time.Date(2026, 12, 1, 10, 0, 0, 0, time.UTC)
	finished = started.Add(9 * time.Minute)
	golang   = Image{Ref: "docker.io/library/golang:1.26.1-alpine", Digest: "sha256:" + strings.Repeat("a", 64)}
	nginx    = Image{Ref: "docker.io/nginxinc/nginx-unprivileged:1.29-alpine", Digest: "sha256:" + strings.Repeat("b", 64)}
)

func build() Build {
	return Build{
		Repository: "https://dev.azure.com/acme/taskboard/_git/taskboard",
		Commit:     "0123456789abcdef0123456789abcdef01234567",
		Version:    "1.4.0",
		Platforms:  []string{"linux/amd64", "linux/arm64"},
		Engine:     "v0.21.9",
		Invocation: "https://dev.azure.com/acme/taskboard/_build/results?buildId=42",
		StartedOn:  started,
		FinishedOn: finished,
		Images:     []Image{nginx, golang},
	}
}

// The predicate has exactly the fields the release promises, in SLSA v1's JSON names.
func TestPredicateFields(t *testing.T) {
	data, err := Predicate(build())
	if err != nil {
		t.Fatal(err)
	}
	var p struct {
		BuildDefinition struct {
			BuildType          string
			ExternalParameters struct {
				Repository, Ref, Version string
				Platforms                []string
			}
			InternalParameters struct {
				EngineVersion string
			}
			ResolvedDependencies []struct {
				URI, Name string
				Digest    map[string]string
			}
		}
		RunDetails struct {
			Builder  struct{ ID string }
			Metadata struct {
				InvocationID          string
				StartedOn, FinishedOn time.Time
			}
		}
	}
	if err := json.Unmarshal(data, &p); err != nil {
		t.Fatal(err)
	}
	bd, rd := p.BuildDefinition, p.RunDetails
	if bd.BuildType != BuildType || bd.ExternalParameters.Repository != build().Repository ||
		bd.ExternalParameters.Ref != build().Commit || bd.ExternalParameters.Version != "1.4.0" ||
		strings.Join(bd.ExternalParameters.Platforms, ",") != "linux/amd64,linux/arm64" ||
		bd.InternalParameters.EngineVersion != "v0.21.9" {
		t.Errorf("buildDefinition = %+v", bd)
	}
	deps := bd.ResolvedDependencies
	if len(deps) != 3 || deps[0].Name != "source" || deps[0].URI != "git+"+build().Repository+"@"+build().Commit ||
		deps[0].Digest["gitCommit"] != build().Commit {
		t.Fatalf("resolvedDependencies = %+v", deps)
	}
	// Images sorted by reference, each by digest.
	if deps[1].Name != golang.Ref || deps[1].Digest["sha256"] != strings.Repeat("a", 64) || deps[2].Name != nginx.Ref {
		t.Errorf("image dependencies = %+v", deps[1:])
	}
	if rd.Builder.ID != "https://dev.azure.com/acme/taskboard/_git/taskboard/ci/release" ||
		rd.Metadata.InvocationID != build().Invocation || !rd.Metadata.StartedOn.Equal(started) || !rd.Metadata.FinishedOn.Equal(finished) {
		t.Errorf("runDetails = %+v", rd)
	}
	for _, key := range []string{`"invocationID"`, `"startedOn"`, `"finishedOn"`, `"externalParameters"`, `"resolvedDependencies"`} {
		if !bytes.Contains(data, []byte(key)) {
			t.Errorf("no %s in %s", key, data)
		}
	}
}

// cosign's own slsaprovenance1 statement generator accepts the predicate unchanged.
func TestCosignReadsThePredicate(t *testing.T) {
	data, err := Predicate(build())
	if err != nil {
		t.Fatal(err)
	}
	st, err := attestation.GenerateStatement(attestation.GenerateOpts{Predicate: bytes.NewReader(data), Type: "slsaprovenance1",
		Digest: strings.Repeat("c", 64), Repo: "registry.local/taskboard-backend", Time: time.Now})
	if err != nil {
		t.Fatal(err)
	}
	out, _ := json.Marshal(st)
	if !bytes.Contains(out, []byte(`"predicateType":"`+PredicateType+`"`)) || !bytes.Contains(out, []byte(build().Invocation)) {
		t.Fatalf("statement = %s", out)
	}
}

func TestBuilderID(t *testing.T) {
	b := build()
	b.BuilderID = "https://ci.example.com/taskboard/release"
	data, _ := Predicate(b)
	if !bytes.Contains(data, []byte(`"id":"https://ci.example.com/taskboard/release"`)) {
		t.Fatalf("configured builder id not used: %s", data)
	}
	// Credentials in the repository URL never reach the provenance.
	id, err := DefaultBuilderID("https://build:s3cret@dev.azure.com/acme/taskboard/_git/taskboard/")
	if err != nil || id != "https://dev.azure.com/acme/taskboard/_git/taskboard/ci/release" {
		t.Fatalf("DefaultBuilderID = %q, %v", id, err)
	}
	if _, err := DefaultBuilderID("taskboard"); err == nil {
		t.Fatal("a relative repository gave a builder id")
	}
}

func TestPredicateRefusesAnIncompleteBuild(t *testing.T) {
	cases := map[string]func(*Build){
		"missing Commit, Engine":       func(b *Build) { b.Commit, b.Engine = "", "" },
		"missing Platforms":            func(b *Build) { b.Platforms = nil },
		"missing StartedOn/FinishedOn": func(b *Build) { b.StartedOn = time.Time{} },
		"not a full git SHA":           func(b *Build) { b.Commit = "0123abc" },
		"finished before it started":   func(b *Build) { b.FinishedOn = started.Add(-time.Second) },
		"no sha256 digest":             func(b *Build) { b.Images = []Image{{Ref: "golang:1.26", Digest: "1.26"}} },
	}
	for want, edit := range cases {
		b := build()
		edit(&b)
		if _, err := Predicate(b); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%s: err = %v", want, err)
		}
	}
}

// A laptop release names no commit, and says its source is uncommitted.
func TestALocalBuildNamesNoCommit(t *testing.T) {
	b := build()
	b.Commit = LocalCommit
	data, err := Predicate(b)
	if err != nil {
		t.Fatal(err)
	}
	var p struct {
		BuildDefinition struct {
			ResolvedDependencies []struct {
				URI, Name   string
				Digest      map[string]string
				Annotations map[string]any
			}
		}
	}
	if err := json.Unmarshal(data, &p); err != nil {
		t.Fatal(err)
	}
	src := p.BuildDefinition.ResolvedDependencies[0]
	if src.Name != "source" || len(src.Digest) != 0 || src.Annotations["uncommitted"] != true || strings.Contains(src.URI, "@") {
		t.Fatalf("source %+v", src)
	}
	if CheckCommit("0123abc") == nil || CheckCommit(strings.Repeat("a", 40)) != nil {
		t.Fatal("CheckCommit")
	}
}

func TestBuilderAndInvocationIDs(t *testing.T) {
	b := build()
	if id, err := b.Builder(); err != nil || id != "https://dev.azure.com/acme/taskboard/_git/taskboard/ci/release" {
		t.Fatalf("%q %v", id, err)
	}
	b.BuilderID = "https://ci.example.com/taskboard"
	if id, _ := b.Builder(); id != b.BuilderID {
		t.Fatal(id)
	}
	a, c := NewInvocationID(), NewInvocationID()
	if a == c || !strings.HasPrefix(a, "urn:uuid:") || len(a) != len("urn:uuid:")+36 || a[9+14] != '4' {
		t.Fatalf("%q %q", a, c)
	}
}
