package scenario

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/labels"
)

// The Kyverno chart docs/SETUP.md installs (`helm install kyverno kyverno/kyverno --version 3.9.1`),
// and the modules its remote dependencies are published from, at the versions Kyverno v1.19.1's
// go.mod pins: the published chart carries them as charts/*.tgz, the module zip does not.
const (
	kyvernoChartVersion = "3.9.1"
	kyvernoAPIModule    = "github.com/kyverno/api@v0.0.1-alpha.3.0.20260723090831-fb2785727f98" // charts/kyverno-api: the policies.kyverno.io CRDs
	openReportsModule   = "github.com/openreports/reports-api@v0.2.1"                           // charts/openreports (off by default)
)

// TestKyvernoAdmission installs Kyverno v1.19.1 from its own Helm chart, as docs/SETUP.md does,
// and runs it as the admission webhook with helm/policies rendered from values-production.yaml
// (Enforce), against images in a registry the cluster pulls from: a signed image is admitted and
// runs; an unsigned one, one signed by another key, :latest, a container without limits and a
// privileged one are refused, each with the policy's message where an operator sees it.
//
// It needs a registry the cluster pulls from and the host pushes to: make test-cluster's own
// cluster has one (TASKBOARD_CLUSTER_REGISTRY, TASKBOARD_CLUSTER_REGISTRY_HOST,
// TASKBOARD_CLUSTER_CA, from cluster.sh env). On your cluster, set TASKBOARD_CLUSTER_REGISTRY to a
// registry it pulls from without credentials (and the _HOST and _CA ones if the host reaches it
// elsewhere or it has a private CA).
func TestKyvernoAdmission(t *testing.T) {
	c := connect(t)
	root := repoRoot(t)
	reg, regHost, caFile := clusterRegistry(t)
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Minute)
	defer cancel()
	sv, err := c.kube.Discovery().ServerVersion()
	if err != nil {
		t.Fatal(err)
	}

	// Room for Kyverno on a small node: TestChartOnCluster leaves the application's Deployments
	// (the production values' replicas and requests) waiting for images this cluster does not have;
	// on two cores their CPU requests leave no room for Kyverno's four controllers (FailedScheduling:
	// Insufficient cpu). Those that have no pod Ready are scaled to zero.
	idle(t, ctx, c, appNamespace)

	// the Helm v3 CLI (scripts/tool-helm.sh), or yours (TASKBOARD_HELM)
	helm := os.Getenv("TASKBOARD_HELM")
	if helm == "" {
		helm = tool(t, root, "tool-helm.sh")
	}
	t.Run("install", func(t *testing.T) {
		chart := kyvernoChart(t)
		args := []string{"upgrade", "--install", "kyverno", chart, "--namespace", "kyverno", "--create-namespace",
			"--wait", "--timeout", "10m",
			// TestChartOnCluster applied the policies.kyverno.io CRDs already (server-side, without Helm's
			// labels); the chart's kyverno-api subchart holds the same ones: Helm adopts them.
			"--take-ownership",
			// the values docs/SETUP.md installs Kyverno with
			"--values", filepath.Join(root, "helm", "kyverno-values.yaml")}
		if caFile != "" {
			// Kyverno's controllers reach the registry over TLS with the cluster's CA: the chart's
			// global.caCertificates.data replaces their CA bundle with it.
			ca, err := os.ReadFile(caFile)
			if err != nil {
				t.Fatal(err)
			}
			vf := filepath.Join(t.TempDir(), "ca-values.yaml")
			data, _ := json.Marshal(map[string]any{"global": map[string]any{"caCertificates": map[string]any{"data": string(ca)}}})
			if err := os.WriteFile(vf, data, 0o644); err != nil {
				t.Fatal(err)
			}
			args = append(args, "--values", vf)
		}
		start := time.Now()
		out, err := exec.CommandContext(ctx, helm, args...).CombinedOutput()
		if err != nil {
			t.Logf("kyverno pods: %s", podsState(ctx, c, "kyverno"))
			t.Fatalf("helm %s: %v\n%s", strings.Join(args[:5], " "), err, out)
		}
		t.Logf("%s", strings.TrimSpace(string(out)))
		// Ready: every Deployment of the release available (helm --wait) and the admission
		// controller's webhooks registered with the API server.
		waitFor(t, "Kyverno's validating webhooks registered", 3*time.Minute, func() (bool, string, error) {
			l, err := c.kube.AdmissionregistrationV1().ValidatingWebhookConfigurations().List(ctx, metav1.ListOptions{})
			if err != nil {
				return false, err.Error(), nil
			}
			var names []string
			for _, w := range l.Items {
				names = append(names, w.Name)
			}
			return strings.Contains(strings.Join(names, " "), "kyverno-resource-validating-webhook-cfg"), strings.Join(names, " "), nil
		})
		t.Logf("kyverno ready: %d s (helm upgrade --install to the webhooks registered)", int(time.Since(start).Seconds()))
		t.Logf("kyverno pods: %s", podsState(ctx, c, "kyverno"))
	})
	if t.Failed() {
		t.FailNow()
	}
	// The chart's own test pods (readiness-checker: each controller's liveness, readiness and
	// metrics endpoints), as `helm test kyverno` runs them.
	t.Run("helm-test", func(t *testing.T) {
		out, err := exec.CommandContext(ctx, helm, "test", "kyverno", "--namespace", "kyverno", "--timeout", "5m").CombinedOutput()
		var suites []string
		for _, l := range strings.Split(string(out), "\n") {
			if f := strings.Fields(l); len(f) == 2 && (f[0] == "TEST" || f[0] == "Phase:") {
				suites = append(suites, f[1])
			} else if strings.HasPrefix(l, "TEST SUITE:") {
				suites = append(suites, strings.TrimSpace(strings.TrimPrefix(l, "TEST SUITE:")))
			}
		}
		if err != nil {
			t.Fatalf("helm test kyverno: %v\n%s", err, out)
		}
		t.Logf("helm test kyverno: %s", strings.Join(suites, " "))
	})

	// The release key (made here by the cosign CLI, as docs/SECURITY.md's key rotation does) and
	// another key, signing the images the cases run.
	cosign := tool(t, root, "tool-cosign.sh")
	release, other := cosignKeyPair(t, cosign), cosignKeyPair(t, cosign)
	repo := reg + "/taskboard-backend"
	// signed, unsigned, signed by the other key; the signed image as :latest too
	images := pushTestImages(t, root, regHost, caFile, "taskboard-backend", map[string]string{
		"signed": "signed", "unsigned": "unsigned", "otherkey": "otherkey", "latest": "signed",
		"offlog": "offlog", "unattested": "unattested", "outage": "outage"})
	// Production's transparency log: the signed image is released as the release does (signature
	// and every attestation, each in the log); the others each lack one thing.
	tl := theLog(t, ctx, c, root, reg, regHost, caFile)
	cosignRelease(t, cosign, caFile, release, regHost+"/taskboard-backend@"+images["signed"], tl, releaseAttestations(t, root))
	cosignRelease(t, cosign, caFile, release, regHost+"/taskboard-backend@"+images["outage"], tl, releaseAttestations(t, root))
	cosignRelease(t, cosign, caFile, release, regHost+"/taskboard-backend@"+images["unattested"], tl, nil)
	cosignSign(t, cosign, caFile, release, regHost+"/taskboard-backend@"+images["offlog"])
	cosignSign(t, cosign, caFile, other, regHost+"/taskboard-backend@"+images["otherkey"])

	t.Run("policies", func(t *testing.T) {
		applyTestPolicies(t, ctx, c, root, sv.GitVersion, reg, filepath.Join(release, "cosign.pub"), tl)
	})
	if t.Failed() {
		t.FailNow()
	}

	ns := appNamespace
	t.Cleanup(func() {
		for _, name := range []string{"admission-signed", "admission-unsigned", "admission-otherkey", "admission-offlog", "admission-unattested", "admission-latest", "admission-nolimits", "admission-privileged", "admission-outage"} {
			_ = c.kube.AppsV1().Deployments(ns).Delete(context.Background(), name, metav1.DeleteOptions{})
		}
	})

	t.Run("admitted/signed", func(t *testing.T) {
		// Right after a policy change the admission controller's replicas may not all hold it yet:
		// one that does not leaves the tag unpinned (its mutating webhook), one that does then
		// refuses it for having no digest. Such refusals are counted and logged with the time
		// until the Deployment is admitted; more than 30 s of them fails.
		var refusals []string
		start := time.Now()
		waitFor(t, "Deployment admission-signed admitted", 30*time.Second, func() (bool, string, error) {
			if _, err := createOrReplace(ctx, c, testDeployment("admission-signed", repo+":signed", nil)); err != nil {
				refusals = append(refusals, fmt.Sprintf("%s: %s", time.Since(start).Round(100*time.Millisecond), short(err.Error())))
				return false, short(err.Error()), nil
			}
			return true, "", nil
		})
		t.Logf("admitted %s after the policies were ready; %d refusals before: %s", time.Since(start).Round(100*time.Millisecond), len(refusals), strings.Join(refusals, " | "))
		var pod *corev1.Pod
		waitFor(t, "a pod of Deployment admission-signed Ready", 3*time.Minute, func() (bool, string, error) {
			pods, err := c.kube.CoreV1().Pods(ns).List(ctx, metav1.ListOptions{LabelSelector: "app=admission-signed"})
			if err != nil {
				return false, err.Error(), nil
			}
			for i := range pods.Items {
				p := &pods.Items[i]
				for _, cond := range p.Status.Conditions {
					if cond.Type == corev1.PodReady && cond.Status == corev1.ConditionTrue {
						pod = p
						return true, "", nil
					}
				}
			}
			return false, fmt.Sprintf("%d pods; %s; %s", len(pods.Items), podsState(ctx, c, ns, "app=admission-signed"), rsEvents(ctx, c, ns, "admission-signed")), nil
		})
		// mutateDigest: the tag was pinned to the digest Kyverno verified
		img := pod.Spec.Containers[0].Image
		t.Logf("pod %s Ready, image %s", pod.Name, img)
		if !strings.HasSuffix(img, "@"+images["signed"]) {
			got, _ := c.kube.AppsV1().Deployments(ns).Get(ctx, "admission-signed", metav1.GetOptions{})
			t.Errorf("the pod's image %s is not pinned to the signed digest %s (mutateDigest); the Deployment names %s", img, images["signed"], got.Spec.Template.Spec.Containers[0].Image)
		}
	})

	// Argo CD's own workloads, from its upstream manifests/install.yaml (the version docs/SETUP.md
	// installs), as the API server would take them in its namespace now that Kyverno enforces: a
	// server-side dry run, through the webhooks. They set no requests or limits: the policies must
	// leave the argocd namespace alone (excludeNamespaces).
	t.Run("admitted/argocd-install", func(t *testing.T) {
		files := moduleFiles(t, argoCDModule, "manifests")
		data := files[argoCDModule+"/manifests/install.yaml"]
		if data == nil {
			t.Fatalf("no manifests/install.yaml in %s", argoCDModule)
		}
		n := 0
		for _, o := range decode(t, "install.yaml", data) {
			if k := o.GetKind(); k != "Deployment" && k != "StatefulSet" {
				continue
			}
			o.SetNamespace(argoCDNamespace)
			m, err := c.mapper.RESTMapping(o.GroupVersionKind().GroupKind(), o.GroupVersionKind().Version)
			if err != nil {
				t.Fatal(err)
			}
			_, err = c.dyn.Resource(m.Resource).Namespace(argoCDNamespace).Apply(ctx, o.GetName(), o,
				metav1.ApplyOptions{FieldManager: fieldManager, Force: true, DryRun: []string{metav1.DryRunAll}})
			if err != nil {
				t.Errorf("%s refused: %v", describe(o), err)
			}
			n++
		}
		t.Logf("%d Argo CD workloads admitted in namespace %s (server-side dry run)", n, argoCDNamespace)
	})

	// Each refusal: the policy that refuses and the words of its message. Every one of them lands on
	// the Deployment itself, as an API error (what kubectl apply, helm and Argo CD's sync result
	// show): Kyverno generates the Deployment, StatefulSet, DaemonSet, Job and CronJob variants of a
	// policy that matches only pods (autogen), for the ImageValidatingPolicy too. A Deployment that
	// got through, with its pods refused in the ReplicaSet's FailedCreate events, fails the case.
	cases := []struct {
		name, policy, message string
		image                 string
		mutate                func(*corev1.Container)
	}{
		{"unsigned", "verify-image-signatures", "signature: an image is not signed with a release key", repo + ":unsigned", nil},
		{"otherkey", "verify-image-signatures", "signature: an image is not signed with a release key", repo + ":otherkey", nil},
		// the release key, but the signature is not in the transparency log
		{"offlog", "verify-image-signatures", "signature: an image is not signed with a release key", repo + ":offlog", nil},
		// signed through the log, without the attestations
		{"unattested", "verify-image-signatures", "SBOM: an image has no SPDX SBOM attestation", repo + ":unattested", nil},
		{"latest", "disallow-latest-tag", `must not use the tag "latest"`, repo + ":latest", nil},
		{"nolimits", "require-requests-limits", "spec.containers[*].resources.limits.cpu and .memory are required", repo + ":signed",
			func(c *corev1.Container) { c.Resources.Limits = nil }},
		{"privileged", "pod-security-restricted", "spec.containers[*].securityContext.privileged must be unset or false", repo + ":signed",
			func(c *corev1.Container) {
				// the API server itself refuses privileged with allowPrivilegeEscalation false
				c.SecurityContext.Privileged, c.SecurityContext.AllowPrivilegeEscalation = ptr(true), nil
			}},
	}
	for _, tc := range cases {
		t.Run("refused/"+tc.name, func(t *testing.T) {
			name := "admission-" + tc.name
			_, err := createOrReplace(ctx, c, testDeployment(name, tc.image, tc.mutate))
			if err != nil {
				// refused at the API: what kubectl apply, helm and Argo CD's sync result show
				msg := err.Error()
				t.Logf("Deployment %s refused by the API server: %s", name, short(msg))
				if !apierrors.IsBadRequest(err) && !apierrors.IsForbidden(err) && !apierrors.IsInvalid(err) {
					t.Errorf("not an admission refusal: %v", err)
				}
				if !strings.Contains(msg, tc.policy) || !strings.Contains(msg, tc.message) {
					t.Errorf("the refusal does not name policy %s with %q: %s", tc.policy, tc.message, msg)
				}
				return
			}
			// admitted as a Deployment: say where its pods ended, for the record
			time.Sleep(10 * time.Second)
			t.Errorf("Deployment %s was admitted, not refused by %s (autogen); its ReplicaSet's events: %s; its pods: %s",
				name, tc.policy, rsEvents(ctx, c, ns, name), podsState(ctx, c, ns, "app="+name))
		})
	}

	// The registry down: Kyverno cannot read the signature of an image it has not verified yet
	// (released in full, as the signed one), and the policies fail closed (failurePolicy Fail):
	// the Deployment is refused while the registry is stopped, and admitted once it is back.
	t.Run("refused/registry-down", func(t *testing.T) {
		resume := stopRegistry(t)
		start := time.Now()
		_, err := createOrReplace(ctx, c, testDeployment("admission-outage", repo+":outage", nil))
		took := time.Since(start)
		resume()
		if err == nil {
			t.Fatalf("Deployment admission-outage was admitted while the registry was stopped")
		}
		t.Logf("refused with the registry stopped, after %s: %s", took.Round(100*time.Millisecond), short(err.Error()))
		waitFor(t, "Deployment admission-outage admitted with the registry back", 2*time.Minute, func() (bool, string, error) {
			if _, err := createOrReplace(ctx, c, testDeployment("admission-outage", repo+":outage", nil)); err != nil {
				return false, short(err.Error()), nil
			}
			return true, "", nil
		})
	})
}

