package helm

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// kube-score's optional checks (`kube-score list`, v1.20.0). Each is enabled; the ones the chart
// does not meet are documented choices in helm/README.md ("kube-score").
var kubeScoreOptional = []string{
	"container-resource-requests-equal-limits",
	"container-cpu-requests-equal-limits",
	"container-memory-requests-equal-limits",
	"container-ephemeral-storage-request-equals-limit",
	"container-ports-check",
	"container-seccomp-profile",
}

// The optional checks the chart fails on purpose: CPU requests stay below their limits, so that a
// pod can burst at start (migrations, nginx workers) without reserving that CPU all the time.
var kubeScoreAccepted = []string{
	"container-resource-requests-equal-limits",
	"container-cpu-requests-equal-limits",
}

// kube-score's grades (scorecard.Grade).
const (
	gradeCritical = 1
	gradeWarning  = 5
)

// kubeScoreResult is one check on one object in `kube-score score -o json` (format v2).
type kubeScoreResult struct {
	Object, Check string
	Grade         int
	Comments      []string
}

// allOptional asks kube-score for every optional check it has (--all-default-optional).
var allOptional = []string{"*"}

// kubeScore runs kube-score on a manifest file with the given optional checks enabled and returns
// its results graded WARNING or CRITICAL and whether it exited non-zero (--exit-one-on-warning).
func kubeScore(t *testing.T, manifest string, optional []string) ([]kubeScoreResult, bool) {
	t.Helper()
	args := []string{"score", "--output-format", "json", "--exit-one-on-warning",
		"--kubernetes-version", strings.Join(strings.Split(kubeVersion, ".")[:2], ".")}
	if slices.Equal(optional, allOptional) {
		args = append(args, "--all-default-optional")
		optional = nil
	}
	for _, c := range optional {
		args = append(args, "--enable-optional-test", c)
	}
	out, err := run(t, filepath.Dir(manifest), tool(t, "kube-score"), append(args, manifest)...)
	var report []struct {
		ObjectName string                `json:"object_name"`
		TypeMeta   struct{ Kind string } `json:"type_meta"`
		Checks     []struct {
			Check    struct{ ID string }
			Grade    int
			Skipped  bool
			Comments []struct{ Path, Summary, Description string }
		}
	}
	start := strings.Index(out, "[")
	if start < 0 {
		t.Fatalf("kube-score printed no JSON report (%v):\n%s", err, out)
	}
	if jerr := json.Unmarshal([]byte(out[start:]), &report); jerr != nil {
		t.Fatalf("kube-score report: %v\n%s", jerr, out)
	}
	scored := 0
	var bad []kubeScoreResult
	for _, o := range report {
		for _, c := range o.Checks {
			if c.Skipped {
				continue
			}
			scored++
			if c.Grade > gradeWarning {
				continue
			}
			r := kubeScoreResult{Object: o.TypeMeta.Kind + "/" + o.ObjectName, Check: c.Check.ID, Grade: c.Grade}
			for _, cm := range c.Comments {
				r.Comments = append(r.Comments, fmt.Sprintf("%s: %s %s", cm.Path, cm.Summary, cm.Description))
			}
			bad = append(bad, r)
		}
	}
	if scored == 0 {
		t.Fatalf("kube-score ran no check:\n%s", out)
	}
	t.Logf("kube-score: %d objects, %d checks scored, %d WARNING or CRITICAL, exit error: %v", len(report), scored, len(bad), err)
	return bad, err != nil
}

// Both renders pass every default check and every optional one but the accepted CPU checks, by
// kube-score's own exit code: no CRITICAL, no WARNING.
func TestKubeScoreIsClean(t *testing.T) {
	var optional []string
	for _, c := range kubeScoreOptional {
		if !slices.Contains(kubeScoreAccepted, c) {
			optional = append(optional, c)
		}
	}
	for _, vs := range valueSets {
		t.Run(vs.name, func(t *testing.T) {
			manifest := writeManifests(t, t.TempDir(), "taskboard.yaml", mustRender(t, appChart, vs.values))
			bad, failed := kubeScore(t, manifest, optional)
			for _, r := range bad {
				t.Errorf("kube-score grade %d: %s %s %v", r.Grade, r.Object, r.Check, r.Comments)
			}
			if failed && len(bad) == 0 {
				t.Errorf("kube-score exited non-zero without a finding in its report")
			}
		})
	}
}

// With every optional check kube-score has, the accepted ones are all it finds, and it still
// finds them: when the chart meets one, it leaves kubeScoreAccepted and the README.
func TestKubeScoreFindsOnlyTheAcceptedChoices(t *testing.T) {
	for _, vs := range valueSets {
		t.Run(vs.name, func(t *testing.T) {
			manifest := writeManifests(t, t.TempDir(), "taskboard.yaml", mustRender(t, appChart, vs.values))
			bad, failed := kubeScore(t, manifest, allOptional)
			found := map[string]bool{}
			for _, r := range bad {
				found[r.Check] = true
				if !slices.Contains(kubeScoreAccepted, r.Check) {
					t.Errorf("kube-score grade %d: %s %s %v", r.Grade, r.Object, r.Check, r.Comments)
				}
			}
			for _, c := range kubeScoreAccepted {
				if !found[c] {
					t.Errorf("kube-score no longer flags %s: remove it from kubeScoreAccepted and helm/README.md", c)
				}
			}
			if !failed {
				t.Errorf("kube-score exited 0 with %d findings", len(bad))
			}
		})
	}
}

