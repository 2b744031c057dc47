package helm

import (
	"os"
	"testing"

	yaml3 "go.yaml.in/yaml/v3"
)

// The release pipeline rewrites frontend/backend image.tag and image.digest in place, keeping
// the rest of the file: each must be a plain scalar on its own line marked "# Updated by CI/CD".
// values-production.yaml must not set them, or it would pin production to an old image.
func TestReleaseEditableImageLines(t *testing.T) {
	for _, file := range []string{"app/values.yaml"} {
		data, err := os.ReadFile(file)
		if err != nil {
			t.Fatal(err)
		}
		var doc yaml3.Node
		if err := yaml3.Unmarshal(data, &doc); err != nil {
			t.Fatalf("%s: %v", file, err)
		}
		for _, component := range []string{"frontend", "backend"} {
			for _, key := range []string{"tag", "digest"} {
				n := lookup(doc.Content[0], component, "image", key)
				switch {
				case n == nil:
					t.Errorf("%s: %s.image.%s missing", file, component, key)
				case n.Kind != yaml3.ScalarNode:
					t.Errorf("%s: %s.image.%s is not a scalar", file, component, key)
				case n.LineComment != "# Updated by CI/CD":
					t.Errorf("%s:%d: %s.image.%s lacks the '# Updated by CI/CD' marker", file, n.Line, component, key)
				}
			}
		}
	}
}

// lookup follows mapping keys from a YAML node.
func lookup(n *yaml3.Node, path ...string) *yaml3.Node {
	for _, key := range path {
		if n.Kind != yaml3.MappingNode {
			return nil
		}
		var next *yaml3.Node
		for i := 0; i+1 < len(n.Content); i += 2 {
			if n.Content[i].Value == key {
				next = n.Content[i+1]
			}
		}
		if next == nil {
			return nil
		}
		n = next
	}
	return n
}

// Argo CD layers values-production.yaml on values.yaml: an image tag or digest there would
// override what every release writes, and production would silently stay on an old image.
func TestProductionValuesDoNotPinReleasedImages(t *testing.T) {
	data, err := os.ReadFile("app/values-production.yaml")
	if err != nil {
		t.Fatal(err)
	}
	var doc yaml3.Node
	if err := yaml3.Unmarshal(data, &doc); err != nil {
		t.Fatal(err)
	}
	for _, component := range []string{"frontend", "backend"} {
		for _, key := range []string{"tag", "digest"} {
			if n := lookup(doc.Content[0], component, "image", key); n != nil {
				t.Errorf("app/values-production.yaml:%d sets %s.image.%s: leave it to the release (values.yaml)", n.Line, component, key)
			}
		}
	}
}