// stopRegistry stops (SIGSTOP) the node's registry of make test-cluster's own cluster, as an outage
// that leaves connections hanging; the function it returns resumes it (and so does the test's end).
// On another cluster the registry is not this test's to stop: the case is skipped, saying so.
func stopRegistry(t *testing.T) (resume func()) {
	t.Helper()
	ca := os.Getenv("TASKBOARD_CLUSTER_CA")
	if os.Getenv("TASKBOARD_CLUSTER_NS_PID") == "" || ca == "" {
		t.Skip("SKIPPED on purpose on the cluster KUBECONFIG names: its registry is not this test's to stop; make test-cluster without KUBECONFIG (its own cluster) runs this case")
	}
	config := filepath.Join(filepath.Dir(filepath.Dir(ca)), "registry", "config.yml") // state/pki/ca.crt
	procs, _ := filepath.Glob("/proc/[0-9]*/cmdline")
	pid := 0
	for _, p := range procs {
		data, err := os.ReadFile(p)
		if err != nil {
			continue
		}
		args := strings.Split(strings.TrimRight(string(data), "\x00"), "\x00")
		if len(args) == 3 && filepath.Base(args[0]) == "registry" && args[1] == "serve" && args[2] == config {
			pid, _ = strconv.Atoi(filepath.Base(filepath.Dir(p)))
		}
	}
	if pid == 0 {
		t.Fatalf("no process runs registry serve %s", config)
	}
	if err := syscall.Kill(pid, syscall.SIGSTOP); err != nil {
		t.Fatal(err)
	}
	var once sync.Once
	resume = func() { once.Do(func() { syscall.Kill(pid, syscall.SIGCONT) }) }
	t.Cleanup(resume)
	return resume
}

