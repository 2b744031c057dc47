package offline

import (
	"encoding/json"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

const kubeconformVersion = "v0.8.0"

// kubeconform builds kubeconform from the Go module proxy into the tools cache, once.
func kubeconform(t *testing.T) string {
	t.Helper()
	dir := filepath.Join(cacheSubdir(t, ToolsCacheSubdir), "kubeconform-"+kubeconformVersion)
	bin := filepath.Join(dir, "kubeconform")
	if _, err := os.Stat(bin); err == nil {
		return bin
	}
	cmd := exec.Command("go", "install", "github.com/yannh/kubeconform/cmd/kubeconform@"+kubeconformVersion)
	cmd.Env = append(os.Environ(), "GOBIN="+dir, "CGO_ENABLED=0")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("building kubeconform: %v\n%s", err, out)
	}
	return bin
}

func TestKubeVersionFromChartIsTheLowerBound(t *testing.T) {
	v, err := KubeVersionFromChart(filepath.Join(repoRoot(t), "helm", "app", "Chart.yaml"))
	if err != nil || v != "1.29.0" {
		t.Fatalf("KubeVersionFromChart = %q, %v; want 1.29.0", v, err)
	}
}

func TestKindSuffixMatchesKubeconform(t *testing.T) {
	for _, tc := range []struct{ group, version, want string }{
		{"", "v1", "-v1"},
		{"apps", "v1", "-apps-v1"},
		{"networking.k8s.io", "v1", "-networking-v1"},
		{"autoscaling", "v2", "-autoscaling-v2"},
	} {
		if got := kindSuffix(tc.group, tc.version); got != tc.want {
			t.Errorf("kindSuffix(%q, %q) = %q, want %q", tc.group, tc.version, got, tc.want)
		}
	}
}

