package manifests

import (
	"strings"
	"testing"
)

const rendered = `---
# Source: taskboard/templates/disabled.yaml
---
# Source: taskboard/templates/service.yaml
apiVersion: v1
kind: Service
metadata:
  name: backend
  namespace: taskboard
spec:
  ports:
    - port: 5000
---
# Source: policies/templates/verify.yaml
apiVersion: policies.kyverno.io/v1
kind: ImageValidatingPolicy
metadata:
  name: verify-image-signatures
---
apiVersion: kyverno.io/v1
kind: ClusterPolicy
metadata:
  name: check-signatures-legacy
spec:
  rules:
    - name: verify
      verifyImages:
        - imageReferences: ["*"]
---
apiVersion: kyverno.io/v1
kind: ClusterPolicy
metadata:
  name: require-run-as-non-root
spec:
  rules:
    - name: non-root
      validate:
        message: must not run as root
---
apiVersion: policies.kyverno.io/v1
kind: ValidatingPolicy
metadata:
  name: disallow-latest-tag
`

func TestSplitAndExcludeSignaturePolicies(t *testing.T) {
	docs, err := Split([]byte(rendered))
	if err != nil {
		t.Fatal(err)
	}
	if len(docs) != 5 || docs[0].String() != "Service/backend" || docs[0].Namespace != "taskboard" {
		t.Fatalf("docs = %v", docs)
	}
	kept, excluded := WithoutImageSignaturePolicies(docs)
	if strings.Join(excluded, ",") != "ImageValidatingPolicy/verify-image-signatures,ClusterPolicy/check-signatures-legacy" {
		t.Fatalf("excluded = %v", excluded)
	}
	if len(kept) != 3 {
		t.Fatalf("kept = %v", kept)
	}
	out := string(Join(kept))
	if strings.Contains(out, "verifyImages") || !strings.Contains(out, "name: require-run-as-non-root") || strings.Count(out, "---\n") != 3 {
		t.Fatalf("joined:\n%s", out)
	}
	again, err := Split(Join(kept))
	if err != nil || len(again) != 3 {
		t.Fatalf("round trip: %v %v", again, err)
	}
}

func TestSplitRejectsBrokenDocuments(t *testing.T) {
	for in, want := range map[string]string{
		"a: [1\n":                     "document 1",
		"---\nmetadata:\n  name: x\n": "no apiVersion/kind",
		"kind: A\nkind: B\n":          "already defined",
	} {
		if _, err := Split([]byte(in)); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("Split(%q) = %v, want %q", in, err, want)
		}
	}
}

func TestDedupe(t *testing.T) {
	docs, err := Split([]byte(rendered + rendered))
	if err != nil {
		t.Fatal(err)
	}
	if len(docs) != 10 || len(Dedupe(docs)) != 5 {
		t.Fatalf("docs = %d, deduped = %d", len(docs), len(Dedupe(docs)))
	}
	other, _ := Split([]byte("apiVersion: v1\nkind: Service\nmetadata:\n  name: backend\n  namespace: other\n"))
	if len(Dedupe(append(docs[:1:1], other...))) != 2 {
		t.Fatal("the same name in another namespace is another document")
	}
}