// idle scales to zero the Deployments of ns that have no replica Ready, and removes at once their
// pods that never started a container: the kubelet would otherwise hold each (and its CPU request)
// until its image pull, which cannot succeed here, gives up.
func idle(t *testing.T, ctx context.Context, c *cluster, ns string) {
	t.Helper()
	l, err := c.kube.AppsV1().Deployments(ns).List(ctx, metav1.ListOptions{})
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range l.Items {
		if d.Status.ReadyReplicas > 0 || (d.Spec.Replicas != nil && *d.Spec.Replicas == 0) {
			continue
		}
		s, err := c.kube.AppsV1().Deployments(ns).GetScale(ctx, d.Name, metav1.GetOptions{})
		if err != nil {
			t.Fatal(err)
		}
		s.Spec.Replicas = 0
		if _, err := c.kube.AppsV1().Deployments(ns).UpdateScale(ctx, d.Name, s, metav1.UpdateOptions{}); err != nil {
			t.Fatalf("scale %s to 0: %v", d.Name, err)
		}
		t.Logf("Deployment %s/%s (no replica Ready) scaled to 0: its CPU requests are Kyverno's room", ns, d.Name)
		sel, err := metav1.LabelSelectorAsSelector(d.Spec.Selector)
		if err != nil {
			t.Fatal(err)
		}
		pods, err := c.kube.CoreV1().Pods(ns).List(ctx, metav1.ListOptions{LabelSelector: sel.String()})
		if err != nil {
			t.Fatal(err)
		}
		for _, p := range pods.Items {
			started := false
			for _, cs := range p.Status.ContainerStatuses {
				started = started || cs.State.Running != nil || cs.State.Terminated != nil || cs.LastTerminationState.Terminated != nil
			}
			if !started {
				_ = c.kube.CoreV1().Pods(ns).Delete(ctx, p.Name, metav1.DeleteOptions{GracePeriodSeconds: ptr(int64(0))})
			}
		}
	}
}