// kubeScoreOptional is the optional checks `kube-score list` names, so a new one is noticed.
func TestKubeScoreOptionalChecksAreKnown(t *testing.T) {
	out, err := run(t, ".", tool(t, "kube-score"), "list")
	if err != nil {
		t.Fatalf("kube-score list: %v\n%s", err, out)
	}
	var optional []string
	for _, line := range strings.Split(strings.TrimSpace(out), "\n") {
		if f := strings.Split(line, ","); len(f) >= 4 && f[len(f)-1] == "optional" {
			optional = append(optional, f[0])
		}
	}
	slices.Sort(optional)
	known := slices.Sorted(slices.Values(kubeScoreOptional))
	if !slices.Equal(optional, known) {
		t.Errorf("kube-score's optional checks are %v, the test knows %v", optional, known)
	}
}

// The same run does flag a pod without probes, resources or a security context, so the clean
// result above means something.
func TestKubeScoreFlagsAnUnsafePod(t *testing.T) {
	manifest := filepath.Join(t.TempDir(), "unsafe.yaml")
	if err := os.WriteFile(manifest, []byte(`apiVersion: apps/v1
kind: Deployment
metadata: {name: unsafe, namespace: taskboard}
spec:
  replicas: 2
  selector: {matchLabels: {app: unsafe}}
  template:
    metadata: {labels: {app: unsafe}}
    spec:
      containers:
        - name: c
          image: registry.example.com/app:1.0.0
`), 0o644); err != nil {
		t.Fatal(err)
	}
	bad, failed := kubeScore(t, manifest, kubeScoreOptional)
	checks := map[string]bool{}
	for _, r := range bad {
		checks[r.Check] = true
	}
	for _, want := range []string{"container-resources", "container-security-context-user-group-id", "container-ephemeral-storage-request-and-limit", "deployment-has-host-podantiaffinity"} {
		if !checks[want] {
			t.Errorf("kube-score did not flag %s on an unsafe Deployment: %+v", want, bad)
		}
	}
	if !failed {
		t.Errorf("kube-score exited 0 on an unsafe Deployment")
	}
}

// kube-score's ignore annotation turns off the pull-policy check only, and only on workloads whose
// every image is pinned by digest and pulled IfNotPresent (helm/README.md says why).
func TestKubeScoreIgnoresOnlyPullPolicyOfDigests(t *testing.T) {
	for _, vs := range valueSets {
		t.Run(vs.name, func(t *testing.T) {
			objs := mustRender(t, appChart, vs.values)
			annotated := 0
			for _, w := range workloads(t, objs) {
				pinned := true
				for _, c := range append(w.pod.InitContainers, w.pod.Containers...) {
					pinned = pinned && strings.Contains(c.Image, "@sha256:") && c.ImagePullPolicy == "IfNotPresent"
				}
				ignore, _ := podAnnotations(w.owner)["kube-score/ignore"].(string)
				switch {
				case ignore == "" && !pinned:
				case ignore == "container-image-pull-policy" && pinned:
					annotated++
				default:
					t.Errorf("%s: kube-score/ignore %q on images pinned by digest and IfNotPresent = %v", w.owner, ignore, pinned)
				}
			}
			kubeScoreAnnotations := 0
			for _, o := range objs {
				kubeScoreAnnotations += strings.Count(string(o.JSON), `"kube-score/`)
			}
			if kubeScoreAnnotations != annotated {
				t.Errorf("%d kube-score annotations rendered, %d on digest-pinned workloads: no other is allowed", kubeScoreAnnotations, annotated)
			}
			// The release pins frontend and backend (whose image the backup and restore Jobs run):
			// production must exercise the annotation.
			if vs.name == "production" && annotated != 4 {
				t.Errorf("production: %d workloads annotated, want frontend, backend, backup and restore", annotated)
			}
		})
	}
}

// podAnnotations returns the annotations of a workload's pods.
func podAnnotations(o object) map[string]any {
	md, _ := o.Fields["metadata"].(map[string]any)
	if o.Kind != "Pod" {
		spec, _ := o.Fields["spec"].(map[string]any)
		if o.Kind == "CronJob" { // spec.jobTemplate.spec.template
			job, _ := spec["jobTemplate"].(map[string]any)
			spec, _ = job["spec"].(map[string]any)
		}
		tmpl, _ := spec["template"].(map[string]any)
		md, _ = tmpl["metadata"].(map[string]any)
	}
	a, _ := md["annotations"].(map[string]any)
	return a
}
