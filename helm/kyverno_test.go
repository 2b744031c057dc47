package helm

import (
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/gobwas/glob"
	"sigs.k8s.io/yaml"
)

// The signature policy needs a registry to say anything: it is left out of the CLI runs here
// and only checked for syntax (the release pipeline's e2e runs it against a real registry).
const noSignatureCheck = "verifyImageSignatures: {enabled: false}"

// The policies admit the whole application chart: `kyverno apply` finds no violation, and it
// really evaluated every workload (Kyverno generates the Deployment/StatefulSet variants).
func TestKyvernoApplyAdmitsTheApplication(t *testing.T) {
	kyverno := tool(t, "kyverno")
	dir := t.TempDir()
	for _, vs := range valueSets {
		t.Run(vs.name, func(t *testing.T) {
			// The same environment's policies: production's registries are not the defaults'.
			policies := writeManifests(t, dir, "policies-"+vs.name+".yaml", mustRender(t, policiesChart, vs.policies, noSignatureCheck))
			objs := mustRender(t, appChart, vs.values)
			app := writeManifests(t, dir, "app-"+vs.name+".yaml", inNamespace(t, objs, namespace))
			out, err := run(t, dir, kyverno, "apply", policies, "--resource", app,
				"--policy-report", "--output-format", "json", "--remove-color")
			if err != nil {
				t.Fatalf("kyverno apply: %v\n%s", err, out)
			}
			var report struct {
				Summary struct{ Pass, Fail, Warn, Error, Skip int }
				Results []struct {
					Policy, Result, Message string
					Resources               []struct{ Kind, Name string }
				}
			}
			if err := json.Unmarshal([]byte(out[strings.Index(out, "{"):]), &report); err != nil {
				t.Fatalf("kyverno apply output is not a JSON report: %v\n%s", err, out)
			}
			for _, r := range report.Results {
				if r.Result != "pass" {
					t.Errorf("%s on %v: %s %s", r.Policy, r.Resources, r.Result, r.Message)
				}
			}
			// 4 policies x (frontend, backend, postgresql, test pod).
			if want := 4 * len(workloads(t, objs)); report.Summary.Pass != want || report.Summary.Fail+report.Summary.Error != 0 {
				t.Errorf("summary %+v, want %d passes and nothing else", report.Summary, want)
			}
		})
	}
}

// The committed rendering the fixtures load (helm/policies/tests/policies.yaml), so that
// `kyverno test helm/policies/tests` runs from a clean checkout: the policies chart rendered with
// its CI values, without the signature policy. It must equal what the chart renders now.
const policiesRendering = "policies/tests/policies.yaml"

const policiesRenderingHeader = `# Generated from helm/policies by helm/kyverno_test.go (ci/test-values.yaml, signature policy
# off): do not edit. After changing the chart: UPDATE_POLICIES_RENDERING=1 go test ./helm -run TestPoliciesRenderingIsCurrent
`

