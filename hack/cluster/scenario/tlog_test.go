package scenario

import (
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"dagger/pipeline/rekorlog"
	"dagger/pipeline/sigstoretrust"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/util/intstr"
)

// transparency is production's transparency log on the test cluster, as docs/SECURITY.md sets up
// a private one: a Rekor log (ci/rekorlog) where the cosign CLI records each signature and
// attestation, and its TUF repository (dagger call sigstore-trust's ci/sigstoretrust), served in
// the cluster by busybox's httpd, where Kyverno reads the log's key. Kyverno checks each entry's
// signed timestamp offline, so only the signing host needs the log itself.
type transparency struct {
	log *rekorlog.Log
	// url is the log's address in the policy: on make test-cluster's own cluster, the node
	// address, where a release run by the Dagger engine reaches it too (make
	// test-cluster-release); otherwise the log's own, on this host.
	url          string
	mirror, root string // the policy's transparencyLog.tuf
	dir          string // the log's state and logs
}

// clusterLog is the package's one log, made by the first scenario that signs: a second log would
// need a second TUF root, which Kyverno, holding the first, would refuse. TestMain stops it.
var clusterLog *transparency

const tufNamespace = "sigstore-tuf"

func TestMain(m *testing.M) {
	code := m.Run()
	if clusterLog != nil {
		clusterLog.log.Stop()
		os.RemoveAll(clusterLog.dir)
	}
	os.Exit(code)
}

// theLog starts the log and serves its TUF repository in the cluster, once.
func theLog(t *testing.T, ctx context.Context, c *cluster, root, reg, regHost, caFile string) *transparency {
	t.Helper()
	if clusterLog != nil {
		return clusterLog
	}
	dir, err := os.MkdirTemp("", "cluster-rekor-")
	if err != nil {
		t.Fatal(err)
	}
	log, err := rekorlog.Start(ctx, rekorlog.Options{Repo: root, Dir: dir})
	if err != nil {
		t.Fatal(err)
	}
	url := log.URL
	if pid := os.Getenv("TASKBOARD_CLUSTER_NS_PID"); pid != "" {
		url = "http://" + forwardFromNetns(t, pid, strings.TrimPrefix(log.URL, "http://"))
	}
	trustedRoot, err := sigstoretrust.TrustedRoot(sigstoretrust.Log{URL: url, PublicKeyPEM: log.PublicKeyPEM, ValidFrom: log.Started})
	if err != nil {
		log.Stop()
		t.Fatal(err)
	}
	_, key, _ := ed25519.GenerateKey(rand.Reader)
	repo, err := sigstoretrust.NewRepository(trustedRoot, key, time.Now().Add(24*time.Hour))
	if err != nil {
		log.Stop()
		t.Fatal(err)
	}
	clusterLog = &transparency{log: log, url: url, dir: dir, root: base64.StdEncoding.EncodeToString(repo.Root),
		mirror: "http://tuf." + tufNamespace + ".svc.cluster.local"}
	oci, busybox := airgapImage(t, root, "busybox")
	pushOCI(t, mkimage(t, root), caFile, oci, regHost+"/docker-hub/library/busybox:1.37.0")
	serveTUF(t, ctx, c, repo, reg+"/docker-hub/library/busybox:1.37.0@"+busybox)
	t.Logf("transparency log %s (%s in the policy); its TUF repository at %s", log.URL, url, clusterLog.mirror)
	return clusterLog
}

// values is what the policies' values-production.yaml gets for this log: the log is on already,
// at Sigstore's public-good Rekor, which this cluster cannot reach.
func (tl *transparency) values() map[string]any {
	return map[string]any{"enabled": true, "url": tl.url, "tuf": map[string]any{"mirror": tl.mirror, "root": tl.root}}
}

