package valuesfile

import (
	"os"
	"slices"
	"strings"
	"testing"
)

const (
	sha     = "0123abcd4567ef890123abcd4567ef8901234567"
	digestF = "sha256:1111111111111111111111111111111111111111111111111111111111111111"
	digestB = "sha256:2222222222222222222222222222222222222222222222222222222222222222"
)

var release = map[string]Image{
	"frontend": {Tag: sha, Digest: digestF},
	"backend":  {Tag: sha, Digest: digestB},
}

// changedLines compares two texts line by line and returns the 1-based numbers of the lines that
// differ; both must have the same number of lines.
func changedLines(t *testing.T, before, after string) []int {
	t.Helper()
	b, a := strings.Split(before, "\n"), strings.Split(after, "\n")
	if len(b) != len(a) {
		t.Fatalf("line count changed from %d to %d:\n%s", len(b), len(a), after)
	}
	var changed []int
	for i := range b {
		if b[i] != a[i] {
			changed = append(changed, i+1)
		}
	}
	return changed
}

func TestSetImagesChangesOnlyTheImageLines(t *testing.T) {
	cases := []struct {
		name    string
		in      string
		want    string
		changed []int
	}{
		{
			name: "comments and quoting are kept",
			in: `# Application chart values.
frontend:
  replicaCount: 2
  image:
    repository: registry.example.com/taskboard/frontend  # where CI pushes
    tag: "latest"  # Updated by CI/CD
    digest: ""     # Updated by CI/CD
    pullPolicy: IfNotPresent

backend:
  image:
    repository: registry.example.com/taskboard/backend
    tag: 'latest' # Updated by CI/CD
    digest: "" # Updated by CI/CD
`,
			want: `# Application chart values.
frontend:
  replicaCount: 2
  image:
    repository: registry.example.com/taskboard/frontend  # where CI pushes
    tag: "` + sha + `"  # Updated by CI/CD
    digest: "` + digestF + `"     # Updated by CI/CD
    pullPolicy: IfNotPresent

backend:
  image:
    repository: registry.example.com/taskboard/backend
    tag: '` + sha + `' # Updated by CI/CD
    digest: "` + digestB + `" # Updated by CI/CD
`,
			changed: []int{6, 7, 13, 14},
		},
		{
			name: "odd indentation, plain and empty values, backend first",
			in: `backend:
      image:
           tag: v1.2.3
           digest:
      resources: {}
frontend:
 image: {tag: old, digest: null}
`,
			want: `backend:
      image:
           tag: ` + sha + `
           digest: ` + digestB + `
      resources: {}
frontend:
 image: {tag: ` + sha + `, digest: ` + digestF + `}
`,
			changed: []int{3, 4, 7},
		},
		{
			name: "anchors and tags before the value stay",
			in: `defaults: &defaults
  pullPolicy: IfNotPresent
frontend:
  image:
    <<: *defaults
    tag: &ftag !!str 1.0   # pinned
    digest: !!str ""
backend:
  image:
    <<: *defaults
    tag: main
    digest: "sha256:0000000000000000000000000000000000000000000000000000000000000000"
`,
			want: `defaults: &defaults
  pullPolicy: IfNotPresent
frontend:
  image:
    <<: *defaults
    tag: &ftag !!str ` + sha + `   # pinned
    digest: !!str "` + digestF + `"
backend:
  image:
    <<: *defaults
    tag: ` + sha + `
    digest: "` + digestB + `"
`,
			changed: []int{6, 7, 11, 12},
		},
		{
			name:    "CRLF line endings survive",
			in:      "frontend:\r\n  image:\r\n    tag: a # x\r\n    digest: b\r\nbackend:\r\n  image:\r\n    tag: a\r\n    digest: b\r\n",
			want:    "frontend:\r\n  image:\r\n    tag: " + sha + " # x\r\n    digest: " + digestF + "\r\nbackend:\r\n  image:\r\n    tag: " + sha + "\r\n    digest: " + digestB + "\r\n",
			changed: []int{3, 4, 7, 8},
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			want := tc.want
			out, changed, err := SetImages([]byte(tc.in), release)
			if err != nil {
				t.Fatal(err)
			}
			if !changed {
				t.Fatal("SetImages reported no change")
			}
			if string(out) != want {
				t.Fatalf("got:\n%s\nwant:\n%s", out, want)
			}
			got := changedLines(t, tc.in, string(out))
			if !slices.Equal(got, tc.changed) {
				t.Fatalf("changed lines %v, want %v", got, tc.changed)
			}

			// Idempotence: the second run changes nothing, byte for byte.
			again, changed, err := SetImages(out, release)
			if err != nil {
				t.Fatal(err)
			}
			if changed || string(again) != string(out) {
				t.Fatalf("second run changed the file:\n%s", again)
			}
		})
	}
}

func TestNumericLookingTagIsQuoted(t *testing.T) {
	in := "frontend:\n  image:\n    tag: old\n    digest: x\n"
	out, _, err := Set([]byte(in), []Assignment{{Path: "frontend.image.tag", Value: "1234567"}, {Path: "frontend.image.digest", Value: "1e10"}})
	if err != nil {
		t.Fatal(err)
	}
	want := "frontend:\n  image:\n    tag: \"1234567\"\n    digest: \"1e10\"\n"
	if string(out) != want {
		t.Fatalf("got %q, want %q", out, want)
	}
}