func TestPoliciesRenderingIsCurrent(t *testing.T) {
	objs := mustRender(t, policiesChart, policiesCIValues, noSignatureCheck)
	fresh, err := os.ReadFile(writeManifests(t, t.TempDir(), "policies.yaml", objs))
	if err != nil {
		t.Fatal(err)
	}
	want := policiesRenderingHeader + string(fresh)
	if os.Getenv("UPDATE_POLICIES_RENDERING") != "" {
		if err := os.WriteFile(policiesRendering, []byte(want), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	got, err := os.ReadFile(policiesRendering)
	if err != nil {
		t.Fatalf("%v: render it with UPDATE_POLICIES_RENDERING=1 go test ./helm -run TestPoliciesRenderingIsCurrent", err)
	}
	if string(got) != want {
		t.Errorf("%s differs from the chart: regenerate it with UPDATE_POLICIES_RENDERING=1 go test ./helm -run TestPoliciesRenderingIsCurrent", policiesRendering)
	}
}

// The fixtures under helm/policies/tests, run in place as a user runs them (`kyverno test
// helm/policies/tests`, on the committed rendering): non-compliant pods are rejected, compliant
// ones admitted.
func TestKyvernoPolicyFixtures(t *testing.T) {
	kyverno := tool(t, "kyverno")
	dir := filepath.Join("policies", "tests")

	// Every expectation in the fixtures, so that a silently skipped one shows.
	want := 0
	fixtures, _ := filepath.Glob(filepath.Join(dir, "*", "kyverno-test.yaml"))
	if len(fixtures) < 3 {
		t.Fatalf("want a fixture per policy, found %v", fixtures)
	}
	for _, f := range fixtures {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		var test struct {
			Results []struct {
				Result    string
				Resources []string
			}
		}
		if err := yaml.Unmarshal(data, &test); err != nil {
			t.Fatal(err)
		}
		kinds := map[string]bool{}
		for _, r := range test.Results {
			want += len(r.Resources)
			kinds[r.Result] = kinds[r.Result] || len(r.Resources) > 0
		}
		if !kinds["pass"] || !kinds["fail"] {
			t.Errorf("%s must expect both passes and failures", f)
		}
	}

	out, err := run(t, dir, kyverno, "test", ".", "--remove-color")
	if err != nil {
		t.Fatalf("kyverno test: %v\n%s", err, out)
	}
	m := regexp.MustCompile(`Test Summary: (\d+) tests passed and (\d+) tests failed`).FindStringSubmatch(out)
	if m == nil {
		t.Fatalf("no test summary in kyverno output:\n%s", out)
	}
	passed, _ := strconv.Atoi(m[1])
	if passed != want || m[2] != "0" {
		t.Errorf("kyverno test: %s passed, %s failed; want %d passed\n%s", m[1], m[2], want, out)
	}
}

// The signature policy is excluded above; the CLI must still load it as a valid policy.
func TestKyvernoLoadsTheSignaturePolicy(t *testing.T) {
	kyverno := tool(t, "kyverno")
	dir := t.TempDir()
	var ivpol []object
	for _, o := range mustRender(t, policiesChart, policiesCIValues) {
		if o.Kind == "ImageValidatingPolicy" {
			ivpol = append(ivpol, o)
		}
	}
	if len(ivpol) != 1 {
		t.Fatalf("want one ImageValidatingPolicy, got %d", len(ivpol))
	}
	policy := writeManifests(t, dir, "verify.yaml", ivpol)
	// A pod whose image the policy does not match: loading and compiling the policy is all
	// that happens, no registry is contacted.
	pod := filepath.Join(dir, "pod.yaml")
	if err := os.WriteFile(pod, []byte(`apiVersion: v1
kind: Pod
metadata: {name: unrelated, namespace: taskboard}
spec:
  containers: [{name: c, image: "registry.example.com/other:1.0.0"}]
`), 0o644); err != nil {
		t.Fatal(err)
	}
	out, err := run(t, dir, kyverno, "apply", policy, "--resource", pod, "--remove-color")
	if err != nil || !strings.Contains(out, "pass: 1, fail: 0, warn: 0, error: 0") {
		t.Fatalf("kyverno could not apply the signature policy: %v\n%s", err, out)
	}
	// And a broken copy is refused, so the check above means something.
	broken := strings.Replace(string(ivpol[0].JSON), "verifyImageSignatures(", "verifyImageSignaturez(", 1)
	if err := os.WriteFile(policy, []byte(broken), 0o644); err != nil {
		t.Fatal(err)
	}
	if out, err := run(t, dir, kyverno, "apply", policy, "--resource", pod, "--remove-color"); err == nil || !strings.Contains(out, "error: 1") {
		t.Errorf("kyverno accepted a policy calling an unknown function:\n%s", out)
	}
}

// The signature policy must cover the images the production release deploys, and only those.
func TestSignaturePolicyCoversTheReleasedImages(t *testing.T) {
	vals, err := readValues(append([]string{"policies/values.yaml"}, policiesProdValues...))
	if err != nil {
		t.Fatal(err)
	}
	var globs []glob.Glob
	for _, ref := range vals["verifyImageSignatures"].(map[string]any)["imageReferences"].([]any) {
		globs = append(globs, glob.MustCompile(ref.(string)))
	}
	matched := func(image string) bool {
		for _, g := range globs {
			if g.Match(image) {
				return true
			}
		}
		return false
	}
	for _, w := range workloads(t, mustRender(t, appChart, appProductionValues)) {
		for _, c := range w.pod.Containers {
			// The backup and restore Jobs run the backend's image: signed, so covered.
			ours := slices.Contains([]string{"frontend", "backend", "backup", "restore"}, c.Name)
			if matched(c.Image) != ours {
				t.Errorf("%s image %s: matched by the signature policy = %v, want %v", w.owner, c.Image, !ours, ours)
			}
		}
	}
}

// The registry policy acts where Argo CD deploys the application, and admits every image the
// production release deploys there (the release's own through the signature policy's
// references, the others through the pull-through cache's prefixes).
func TestRegistryPolicyCoversTheApplication(t *testing.T) {
	vals, err := readValues(append([]string{"policies/values.yaml"}, policiesProdValues...))
	if err != nil {
		t.Fatal(err)
	}
	restrict := vals["restrictImageRegistries"].(map[string]any)
	var destinations []string
	for _, o := range argocdObjects(t) {
		var a argoApplication
		if o.Kind == "Application" {
			mustUnmarshal(t, o.JSON, &a)
			if a.Spec.Source.Path == "helm/app" {
				destinations = append(destinations, a.Spec.Destination.Namespace)
			}
		}
	}
	if len(destinations) == 0 {
		t.Fatal("no Application of helm/app in argocd-application.yaml")
	}
	for _, ns := range destinations {
		found := false
		for _, n := range restrict["namespaces"].([]any) {
			found = found || n == ns
		}
		if !found {
			t.Errorf("the application is deployed to %s, which restrictImageRegistries.namespaces %v leaves out", ns, restrict["namespaces"])
		}
	}
	var prefixes []string
	for _, ref := range vals["verifyImageSignatures"].(map[string]any)["imageReferences"].([]any) {
		prefixes = append(prefixes, strings.TrimSuffix(ref.(string), "*"))
	}
	for _, p := range restrict["allowUnsigned"].([]any) {
		prefixes = append(prefixes, p.(string))
	}
	for _, w := range workloads(t, mustRender(t, appChart, appProductionValues)) {
		for _, c := range w.pod.Containers {
			admitted := false
			for _, p := range prefixes {
				admitted = admitted || strings.HasPrefix(c.Image, p)
			}
			if !admitted {
				t.Errorf("%s image %s: refused by restrict-image-registries (prefixes %v)", w.owner, c.Image, prefixes)
			}
		}
	}
}

// inNamespace sets the namespace a release installs into on the objects that name none, as Helm
// and Argo CD do when they apply them: the registry policy matches by namespace.
func inNamespace(t *testing.T, objs []object, ns string) []object {
	t.Helper()
	out := make([]object, len(objs))
	for i, o := range objs {
		var fields map[string]any
		mustUnmarshal(t, o.JSON, &fields)
		meta, _ := fields["metadata"].(map[string]any)
		if _, set := meta["namespace"]; meta != nil && !set {
			meta["namespace"] = ns
		}
		data, err := json.Marshal(fields)
		if err != nil {
			t.Fatal(err)
		}
		o.JSON = data
		out[i] = o
	}
	return out
}