// tool runs one of scripts/tool-*.sh (built once, cached) and returns the binary's path.
func tool(t *testing.T, root, script string) string {
	t.Helper()
	out, err := exec.Command("bash", filepath.Join(root, "scripts", script)).Output()
	if err != nil {
		t.Fatalf("scripts/%s: %v", script, err)
	}
	return strings.TrimSpace(string(out))
}

// kyvernoChart puts together Kyverno's chart as `helm pull kyverno/kyverno --version 3.9.1` gives
// it: charts/kyverno of the v1.19.1 module, with its dependencies from the modules they are
// published from (kyverno-api, openreports), and for reports-server (off by default, and not on the
// module proxy) an empty chart of its name, so that Helm's check that every dependency is present
// passes; reportsServer.enabled stays false, so it renders nothing.
func kyvernoChart(t *testing.T) string {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "kyverno")
	copyDir(t, filepath.Join(moduleDir(t, kyvernoModule), "charts", "kyverno"), dir)
	copyDir(t, filepath.Join(moduleDir(t, kyvernoAPIModule), "charts", "kyverno-api"), filepath.Join(dir, "charts", "kyverno-api"))
	copyDir(t, filepath.Join(moduleDir(t, openReportsModule), "charts", "openreports"), filepath.Join(dir, "charts", "openreports"))
	stub := filepath.Join(dir, "charts", "reports-server")
	if err := os.MkdirAll(stub, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(stub, "Chart.yaml"), []byte("apiVersion: v2\nname: reports-server\nversion: 0.1.6\ndescription: placeholder (reportsServer.enabled is false)\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(filepath.Join(dir, "Chart.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(data), "version: "+kyvernoChartVersion) {
		t.Fatalf("%s is not chart version %s", filepath.Join(dir, "Chart.yaml"), kyvernoChartVersion)
	}
	return dir
}