// serveTUF serves the repository's files from a ConfigMap with busybox httpd, behind Service tuf.
func serveTUF(t *testing.T, ctx context.Context, c *cluster, repo *sigstoretrust.Repository, image string) {
	t.Helper()
	if _, err := c.kube.CoreV1().Namespaces().Create(ctx, &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: tufNamespace}}, metav1.CreateOptions{}); err != nil && !strings.Contains(err.Error(), "already exists") {
		t.Fatal(err)
	}
	cm := &corev1.ConfigMap{ObjectMeta: metav1.ObjectMeta{Name: "tuf", Namespace: tufNamespace}, Data: map[string]string{}}
	var items []corev1.KeyToPath
	names := make([]string, 0, len(repo.Files))
	for name := range repo.Files {
		names = append(names, name)
	}
	sort.Strings(names)
	for i, name := range names {
		k := fmt.Sprintf("f%d", i) // ConfigMap keys hold no "/": each file goes back to its path
		cm.Data[k] = string(repo.Files[name])
		items = append(items, corev1.KeyToPath{Key: k, Path: name})
	}
	lbl := map[string]string{"app": "tuf"}
	d := &appsv1.Deployment{
		ObjectMeta: metav1.ObjectMeta{Name: "tuf", Namespace: tufNamespace, Labels: lbl},
		Spec: appsv1.DeploymentSpec{
			Replicas: ptr(int32(1)),
			Selector: &metav1.LabelSelector{MatchLabels: lbl},
			Template: corev1.PodTemplateSpec{
				ObjectMeta: metav1.ObjectMeta{Labels: lbl},
				Spec: corev1.PodSpec{
					AutomountServiceAccountToken: ptr(false),
					Containers: []corev1.Container{{
						Name: "httpd", Image: image,
						Command: []string{"httpd", "-f", "-v", "-p", "8080", "-h", "/srv/tuf"},
						Ports:   []corev1.ContainerPort{{ContainerPort: 8080}},
						ReadinessProbe: &corev1.Probe{ProbeHandler: corev1.ProbeHandler{
							HTTPGet: &corev1.HTTPGetAction{Path: "/timestamp.json", Port: intstr.FromInt32(8080)}}},
						Resources: corev1.ResourceRequirements{
							Requests: corev1.ResourceList{corev1.ResourceCPU: resource.MustParse("5m"), corev1.ResourceMemory: resource.MustParse("8Mi")},
							Limits:   corev1.ResourceList{corev1.ResourceCPU: resource.MustParse("50m"), corev1.ResourceMemory: resource.MustParse("32Mi")},
						},
						SecurityContext: &corev1.SecurityContext{
							RunAsNonRoot: ptr(true), RunAsUser: ptr(int64(65532)), AllowPrivilegeEscalation: ptr(false),
							ReadOnlyRootFilesystem: ptr(true), Capabilities: &corev1.Capabilities{Drop: []corev1.Capability{"ALL"}},
							SeccompProfile: &corev1.SeccompProfile{Type: corev1.SeccompProfileTypeRuntimeDefault},
						},
						VolumeMounts: []corev1.VolumeMount{{Name: "tuf", MountPath: "/srv/tuf", ReadOnly: true}},
					}},
					Volumes: []corev1.Volume{{Name: "tuf", VolumeSource: corev1.VolumeSource{ConfigMap: &corev1.ConfigMapVolumeSource{
						LocalObjectReference: corev1.LocalObjectReference{Name: "tuf"}, Items: items}}}},
				},
			},
		},
	}
	svc := &corev1.Service{
		ObjectMeta: metav1.ObjectMeta{Name: "tuf", Namespace: tufNamespace},
		Spec:       corev1.ServiceSpec{Selector: lbl, Ports: []corev1.ServicePort{{Port: 80, TargetPort: intstr.FromInt32(8080)}}},
	}
	cm.TypeMeta = metav1.TypeMeta{APIVersion: "v1", Kind: "ConfigMap"}
	d.TypeMeta = metav1.TypeMeta{APIVersion: "apps/v1", Kind: "Deployment"}
	svc.TypeMeta = metav1.TypeMeta{APIVersion: "v1", Kind: "Service"}
	for _, o := range []runtime.Object{cm, d, svc} {
		m, err := runtime.DefaultUnstructuredConverter.ToUnstructured(o)
		if err != nil {
			t.Fatal(err)
		}
		obj := &unstructured.Unstructured{Object: m}
		if err := c.apply(ctx, obj, tufNamespace); err != nil {
			t.Fatalf("the TUF repository's %s refused: %v", obj.GetKind(), err)
		}
	}
	waitRolledOut(t, ctx, c, tufNamespace, "Deployment", "tuf")
}

