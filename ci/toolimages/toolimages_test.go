package toolimages

import (
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

// pinnedTag accepts an image reference with an explicit version tag (digits in it) and an
// optional digest: "name:1.2.3", "name:v1.2.3-alpine", "name:1.2@sha256:...".
var pinnedTag = regexp.MustCompile(`^[a-z0-9./-]+(:[0-9]+)?/?[a-z0-9./_-]*:v?[0-9]+\.[0-9]+(\.[0-9]+)?[a-zA-Z0-9._-]*(@sha256:[a-f0-9]{64})?$`)

func TestToolImagesArePinned(t *testing.T) {
	if len(Pinned) == 0 {
		t.Fatal("no tool images")
	}
	for _, ref := range Pinned {
		// Distroless publishes only floating tags (nonroot, latest); its security updates come
		// through them, so the tag stays and a fork may add @sha256 to freeze it.
		if ref == DistrolessStatic {
			continue
		}
		if strings.Contains(ref, "latest") || !pinnedTag.MatchString(ref) {
			t.Errorf("image %q is not pinned to an exact version", ref)
		}
	}
	if Trivy != "aquasec/trivy:0.74.0" {
		t.Errorf("Trivy must stay on 0.74.0 (post-compromise release), got %s", Trivy)
	}
}

// TestEveryImageIsDeclaredInImagesGo keeps images.go the one place that names images: every
// Image* constant is in Pinned, and no other file passes a literal to From().
func TestEveryImageIsDeclaredInImagesGo(t *testing.T) {
	fset := token.NewFileSet()
	files, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	listed := map[string]bool{}
	for _, ref := range Pinned {
		listed[ref] = true
	}
	files = append(files, "toolimages.go")
	for _, path := range files {
		name := filepath.Base(path)
		f, err := parser.ParseFile(fset, path, nil, 0)
		if err != nil {
			t.Fatal(err)
		}
		ast.Inspect(f, func(n ast.Node) bool {
			switch n := n.(type) {
			case *ast.ValueSpec:
				for i, id := range n.Names {
					if (strings.HasPrefix(id.Name, "Image") || name == "toolimages.go") && i < len(n.Values) {
						lit, ok := n.Values[i].(*ast.BasicLit)
						if !ok {
							continue
						}
						v, _ := strconv.Unquote(lit.Value)
						if name != "toolimages.go" {
							t.Errorf("%s: image constant %s belongs in ci/toolimages", name, id.Name)
						}
						if !listed[v] {
							t.Errorf("%s = %q is missing from Pinned", id.Name, v)
						}
					}
				}
			case *ast.CallExpr:
				if sel, ok := n.Fun.(*ast.SelectorExpr); ok && sel.Sel.Name == "From" && len(n.Args) == 1 {
					if _, isLit := n.Args[0].(*ast.BasicLit); isLit {
						t.Errorf("%s: From(%s): use a constant of ci/toolimages", fset.Position(n.Pos()), "literal")
					}
				}
			}
			return true
		})
	}
}

// TestDockerfilesUseThePinned holds the Dockerfiles' FROM lines to Pinned, so that a
// bump happens in one place and hack/airgap, which has a stand-in for every pinned image,
// covers the image builds too.
func TestDockerfilesUseThePinned(t *testing.T) {
	listed := map[string]bool{}
	for _, ref := range Pinned {
		listed[ref] = true
	}
	from := regexp.MustCompile(`(?m)^FROM\s+(?:--platform=\S+\s+)?(\S+)`)
	for _, path := range []string{"../../backend/Dockerfile", "../../frontend/Dockerfile"} {
		data, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		matches := from.FindAllStringSubmatch(string(data), -1)
		if len(matches) < 2 {
			t.Fatalf("%s: %d FROM lines, want a build and a runtime stage", path, len(matches))
		}
		for _, m := range matches {
			if !listed[m[1]] {
				t.Errorf("%s: FROM %s is not in Pinned (ci/toolimages)", path, m[1])
			}
		}
	}
}

// TestDockerfilesBuildEveryPlatformWithoutEmulation holds both Dockerfiles to the layout that
// builds every supported platform on one machine with no emulator: every stage but the last runs
// on the build machine's platform (FROM --platform=$BUILDPLATFORM), and the last, the only one
// built per platform, runs no command (no RUN or ONBUILD) and names no platform of its own.
func TestDockerfilesBuildEveryPlatformWithoutEmulation(t *testing.T) {
	command := regexp.MustCompile(`(?mi)^\s*(RUN|ONBUILD)\b`)
	for _, path := range []string{"../../backend/Dockerfile", "../../frontend/Dockerfile"} {
		data, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		stages := regexp.MustCompile(`(?m)^FROM\s+`).Split(string(data), -1)[1:]
		if len(stages) < 2 {
			t.Fatalf("%s: %d stages, want a build and a runtime stage", path, len(stages))
		}
		for i, stage := range stages {
			from := strings.SplitN(stage, "\n", 2)[0]
			if i < len(stages)-1 {
				if !strings.HasPrefix(from, "--platform=$BUILDPLATFORM ") {
					t.Errorf("%s: build stage FROM %s: want FROM --platform=$BUILDPLATFORM", path, from)
				}
				continue
			}
			if strings.HasPrefix(from, "--platform") {
				t.Errorf("%s: runtime stage FROM %s: it is the image's platform, no --platform", path, from)
			}
			if m := command.FindString(stage); m != "" {
				t.Errorf("%s: the runtime stage has %q: another platform would need an emulator to run it", path, strings.TrimSpace(m))
			}
		}
	}
}

// TestEveryImageHasAnAirGapStandIn keeps hack/airgap in step with Pinned: an air-gapped engine
// (and make test-engine) needs a stand-in for every image the module and the Dockerfiles pull,
// and its README table names the upstream image each recipe stands in for, by tag (a digest
// renovate.json pins is upstream's, which no stand-in has).
func TestEveryImageHasAnAirGapStandIn(t *testing.T) {
	data, err := os.ReadFile("../../hack/airgap/README.md")
	if err != nil {
		t.Fatal(err)
	}
	rows := map[string]bool{}
	for _, m := range regexp.MustCompile("(?m)^\\| `([^`]+)` \\| `[^`]+` \\|").FindAllStringSubmatch(string(data), -1) {
		rows[m[1]] = true
	}
	for _, ref := range Pinned {
		if !rows[withoutDigest(ref)] {
			t.Errorf("hack/airgap/README.md has no stand-in row for %s", withoutDigest(ref))
		}
	}
	if len(rows) != len(Pinned) {
		t.Errorf("hack/airgap/README.md lists %d stand-ins, ci/toolimages pins %d images", len(rows), len(Pinned))
	}
}

// TestToolNodeIsTheNodeImage keeps scripts/tool-node.sh (the Node of make test, CI and the
// stand-ins) on the Node version of the image the Dockerfile builds with and the module tests in.
func TestToolNodeIsTheNodeImage(t *testing.T) {
	data, err := os.ReadFile("../../scripts/tool-node.sh")
	if err != nil {
		t.Fatal(err)
	}
	m := regexp.MustCompile(`(?m)^version=(\S+)$`).FindStringSubmatch(string(data))
	if m == nil {
		t.Fatal("scripts/tool-node.sh has no version= line")
	}
	if want := "node:" + m[1] + "-bookworm-slim"; withoutDigest(Node) != want {
		t.Errorf("scripts/tool-node.sh installs Node %s, ci/toolimages pins %s (want %s)", m[1], Node, want)
	}
}

// TestToolRenovateIsTheRenovateImage keeps the Renovate that runs (the image of the renovate
// function, and hack/airgap's stand-in, made of scripts/tool-renovate.sh's package) on the version
// whose validator make test-renovate checks renovate.json with: a config valid for one and not
// the other cannot pass.
func TestToolRenovateIsTheRenovateImage(t *testing.T) {
	data, err := os.ReadFile("../../scripts/tool-renovate.sh")
	if err != nil {
		t.Fatal(err)
	}
	m := regexp.MustCompile(`(?m)^version=(\S+)$`).FindStringSubmatch(string(data))
	if m == nil {
		t.Fatal("scripts/tool-renovate.sh has no version= line")
	}
	if want := "renovate/renovate:" + m[1]; withoutDigest(Renovate) != want {
		t.Errorf("scripts/tool-renovate.sh installs Renovate %s, ci/toolimages pins %s (want %s)", m[1], Renovate, want)
	}
}

// withoutDigest is an image reference without the @sha256:... a pin may carry.
func withoutDigest(ref string) string {
	name, _, _ := strings.Cut(ref, "@")
	return name
}