// moduleDir is the extracted module in Go's module cache (downloaded through GOPROXY).
func moduleDir(t *testing.T, mod string) string {
	t.Helper()
	out, err := exec.Command("go", "mod", "download", "-json", mod).Output()
	var info struct{ Dir, Error string }
	if jerr := json.Unmarshal(out, &info); jerr != nil || info.Dir == "" {
		t.Fatalf("go mod download %s: %v %s", mod, err, info.Error)
	}
	return info.Dir
}

func copyDir(t *testing.T, src, dst string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(dst), 0o755); err != nil {
		t.Fatal(err)
	}
	// the module cache is read-only: the copy must be writable (Helm writes nothing, the test's
	// TempDir cleanup removes it)
	if out, err := exec.Command("cp", "-r", "--no-preserve=mode", src, dst).CombinedOutput(); err != nil {
		t.Fatalf("cp %s: %v %s", src, err, out)
	}
}

// cosignKeyPair makes a key pair with the cosign CLI (empty password) in a folder of its own.
func cosignKeyPair(t *testing.T, cosign string) string {
	t.Helper()
	dir := t.TempDir()
	cmd := exec.Command(cosign, "generate-key-pair")
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "HOME="+dir, "COSIGN_PASSWORD=")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("cosign generate-key-pair: %v\n%s", err, out)
	}
	return dir
}