// TestKubeconformValidatesAgainstServedSchemas runs the real kubeconform, in -strict mode, with
// only the Schemas handler as schema source: built-in kinds, Argo CD and Kyverno kinds are
// valid, unknown fields are not.
func TestKubeconformValidatesAgainstServedSchemas(t *testing.T) {
	root := repoRoot(t)
	kubeVersion, err := KubeVersionFromChart(filepath.Join(root, "helm", "app", "Chart.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	schemas := cacheSubdir(t, SchemasCacheSubdir)
	if err := PrepareSchemas(schemas, kubeVersion); err != nil {
		t.Fatal(err)
	}
	for _, f := range []string{
		"k8s/v1.29.0-standalone-strict/deployment-apps-v1.json",
		"k8s/v1.29.0-standalone-strict/service-v1.json",
		"k8s/v1.29.0-standalone/deployment-apps-v1.json",
		"crds/argoproj.io/application_v1alpha1.json",
		"crds/policies.kyverno.io/validatingpolicy_v1.json",
	} {
		if _, err := os.Stat(filepath.Join(schemas, f)); err != nil {
			t.Errorf("PrepareSchemas wrote no %s", f)
		}
	}
	bin := kubeconform(t)

	var log requestLog
	base := serve(t, func(string) http.Handler {
		mux := http.NewServeMux()
		mux.Handle("/schemas/", log.wrap(http.StripPrefix("/schemas", Schemas(schemas))))
		return mux
	})
	args := []string{"-strict", "-verbose", "-summary", "-output", "json", "-kubernetes-version", kubeVersion}
	for _, loc := range KubeconformSchemaLocations(base + "/schemas") {
		args = append(args, "-schema-location", loc)
	}
	dir := t.TempDir()
	write := func(name, content string) string {
		f := filepath.Join(dir, name)
		if err := os.WriteFile(f, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
		return f
	}
	validate := func(t *testing.T, files ...string) (results []kubeconformResult, exit int) {
		cmd := exec.Command(bin, append(args, files...)...)
		cmd.Env = offlineEnv()
		out, err := cmd.Output()
		if ee, ok := err.(*exec.ExitError); ok {
			exit = ee.ExitCode()
		} else if err != nil {
			t.Fatal(err)
		}
		var report struct{ Resources []kubeconformResult }
		if err := json.Unmarshal(out, &report); err != nil {
			t.Fatalf("kubeconform output: %v\n%s", err, out)
		}
		return report.Resources, exit
	}

	t.Run("valid", func(t *testing.T) {
		files := []string{
			filepath.Join(root, "argocd-application.yaml"),
			write("deployment.yaml", validDeployment),
			write("service.yaml", validService),
			write("policy.yaml", validValidatingPolicy),
		}
		results, exit := validate(t, files...)
		if exit != 0 {
			t.Errorf("kubeconform exited %d: %+v", exit, results)
		}
		kinds := map[string]bool{}
		for _, r := range results {
			kinds[r.Kind] = true
			if r.Status != "statusValid" {
				t.Errorf("%s %s: %s %s", r.Kind, r.Name, r.Status, r.Msg)
			}
		}
		for _, k := range []string{"AppProject", "Application", "Deployment", "Service", "ValidatingPolicy"} {
			if !kinds[k] {
				t.Errorf("no result for %s: %+v", k, results)
			}
		}
	})

	t.Run("unknown fields fail", func(t *testing.T) {
		results, exit := validate(t,
			write("bad-deployment.yaml", strings.Replace(validDeployment, "  replicas: 2\n", "  replicas: 2\n  replicaz: 3\n", 1)),
			write("bad-policy.yaml", strings.Replace(validValidatingPolicy, "spec:\n", "spec:\n  validationActionz: [Deny]\n", 1)),
		)
		if exit != 1 {
			t.Errorf("kubeconform exited %d, want 1", exit)
		}
		if len(results) != 2 {
			t.Fatalf("want 2 results: %+v", results)
		}
		for _, r := range results {
			t.Logf("%s: %s", r.Kind, r.Msg)
			if r.Status != "statusInvalid" {
				t.Errorf("%s %s: %s, want statusInvalid", r.Kind, r.Name, r.Status)
			}
		}
	})

	all, failed := log.snapshot()
	t.Logf("kubeconform asked for: %s", strings.Join(all, "; "))
	for _, f := range failed {
		// The only miss allowed: a CRD kind, looked up first among the built-in schemas.
		if !strings.Contains(f, "/k8s/") {
			t.Errorf("schema request failed: %s", f)
		}
	}
}

type kubeconformResult struct {
	Filename, Kind, Name, Version, Status, Msg string
}

const validDeployment = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: taskboard-backend
  labels:
    app.kubernetes.io/name: backend
  creationTimestamp: null
spec:
  replicas: 2
  selector:
    matchLabels:
      app.kubernetes.io/name: backend
  template:
    metadata:
      labels:
        app.kubernetes.io/name: backend
    spec:
      securityContext:
        runAsNonRoot: true
        seccompProfile:
          type: RuntimeDefault
      containers:
        - name: backend
          image: registry.example.com/taskboard-backend:1.0.0@sha256:0000000000000000000000000000000000000000000000000000000000000000
          ports:
            - name: http
              containerPort: 5000
          readinessProbe:
            httpGet:
              path: /readyz
              port: http
          livenessProbe:
            httpGet:
              path: /healthz
              port: 5000
          resources:
            requests:
              cpu: 50m
              memory: 64Mi
            limits:
              cpu: 1
              memory: 256Mi
          securityContext:
            allowPrivilegeEscalation: false
            readOnlyRootFilesystem: true
            capabilities:
              drop: [ALL]
`

const validService = `apiVersion: v1
kind: Service
metadata:
  name: taskboard-backend
spec:
  selector:
    app.kubernetes.io/name: backend
  ports:
    - name: http
      port: 80
      targetPort: 5000
`

const validValidatingPolicy = `apiVersion: policies.kyverno.io/v1
kind: ValidatingPolicy
metadata:
  name: disallow-latest-tag
  annotations:
    policies.kyverno.io/title: Disallow latest tag
spec:
  validationActions: [Deny]
  evaluation:
    background:
      enabled: true
  matchConstraints:
    resourceRules:
      - apiGroups: [""]
        apiVersions: [v1]
        operations: [CREATE, UPDATE]
        resources: [pods]
  validations:
    - expression: "object.spec.containers.all(c, !c.image.endsWith(':latest'))"
      message: spec.containers[*].image must not use the tag "latest".
`