// releaseAttestations writes the four predicates the release attests (ci/signing), as small as
// production's policy admits: an SPDX SBOM (Syft's, of the test data), a SLSA v1 provenance
// from this repository's release, a vulnerability scan finished now with no finding, and an
// OpenVEX document with no statement. It returns cosign's --type for each file.
func releaseAttestations(t *testing.T, root string) map[string]string {
	t.Helper()
	dir := t.TempDir()
	now := time.Now().UTC().Format(time.RFC3339)
	const repository = "https://github.com/devsecops-reference/taskboard" // helm/policies' sourceRepository
	files := map[string]any{
		"provenance.json": map[string]any{
			"buildDefinition": map[string]any{"buildType": "https://taskboard.dev/release/v1",
				"externalParameters": map[string]any{"repository": repository}},
			"runDetails": map[string]any{"builder": map[string]any{"id": repository + "/ci/release"}},
		},
		"vuln.json": map[string]any{
			"scanner":  map[string]any{"uri": "pkg:github/aquasecurity/trivy@v0.74.0", "version": "0.74.0", "result": map[string]any{"Results": []any{}}},
			"metadata": map[string]any{"scanStartedOn": now, "scanFinishedOn": now},
		},
		"vex.json": map[string]any{"@context": "https://openvex.dev/ns/v0.2.0", "@id": "https://taskboard.dev/vex/cluster",
			"author": "make test-cluster", "timestamp": now, "version": 1, "statements": []any{}},
	}
	types := map[string]string{"provenance.json": "slsaprovenance1", "vuln.json": "vuln", "vex.json": "openvex"}
	for name, v := range files {
		data, _ := json.Marshal(v)
		if err := os.WriteFile(filepath.Join(dir, name), data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	types[filepath.Join(root, "ci", "sbom", "testdata", "syft-spdx.json")] = "spdxjson"
	out := map[string]string{}
	for name, typ := range types {
		if !filepath.IsAbs(name) {
			name = filepath.Join(dir, name)
		}
		out[name] = typ
	}
	return out
}

// cosignRelease signs ref (repo@digest) with the key of dir as the release does, recording the
// signature in the log, attests each predicate the same way, and checks both by hand as
// docs/SECURITY.md's operator does with a private log.
func cosignRelease(t *testing.T, cosign, caFile, dir, ref string, tl *transparency, predicates map[string]string) {
	t.Helper()
	logFlags := []string{"--tlog-upload=true", "--rekor-url", tl.log.URL, "--use-signing-config=false", "--new-bundle-format=false", "--yes"}
	runs := [][]string{append([]string{"sign", "--key", "cosign.key"}, append(logFlags, ref)...)}
	for _, file := range sortedKeys(predicates) {
		runs = append(runs, append([]string{"attest", "--key", "cosign.key", "--type", predicates[file], "--predicate", file}, append(logFlags, ref)...))
	}
	runs = append(runs, []string{"verify", "--key", "cosign.pub", "--offline=true", ref})
	for _, file := range sortedKeys(predicates) {
		runs = append(runs, []string{"verify-attestation", "--key", "cosign.pub", "--offline=true", "--type", predicates[file], ref})
	}
	rekorPub := filepath.Join(dir, "rekor.pub")
	if err := os.WriteFile(rekorPub, tl.log.PublicKeyPEM, 0o644); err != nil {
		t.Fatal(err)
	}
	for _, args := range runs {
		runCosign(t, cosign, caFile, dir, []string{"SIGSTORE_REKOR_PUBLIC_KEY=" + rekorPub}, args...)
	}
}