// cosignSign signs ref (repo@digest) with the key of dir as the release signed before it recorded
// in a transparency log: a signature at the image's .sig tag, and nothing in any log.
func cosignSign(t *testing.T, cosign, caFile, dir, ref string) {
	t.Helper()
	for _, args := range [][]string{
		{"sign", "--key", "cosign.key", "--tlog-upload=false", "--use-signing-config=false", "--new-bundle-format=false", "--yes", ref},
		{"verify", "--key", "cosign.pub", "--insecure-ignore-tlog=true", ref},
	} {
		runCosign(t, cosign, caFile, dir, nil, args...)
	}
}

// runCosign runs the cosign CLI in the key folder dir, with nothing of the host's configuration
// (its own HOME, Docker config and TUF root), the key's empty password, caFile's roots and env.
func runCosign(t *testing.T, cosign, caFile, dir string, env []string, args ...string) {
	t.Helper()
	cmd := exec.Command(cosign, args...)
	cmd.Dir = dir
	cmd.Env = append(append(os.Environ(), "HOME="+dir, "DOCKER_CONFIG="+dir, "TUF_ROOT="+dir, "COSIGN_PASSWORD="), env...)
	if caFile != "" {
		cmd.Env = append(cmd.Env, "SSL_CERT_FILE="+caFile)
	}
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("cosign %s: %v\n%s", strings.Join(args, " "), err, out)
	}
}

