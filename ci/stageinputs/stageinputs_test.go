package stageinputs

import (
	"strings"
	"testing"
)

func TestSetsAreWrittenInTheFormsReadsUnderstands(t *testing.T) {
	backend, err := GoPackages([]string{"./backend/..."})
	if err != nil {
		t.Fatal(err)
	}
	for name, s := range map[string]Set{"module": Module, "docs": DocCalls, "frontend": Frontend, "charts": Charts, "backend": backend} {
		if err := s.Check(); err != nil {
			t.Errorf("%s: %v", name, err)
		}
	}
	for _, bad := range []string{"/abs", "a/**/b", "**/dir/*.md", "**/x/", "fr*nt/", "[/x"} {
		if err := (Set{Include: []string{bad}}).Check(); err == nil {
			t.Errorf("Check accepted %q", bad)
		}
	}
}

// A change outside a stage's inputs must not reach it: this is the table the cache relies on.
func TestEachStageReadsOnlyItsOwnFiles(t *testing.T) {
	backend, err := GoPackages([]string{"./backend/..."})
	if err != nil {
		t.Fatal(err)
	}
	sets := map[string]Set{"backend": backend, "module": Module, "docs": DocCalls, "frontend": Frontend, "charts": Charts, "scan-fs": Whole}
	for file, readers := range map[string]string{
		"backend/internal/httpapi/tasks.go":    "backend scan-fs",
		"backend/Dockerfile":                   "backend module scan-fs",
		"backend/README.md":                    "backend docs scan-fs",
		".dockerignore":                        "backend scan-fs",
		"go.sum":                               "backend scan-fs",
		"frontend/src/App.tsx":                 "frontend scan-fs",
		"frontend/vite.config.ts":              "module frontend scan-fs",
		"docs/SETUP.md":                        "docs scan-fs",
		"README.md":                            "docs scan-fs",
		"helm/app/values.yaml":                 "module charts scan-fs",
		"ci/release.go":                        "module docs scan-fs",
		".azure-pipelines/pr-validation.yml":   "module docs scan-fs",
		"dagger.json":                          "module docs scan-fs",
		"argocd-application.yaml":              "module scan-fs",
		"docker-compose.yml":                   "scan-fs",
		"hack/cluster/scenario/gitops_test.go": "scan-fs",
		"hack/airgap/README.md":                "module docs scan-fs",
	} {
		var got []string
		for _, name := range []string{"backend", "module", "docs", "frontend", "charts", "scan-fs"} {
			if sets[name].Reads(file) {
				got = append(got, name)
			}
		}
		if strings.Join(got, " ") != readers {
			t.Errorf("%s is read by %q, want %q", file, strings.Join(got, " "), readers)
		}
	}
}

func TestGoPackages(t *testing.T) {
	for _, tc := range []struct {
		patterns []string
		want     string
	}{
		{[]string{"./backend/..."}, "go.mod go.sum backend/ .dockerignore"},
		{[]string{"./backend/internal/httpapi", "./helm/..."}, "go.mod go.sum backend/ .dockerignore helm/"},
		{[]string{"./..."}, ""},
	} {
		s, err := GoPackages(tc.patterns)
		if err != nil {
			t.Fatalf("%v: %v", tc.patterns, err)
		}
		if got := strings.Join(s.Include, " "); got != tc.want {
			t.Errorf("%v: %q, want %q", tc.patterns, got, tc.want)
		}
	}
	for _, bad := range [][]string{nil, {"backend/..."}, {"../x/..."}, {"./"}} {
		if _, err := GoPackages(bad); err == nil {
			t.Errorf("GoPackages(%q) accepted", bad)
		}
	}
}