func TestBadInputIsRefusedAndLeftUntouched(t *testing.T) {
	cases := map[string]string{
		"malformed YAML":     "frontend:\n  image:\n    tag: [unclosed\n",
		"tab indentation":    "frontend:\n\timage:\n\t\ttag: x\n",
		"missing digest key": "frontend:\n  image:\n    tag: a\nbackend:\n  image:\n    tag: a\n    digest: b\n",
		"image is a list":    "frontend:\n  image: [a, b]\nbackend:\n  image:\n    tag: a\n    digest: b\n",
		"alias value":        "x: &t abc\nfrontend:\n  image:\n    tag: *t\n    digest: b\nbackend:\n  image:\n    tag: a\n    digest: b\n",
		"block scalar":       "frontend:\n  image:\n    tag: |\n      a\n    digest: b\nbackend:\n  image:\n    tag: a\n    digest: b\n",
		"two documents":      "frontend: {image: {tag: a, digest: b}}\nbackend: {image: {tag: a, digest: b}}\n---\nx: 1\n",
		"duplicate key":      "frontend:\n  image:\n    tag: a\n    tag: b\n    digest: b\nbackend:\n  image:\n    tag: a\n    digest: b\n",
		"not a mapping":      "- a\n- b\n",
	}
	for name, in := range cases {
		t.Run(name, func(t *testing.T) {
			src := []byte(in)
			out, changed, err := SetImages(src, release)
			if err == nil {
				t.Fatalf("no error; output:\n%s", out)
			}
			if changed || string(out) != in || string(src) != in {
				t.Fatal("input was modified on error")
			}
			if !strings.HasPrefix(err.Error(), "values: ") {
				t.Fatalf("error does not say where it comes from: %v", err)
			}
		})
	}
}

func TestInvalidReleaseValuesAreRefused(t *testing.T) {
	in := []byte("frontend:\n  image:\n    tag: a\n    digest: b\n")
	for name, img := range map[string]Image{
		"digest without algorithm": {Tag: sha, Digest: strings.Repeat("a", 64)},
		"short digest":             {Tag: sha, Digest: "sha256:abc"},
		"tag with a space":         {Tag: "a b", Digest: digestF},
		"tag with a newline":       {Tag: "a\nb: c", Digest: digestF},
		"empty tag":                {Tag: "", Digest: digestF},
	} {
		t.Run(name, func(t *testing.T) {
			if _, _, err := SetImages(in, map[string]Image{"frontend": img}); err == nil {
				t.Fatal("accepted")
			}
		})
	}
}

func TestEmptyValueBeforeACommentIsFilledIn(t *testing.T) {
	in := "frontend:\n  image:\n    tag:   # Updated by CI/CD\n    digest: # odd\n"
	out, changed, err := Set([]byte(in), []Assignment{{Path: "frontend.image.tag", Value: "abc"}, {Path: "frontend.image.digest", Value: "def"}})
	if err != nil {
		t.Fatal(err)
	}
	want := "frontend:\n  image:\n    tag: abc   # Updated by CI/CD\n    digest: def # odd\n"
	if !changed || string(out) != want {
		t.Fatalf("got %q, want %q", out, want)
	}
}

// TestTheChartsValuesFile runs on the chart's own helm/app/values.yaml: exactly the four image
// lines change, and their trailing comments stay.
func TestTheChartsValuesFile(t *testing.T) {
	src, err := os.ReadFile("../../helm/app/values.yaml")
	if err != nil {
		t.Fatal(err)
	}
	out, changed, err := SetImages(src, release)
	if err != nil {
		t.Fatal(err)
	}
	if !changed {
		t.Fatal("nothing changed")
	}
	lines := changedLines(t, string(src), string(out))
	if len(lines) != 4 {
		t.Fatalf("changed lines %v, want the four image lines", lines)
	}
	after := strings.Split(string(out), "\n")
	want := map[int]string{ // the fixture's frontend block comes first, then the backend's
		lines[0]: `    tag: "` + sha + `" # Updated by CI/CD`,
		lines[1]: `    digest: "` + digestF + `" # Updated by CI/CD`,
		lines[2]: `    tag: "` + sha + `" # Updated by CI/CD`,
		lines[3]: `    digest: "` + digestB + `" # Updated by CI/CD`,
	}
	for n, w := range want {
		if after[n-1] != w {
			t.Errorf("line %d: %q, want %q", n, after[n-1], w)
		}
	}
	if again, changed, err := SetImages(out, release); err != nil || changed || string(again) != string(out) {
		t.Fatalf("second run: changed=%v err=%v", changed, err)
	}
}

func TestReleaseSetsBothComponents(t *testing.T) {
	src := []byte("backend:\n  image:\n    tag: old\n    digest: \"\"\nfrontend:\n  image:\n    tag: old\n    digest: \"\"\n")
	out, changed, err := SetImages(src, Release("abc1234", "sha256:"+strings.Repeat("a", 64), "sha256:"+strings.Repeat("b", 64)))
	if err != nil || !changed || strings.Count(string(out), "abc1234") != 2 || !strings.Contains(string(out), strings.Repeat("b", 64)) {
		t.Fatalf("%v %v\n%s", changed, err, out)
	}
}