// pushTestImages builds one small image per variant (the cluster's static pause program, and a
// file naming the variant, so that each has a digest of its own) and pushes it to host/repo:tag for
// each tag of that variant (tags maps tag to variant); it returns the digests by tag.
func pushTestImages(t *testing.T, root, host, caFile, repo string, tags map[string]string) map[string]string {
	t.Helper()
	bin := t.TempDir()
	cmd := exec.Command("go", "build", "-trimpath", "-o", bin+"/", "./cmd/pause")
	cmd.Dir, cmd.Env = filepath.Join(root, "hack", "cluster"), append(os.Environ(), "CGO_ENABLED=0")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go build ./cmd/pause: %v\n%s", err, out)
	}
	mk := mkimage(t, root)
	pause, err := os.ReadFile(filepath.Join(bin, "pause"))
	if err != nil {
		t.Fatal(err)
	}
	type built struct{ oci, digest string }
	variants := map[string]built{}
	digests := map[string]string{}
	for _, tag := range sortedKeys(tags) {
		variant := tags[tag]
		b, ok := variants[variant]
		if !ok {
			w := t.TempDir()
			rootfs := filepath.Join(w, "rootfs")
			if err := os.MkdirAll(rootfs, 0o755); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(filepath.Join(rootfs, "pause"), pause, 0o755); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(filepath.Join(rootfs, "variant"), []byte(variant+"\n"), 0o644); err != nil {
				t.Fatal(err)
			}
			conf := filepath.Join(w, "image.conf")
			if err := os.WriteFile(conf, []byte(`{"entrypoint":["/pause"],"user":"65532:65532"}`), 0o644); err != nil {
				t.Fatal(err)
			}
			out, err := exec.Command(mk, "build", "-out", filepath.Join(w, "oci"), "-conf", conf, "-ref", repo+":"+variant, rootfs).Output()
			if err != nil {
				t.Fatalf("mkimage build: %v", err)
			}
			b = built{filepath.Join(w, "oci"), strings.TrimSpace(string(out))}
			variants[variant] = b
		}
		pushOCI(t, mk, caFile, b.oci, host+"/"+repo+":"+tag)
		digests[tag] = b.digest
		t.Logf("pushed %s/%s:%s (%s)", host, repo, tag, b.digest)
	}
	return digests
}

