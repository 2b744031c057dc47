// Package manifests splits rendered Kubernetes manifests into documents and selects among them,
// keeping each document's original text so that the tools downstream see exactly what Helm
// rendered.
package manifests

import (
	"bufio"
	"bytes"
	"dagger/pipeline/textlines"
	"fmt"
	"strings"

	"gopkg.in/yaml.v3"
)

// Document is one YAML document of a multi-document stream.
type Document struct {
	APIVersion string
	Kind       string
	Name       string
	Namespace  string
	Raw        string // the document's text, without the "---" separator
	object     map[string]any
}

// Split cuts a stream at its "---" lines, drops documents that are empty or only comments (Helm
// emits those for disabled templates), and decodes the rest. A document that does not parse or
// has no kind is an error: it would otherwise be silently unchecked.
func Split(stream []byte) ([]Document, error) {
	var docs []Document
	var cur strings.Builder
	n := 0
	flush := func() error {
		raw := cur.String()
		cur.Reset()
		n++
		var obj map[string]any
		if err := yaml.Unmarshal([]byte(raw), &obj); err != nil {
			return fmt.Errorf("document %d: %w", n, err)
		}
		if obj == nil {
			return nil
		}
		d := Document{Raw: raw, object: obj}
		d.APIVersion, _ = obj["apiVersion"].(string)
		d.Kind, _ = obj["kind"].(string)
		if md, ok := obj["metadata"].(map[string]any); ok {
			d.Name, _ = md["name"].(string)
			d.Namespace, _ = md["namespace"].(string)
		}
		if d.Kind == "" || d.APIVersion == "" {
			return fmt.Errorf("document %d has no apiVersion/kind:\n%s", n, textlines.Head(raw, 5))
		}
		docs = append(docs, d)
		return nil
	}
	sc := bufio.NewScanner(bytes.NewReader(stream))
	sc.Buffer(make([]byte, 1024*1024), 16*1024*1024)
	for sc.Scan() {
		line := sc.Text()
		if line == "---" || strings.HasPrefix(line, "--- ") {
			if err := flush(); err != nil {
				return nil, err
			}
			continue
		}
		cur.WriteString(line)
		cur.WriteByte('\n')
	}
	if err := sc.Err(); err != nil {
		return nil, err
	}
	if err := flush(); err != nil {
		return nil, err
	}
	return docs, nil
}

// Join writes documents back as one stream.
func Join(docs []Document) []byte {
	var b bytes.Buffer
	for _, d := range docs {
		b.WriteString("---\n")
		b.WriteString(d.Raw)
	}
	return b.Bytes()
}

// String names a document as "Kind/name".
func (d Document) String() string { return d.Kind + "/" + d.Name }

// IsImageSignaturePolicy reports whether a Kyverno policy verifies image signatures: an
// (Namespaced)ImageValidatingPolicy of policies.kyverno.io, or a kyverno.io (Cluster)Policy with
// a verifyImages rule. Those need registry access to evaluate.
func (d Document) IsImageSignaturePolicy() bool {
	group := strings.SplitN(d.APIVersion, "/", 2)[0]
	switch {
	case group == "policies.kyverno.io" && strings.HasSuffix(d.Kind, "ImageValidatingPolicy"):
		return true
	case group == "kyverno.io" && (d.Kind == "ClusterPolicy" || d.Kind == "Policy"):
		spec, _ := d.object["spec"].(map[string]any)
		rules, _ := spec["rules"].([]any)
		for _, r := range rules {
			if rule, ok := r.(map[string]any); ok {
				if _, has := rule["verifyImages"]; has {
					return true
				}
			}
		}
	}
	return false
}

// WithoutImageSignaturePolicies splits docs into the policies to apply offline and the names of
// the image-signature policies left out.
func WithoutImageSignaturePolicies(docs []Document) (kept []Document, excluded []string) {
	for _, d := range docs {
		if d.IsImageSignaturePolicy() {
			excluded = append(excluded, d.String())
			continue
		}
		kept = append(kept, d)
	}
	return kept, excluded
}

// Dedupe keeps the first document of each apiVersion, kind, namespace and name: a chart rendered
// with several values files yields the same policy more than once, and Kyverno would count every
// copy.
func Dedupe(docs []Document) []Document {
	seen := map[string]bool{}
	var out []Document
	for _, d := range docs {
		key := d.APIVersion + " " + d.Kind + " " + d.Namespace + "/" + d.Name
		if seen[key] {
			continue
		}
		seen[key] = true
		out = append(out, d)
	}
	return out
}