func sortedKeys(m map[string]string) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// testDeployment is one replica of the test image that every policy admits: requests and limits,
// non-root, no privilege escalation, all capabilities dropped, RuntimeDefault seccomp, read-only
// root filesystem. mutate breaks one of those.
func testDeployment(name, image string, mutate func(*corev1.Container)) *appsv1.Deployment {
	ctr := corev1.Container{
		Name:  "app",
		Image: image,
		Resources: corev1.ResourceRequirements{
			Requests: corev1.ResourceList{corev1.ResourceCPU: resource.MustParse("10m"), corev1.ResourceMemory: resource.MustParse("16Mi")},
			Limits:   corev1.ResourceList{corev1.ResourceCPU: resource.MustParse("50m"), corev1.ResourceMemory: resource.MustParse("32Mi")},
		},
		SecurityContext: &corev1.SecurityContext{
			RunAsNonRoot:             ptr(true),
			RunAsUser:                ptr(int64(65532)),
			AllowPrivilegeEscalation: ptr(false),
			ReadOnlyRootFilesystem:   ptr(true),
			Capabilities:             &corev1.Capabilities{Drop: []corev1.Capability{"ALL"}},
			SeccompProfile:           &corev1.SeccompProfile{Type: corev1.SeccompProfileTypeRuntimeDefault},
		},
	}
	if mutate != nil {
		mutate(&ctr)
	}
	lbl := map[string]string{"app": name}
	return &appsv1.Deployment{
		ObjectMeta: metav1.ObjectMeta{Name: name, Namespace: appNamespace, Labels: lbl},
		Spec: appsv1.DeploymentSpec{
			Replicas: ptr(int32(1)),
			Selector: &metav1.LabelSelector{MatchLabels: lbl},
			Template: corev1.PodTemplateSpec{
				ObjectMeta: metav1.ObjectMeta{Labels: lbl},
				Spec: corev1.PodSpec{
					AutomountServiceAccountToken:  ptr(false),
					TerminationGracePeriodSeconds: ptr(int64(2)),
					Containers:                    []corev1.Container{ctr},
				},
			},
		},
	}
}

// createOrReplace creates d, deleting one left by an earlier run first.
func createOrReplace(ctx context.Context, c *cluster, d *appsv1.Deployment) (*appsv1.Deployment, error) {
	fg := metav1.DeletePropagationForeground
	if err := c.kube.AppsV1().Deployments(d.Namespace).Delete(ctx, d.Name, metav1.DeleteOptions{PropagationPolicy: &fg}); err == nil {
		for i := 0; i < 60; i++ {
			if _, err := c.kube.AppsV1().Deployments(d.Namespace).Get(ctx, d.Name, metav1.GetOptions{}); apierrors.IsNotFound(err) {
				break
			}
			time.Sleep(time.Second)
		}
	}
	return c.kube.AppsV1().Deployments(d.Namespace).Create(ctx, d, metav1.CreateOptions{FieldManager: fieldManager})
}

// rsEvents is the events of the ReplicaSets of Deployment name, oldest first, one line each.
func rsEvents(ctx context.Context, c *cluster, ns, name string) string {
	rss, err := c.kube.AppsV1().ReplicaSets(ns).List(ctx, metav1.ListOptions{LabelSelector: labels.Set{"app": name}.String()})
	if err != nil || len(rss.Items) == 0 {
		return "no ReplicaSet"
	}
	var lines []string
	for _, rs := range rss.Items {
		ev, err := c.kube.CoreV1().Events(ns).List(ctx, metav1.ListOptions{FieldSelector: "involvedObject.kind=ReplicaSet,involvedObject.name=" + rs.Name})
		if err != nil {
			continue
		}
		for _, e := range ev.Items {
			lines = append(lines, fmt.Sprintf("%s %s %s: %s", rs.Name, e.Type, e.Reason, e.Message))
		}
	}
	if len(lines) == 0 {
		return "no events"
	}
	return strings.Join(lines, " | ")
}

func podsState(ctx context.Context, c *cluster, ns string, selector ...string) string {
	opts := metav1.ListOptions{}
	if len(selector) > 0 {
		opts.LabelSelector = selector[0]
	}
	pods, err := c.kube.CoreV1().Pods(ns).List(ctx, opts)
	if err != nil {
		return err.Error()
	}
	var s []string
	for i := range pods.Items {
		s = append(s, pods.Items[i].Name+": "+podState(&pods.Items[i]))
	}
	return strings.Join(s, "; ")
}

func ptr[T any](v T) *T { return &v }
