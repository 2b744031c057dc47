package scenario

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/util/intstr"
)

// The drill's namespace, apart from TestChartOnCluster's: losing its database touches nothing else.
const drillNamespace = "taskboard-backup-drill"

// The drill's S3 store: versitygw in a pod, its root keys in a Secret that the chart's
// backup.s3.credentialsSecret names (an S3-compatible store has no IRSA).
const (
	s3Secret  = "taskboard-backup-s3"
	s3Access  = "drill-access-key"
	s3Key     = "drill-secret-key-0123456789abcdef"
	s3Region  = "us-east-1"
	s3Bucket  = "taskboard-drill"
	s3Port    = 7070
	s3Service = "versitygw"
)

// TestBackupDrill is docs/BACKUP.md's drill on a cluster, through the chart's own objects: the
// production render (backups on) with the backend image built from this repository and an
// S3-compatible store in the cluster, tasks written through the backend's API, the chart's backup
// CronJob run now, the object checked in S3, the database lost (StatefulSet and its claim deleted)
// and brought back empty, then the chart's suspended restore CronJob run: the same rows, ids,
// timestamps and sequence position come back and a new task gets a new id. A corrupt object is
// refused by the restore Job, and a backup to a missing bucket fails its Job.
//
// Images: TASKBOARD_CLUSTER_BACKEND_IMAGE (repository:tag@digest, given to the chart as
// backend.image; make test-cluster builds it from backend/ with ../images.sh and loads it as
// taskboard.test/taskboard-backend, a name no release uses) and TASKBOARD_CLUSTER_VERSITYGW_IMAGE
// (any reference the cluster can pull).
func TestBackupDrill(t *testing.T) {
	c := connect(t)
	root := repoRoot(t)
	backendRef, versitygwRef := os.Getenv("TASKBOARD_CLUSTER_BACKEND_IMAGE"), os.Getenv("TASKBOARD_CLUSTER_VERSITYGW_IMAGE")
	if backendRef == "" || versitygwRef == "" {
		t.Fatal("TASKBOARD_CLUSTER_BACKEND_IMAGE and TASKBOARD_CLUSTER_VERSITYGW_IMAGE must name images the cluster can pull: " +
			"make test-cluster builds them with hack/cluster/images.sh and loads them into its own cluster; for yours, load " +
			"those OCI layouts (kind load image-archive) and set both (repository:tag@sha256:...)")
	}
	beRepo, beTag, beDigest, err := splitRef(backendRef)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 15*time.Minute)
	defer cancel()
	sv, err := c.kube.Discovery().ServerVersion()
	if err != nil {
		t.Fatal(err)
	}
	d := &drill{t: t, c: c, ctx: ctx, ns: drillNamespace}
	d.freshNamespace()

	// --- S3 in the cluster, and the Secrets made out of band (the database's, the store's keys)
	secrets := []*corev1.Secret{
		{ObjectMeta: metav1.ObjectMeta{Name: dbSecret}, StringData: map[string]string{
			"postgres-password": "test-cluster-only",
			"database-url":      "postgres://taskboard:test-cluster-only@taskboard-postgresql:5432/taskboard?sslmode=disable",
		}},
		{ObjectMeta: metav1.ObjectMeta{Name: s3Secret}, StringData: map[string]string{"access-key-id": s3Access, "secret-access-key": s3Key}},
	}
	for _, s := range secrets {
		if _, err := c.kube.CoreV1().Secrets(d.ns).Create(ctx, s, metav1.CreateOptions{}); err != nil {
			t.Fatal(err)
		}
	}
	d.startVersitygw(versitygwRef)

	// --- The chart: production values, with this cluster's storage class, images, and S3 store
	storageClass := os.Getenv("TASKBOARD_CLUSTER_STORAGECLASS")
	if storageClass == "" {
		storageClass = defaultStorageClass(t, ctx, c)
	}
	overrides := []string{
		fmt.Sprintf("postgresql: {persistence: {storageClass: %q}}", storageClass),
		// Production requests a whole CPU for PostgreSQL and runs at least 3 backends: with
		// TestChartOnCluster's namespace that is more than a 2-core node has. The drill needs one
		// backend and a small database.
		`postgresql: {resources: {requests: {cpu: 250m}}}`,
		`backend: {replicaCount: 1, autoscaling: {enabled: false}}`,
		fmt.Sprintf("backend: {image: {repository: %q, tag: %q, digest: %q}}", beRepo, beTag, beDigest),
		fmt.Sprintf(`backup: {s3: {bucket: %q, endpoint: "http://%s:%d", pathStyle: true, region: %q, sse: AES256, kmsKeyId: "", credentialsSecret: %q},`+
			` s3EgressTo: [{podSelector: {matchLabels: {app.kubernetes.io/name: versitygw}}}]}`, s3Bucket, s3Service, s3Port, s3Region, s3Secret),
	}
	if pg := os.Getenv("TASKBOARD_CLUSTER_POSTGRES_DIGEST"); pg != "" {
		overrides = append(overrides, fmt.Sprintf("postgresql: {image: {digest: %q}}", pg))
	} else {
		overrides = append(overrides, `postgresql: {image: {registry: docker.io}}`)
	}
	t.Logf("overrides of the production values: %s", strings.Join(overrides, "; "))
	app := render(t, filepath.Join(root, "helm", "app"), "taskboard", d.ns, sv.GitVersion,
		[]string{filepath.Join(root, "helm", "app", "values-production.yaml"), filepath.Join(root, "helm", "testdata", "released-images.yaml")},
		overrides...)
	var sts *unstructured.Unstructured
	for _, o := range app.objects {
		// The frontend's image is the release's, in a registry this cluster does not reach: its
		// pods would only wait in ErrImagePull. Everything else of the render is applied.
		if o.GetLabels()["app.kubernetes.io/component"] == "frontend" && (o.GetKind() == "Deployment" || o.GetKind() == "HorizontalPodAutoscaler") {
			t.Logf("not applied (the release's frontend image): %s", describe(o))
			continue
		}
		if o.GetKind() == "StatefulSet" {
			sts = o
		}
		if err := c.apply(ctx, o, d.ns); err != nil {
			t.Fatalf("refused: %v", err)
		}
		for _, w := range c.warn.take() {
			t.Logf("  API server warning for %s: %s", describe(o), w)
		}
	}
	if sts == nil {
		t.Fatal("the production render has no StatefulSet")
	}
	d.pgPod = sts.GetName() + "-0"
	d.waitStatefulSet(sts.GetName())
	d.waitBackendReady()
	d.createBucket(s3Bucket)

	// --- Tasks through the API: created, some done, one deleted (the sequence runs past the
	// highest id left, which only a restored sequence position keeps)
	const n = 60
	var ids []int64
	for i := range n {
		ids = append(ids, d.createTask(fmt.Sprintf("drill task %03d — été ✓ «%d»", i, i)))
	}
	for _, id := range ids[:10] {
		d.api("PATCH", fmt.Sprintf("/api/tasks/%d", id), `{"done": true}`, http.StatusOK)
	}
	d.api("DELETE", fmt.Sprintf("/api/tasks/%d", ids[n-1]), "", http.StatusNoContent)
	before := d.snapshot()
	t.Logf("written through the API: %d tasks (ids %d..%d, the last deleted), sequence at %s", n-1, ids[0], ids[n-2], before.sequence)

	// --- The chart's backup CronJob, run now (kubectl create job --from=cronjob/taskboard-backup)
	t0 := time.Now()
	job := d.jobFrom("taskboard-backup", "backup-drill", nil)
	logs := d.waitJob(job, true)
	backupTook := time.Since(t0)
	m := regexp.MustCompile(`backup ok: s3://` + s3Bucket + `/(\S+) sha256=([0-9a-f]{64}) bytes=(\d+) rows=(\d+) schema=(\d+) server=(\S+)`).FindStringSubmatch(logs)
	if m == nil {
		t.Fatalf("backup Job %s succeeded without its success line:\n%s", job, logs)
	}
	key, sum := m[1], m[2]
	t.Logf("backup Job %s: %s (Job created to Complete: %s)", job, strings.TrimSpace(logs), backupTook.Round(100*time.Millisecond))
	if m[4] != fmt.Sprint(n-1) {
		t.Errorf("backup counted %s rows, the database holds %d tasks", m[4], n-1)
	}
	head := d.headObject(key)
	t.Logf("s3://%s/%s metadata: %v, %d bytes", s3Bucket, key, head.Metadata, aws.ToInt64(head.ContentLength))
	if head.Metadata["sha256"] != sum || head.Metadata["schema-version"] != m[5] || !strings.HasPrefix(head.Metadata["server-version"], "15.") || head.Metadata["format"] == "" {
		t.Errorf("object metadata %v does not record sha256=%s, schema %s, a PostgreSQL 15 server and a format", head.Metadata, sum, m[5])
	}
	if fmt.Sprint(aws.ToInt64(head.ContentLength)) != m[3] {
		t.Errorf("object is %d bytes, the backup wrote %s", aws.ToInt64(head.ContentLength), m[3])
	}

	// --- Loss: the StatefulSet and its claim deleted; the same objects applied again (what Argo
	// CD's sync does) give a new, empty volume
	tLoss := time.Now()
	d.loseDatabase(sts)
	if err := c.apply(ctx, sts, d.ns); err != nil {
		t.Fatal(err)
	}
	d.waitStatefulSet(sts.GetName())
	if got := d.psql(`SELECT to_regclass('public.tasks') IS NULL`); got != "t" {
		t.Fatalf("the new database already has a tasks table (%q): the loss was not a loss", got)
	}
	t.Logf("database lost and back empty after %s", time.Since(tLoss).Round(time.Second))

	// --- A corrupt object is refused before the database is touched: the newest under the prefix
	// is a copy of the backup with bytes flipped, its metadata the original's
	body := d.getObject(key)
	bad := slices.Clone(body)
	for i := len(bad) / 2; i < len(bad)/2+16 && i < len(bad); i++ {
		bad[i] ^= 0xff
	}
	// named as a backup taken a minute later: the newest under the prefix
	stamp := regexp.MustCompile(`taskboard-(\d{8}T\d{6}Z)\.tar\.gz$`).FindStringSubmatch(key)
	if stamp == nil {
		t.Fatalf("backup key %q is not named taskboard-<UTC time>.tar.gz", key)
	}
	taken, err := time.Parse("20060102T150405Z", stamp[1])
	if err != nil {
		t.Fatal(err)
	}
	badKey := strings.TrimSuffix(key, stamp[0]) + "taskboard-" + taken.Add(time.Minute).Format("20060102T150405Z") + ".tar.gz"
	d.putObject(badKey, bad, head.Metadata)
	t.Logf("corrupt copy: s3://%s/%s (16 bytes flipped, the original's metadata)", s3Bucket, badKey)
	job = d.jobFrom("taskboard-restore", "restore-corrupt", nil)
	logs = d.waitJob(job, false)
	t.Logf("restore Job %s (corrupt newest object): %s", job, strings.TrimSpace(logs))
	if !strings.Contains(logs, "is corrupt or truncated") || !strings.Contains(logs, "the database was not touched") || strings.Contains(logs, "restore ok") {
		t.Errorf("restore of a corrupt object: the log does not say it was refused as corrupt:\n%s", logs)
	}
	if got := d.psql(`SELECT to_regclass('public.tasks') IS NULL`); got != "t" {
		t.Errorf("the refused restore changed the database (tasks table now exists: %q)", got)
	}

	// --- The restore of the good backup, by name (RESTORE_KEY, as docs/BACKUP.md sets it)
	t0 = time.Now()
	job = d.jobFrom("taskboard-restore", "restore-drill", map[string]string{"RESTORE_KEY": key})
	logs = d.waitJob(job, true)
	restoreTook := time.Since(t0)
	t.Logf("restore Job %s: %s (Job created to Complete: %s)", job, strings.TrimSpace(logs), restoreTook.Round(100*time.Millisecond))
	if !strings.Contains(logs, "restore ok: s3://"+s3Bucket+"/"+key+" sha256="+sum) {
		t.Errorf("restore Job's log has no success line for %s:\n%s", key, logs)
	}
	after := d.snapshot()
	if after.rows != before.rows {
		t.Errorf("restored rows differ from the backed-up ones:\nbefore %s\nafter  %s", short(before.rows), short(after.rows))
	}
	if after.sequence != before.sequence {
		t.Errorf("sequence position: %s before the loss, %s after the restore", before.sequence, after.sequence)
	}
	d.waitBackendReady()
	id := d.createTask("after the restore")
	if id <= ids[n-1] {
		t.Errorf("a task created after the restore got id %d, not above %d (the sequence went back)", id, ids[n-1])
	}
	t.Logf("restored: %d rows equal (ids, titles, done, timestamps), sequence %s; a new task got id %d; loss to backend Ready again: %s",
		n-1, after.sequence, id, time.Since(tLoss).Round(time.Second))

	// --- Over data: refused unless told to by the database's name; then, with it (docs/BACKUP.md's
	// "a named backup, or over existing data"), the backup's rows replace the new task
	withNew := d.snapshot()
	job = d.jobFrom("taskboard-restore", "restore-over-data", map[string]string{"RESTORE_KEY": key})
	logs = d.waitJob(job, false)
	t.Logf("restore Job %s (the database holds data): %s", job, strings.TrimSpace(logs))
	if !strings.Contains(logs, "database holds data") || strings.Contains(logs, "restore ok") {
		t.Errorf("a restore over data without the database's name: want `database holds data` and no success line:\n%s", logs)
	}
	if got := d.snapshot(); got != withNew {
		t.Errorf("the refused restore changed the database")
	}
	job = d.jobFrom("taskboard-restore", "restore-overwrite", map[string]string{"RESTORE_KEY": key, "RESTORE_OVERWRITE_DATABASE": "taskboard"})
	logs = d.waitJob(job, true)
	t.Logf("restore Job %s (RESTORE_OVERWRITE_DATABASE=taskboard): %s", job, strings.TrimSpace(logs))
	if got := d.snapshot(); got != before {
		t.Errorf("after the restore over data, the database is not the backup's: rows equal %v, sequence %s (want %s)", got.rows == before.rows, got.sequence, before.sequence)
	}
	// the backend's open connections keep working on the rebuilt tables
	if id := d.createTask("after the restore over data"); id <= ids[n-1] {
		t.Errorf("a task created after the restore over data got id %d, not above %d", id, ids[n-1])
	}

	// --- A backup to a missing bucket (the database up): Failed, non-zero exits, no success line
	missing := d.jobFrom("taskboard-backup", "backup-missing-bucket", map[string]string{"BACKUP_S3_BUCKET": "taskboard-drill-no-such-bucket"})
	logs = d.waitJob(missing, false)
	t.Logf("backup Job %s (missing bucket): %s", missing, short(logs))
	if !strings.Contains(logs, "backup failed") || strings.Contains(logs, "backup ok") {
		t.Errorf("backup to a missing bucket: want `backup failed` and no `backup ok` in the log:\n%s", logs)
	}
	t.Logf("measured: backup Job %s, restore Job %s (created to Complete, %d tasks)", backupTook.Round(100*time.Millisecond), restoreTook.Round(100*time.Millisecond), n-1)

	// Gone before the next scenario, which needs the node's CPU; kept for a look when it failed.
	if !t.Failed() {
		d.deleteNamespace()
	}
}

// drill is the state one TestBackupDrill run works on.
type drill struct {
	t     *testing.T
	c     *cluster
	ctx   context.Context
	ns    string
	pgPod string
	fwd   map[string]string // pod -> a port-forward's local address, kept for the test
}

// forward is a port-forward to port of pod, opened once and kept until the test ends.
func (d *drill) forward(pod string, port int) string {
	k := fmt.Sprintf("%s:%d", pod, port)
	if d.fwd == nil {
		d.fwd = map[string]string{}
	}
	if a, ok := d.fwd[k]; ok {
		return a
	}
	a, _ := d.c.portForward(d.t, d.ctx, d.ns, pod, port)
	d.fwd[k] = a
	return a
}

// freshNamespace deletes what an earlier run left and makes the namespace anew.
func (d *drill) freshNamespace() {
	d.deleteNamespace()
	if _, err := d.c.kube.CoreV1().Namespaces().Create(d.ctx, &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: d.ns}}, metav1.CreateOptions{}); err != nil {
		d.t.Fatal(err)
	}
}

func (d *drill) deleteNamespace() {
	t, c, ctx := d.t, d.c, d.ctx
	if err := c.kube.CoreV1().Namespaces().Delete(ctx, d.ns, metav1.DeleteOptions{}); err == nil {
		t.Logf("deleting namespace %s", d.ns)
	}
	waitFor(t, "namespace "+d.ns+" gone", 3*time.Minute, func() (bool, string, error) {
		ns, err := c.kube.CoreV1().Namespaces().Get(ctx, d.ns, metav1.GetOptions{})
		if apierrors.IsNotFound(err) {
			return true, "", nil
		}
		if err != nil {
			return false, err.Error(), nil
		}
		return false, string(ns.Status.Phase), nil
	})
}

// startVersitygw runs the S3 server as a pod of the namespace, hardened like the chart's pods,
// serving an emptyDir, behind a Service.
func (d *drill) startVersitygw(image string) {
	t, c, ctx := d.t, d.c, d.ctx
	labels := map[string]string{"app.kubernetes.io/name": "versitygw"}
	no, yes, uid := false, true, int64(65532)
	fromSecret := func(key string) *corev1.EnvVarSource {
		return &corev1.EnvVarSource{SecretKeyRef: &corev1.SecretKeySelector{LocalObjectReference: corev1.LocalObjectReference{Name: s3Secret}, Key: key}}
	}
	rl := corev1.ResourceList{corev1.ResourceCPU: resource.MustParse("500m"), corev1.ResourceMemory: resource.MustParse("256Mi")}
	pod := &corev1.Pod{
		ObjectMeta: metav1.ObjectMeta{Name: "versitygw", Labels: labels},
		Spec: corev1.PodSpec{
			AutomountServiceAccountToken: &no,
			SecurityContext: &corev1.PodSecurityContext{RunAsNonRoot: &yes, RunAsUser: &uid, RunAsGroup: &uid, FSGroup: &uid,
				SeccompProfile: &corev1.SeccompProfile{Type: corev1.SeccompProfileTypeRuntimeDefault}},
			Containers: []corev1.Container{{
				Name: "versitygw", Image: image, ImagePullPolicy: corev1.PullIfNotPresent,
				Args: []string{"--port", fmt.Sprintf(":%d", s3Port), "--health", "/health", "posix", "/data"},
				Env: []corev1.EnvVar{
					{Name: "ROOT_ACCESS_KEY_ID", ValueFrom: fromSecret("access-key-id")},
					{Name: "ROOT_SECRET_ACCESS_KEY", ValueFrom: fromSecret("secret-access-key")},
					{Name: "VGW_REGION", Value: s3Region},
				},
				Ports:          []corev1.ContainerPort{{Name: "s3", ContainerPort: s3Port}},
				ReadinessProbe: &corev1.Probe{ProbeHandler: corev1.ProbeHandler{HTTPGet: &corev1.HTTPGetAction{Path: "/health", Port: intstr.FromInt32(s3Port)}}, PeriodSeconds: 2},
				Resources:      corev1.ResourceRequirements{Requests: corev1.ResourceList{corev1.ResourceCPU: resource.MustParse("50m"), corev1.ResourceMemory: resource.MustParse("64Mi")}, Limits: rl},
				SecurityContext: &corev1.SecurityContext{AllowPrivilegeEscalation: &no, ReadOnlyRootFilesystem: &yes,
					Capabilities: &corev1.Capabilities{Drop: []corev1.Capability{"ALL"}}},
				VolumeMounts: []corev1.VolumeMount{{Name: "data", MountPath: "/data"}, {Name: "tmp", MountPath: "/tmp"}},
			}},
			Volumes: []corev1.Volume{
				{Name: "data", VolumeSource: corev1.VolumeSource{EmptyDir: &corev1.EmptyDirVolumeSource{}}},
				{Name: "tmp", VolumeSource: corev1.VolumeSource{EmptyDir: &corev1.EmptyDirVolumeSource{}}},
			},
		},
	}
	if _, err := c.kube.CoreV1().Pods(d.ns).Create(ctx, pod, metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	svc := &corev1.Service{
		ObjectMeta: metav1.ObjectMeta{Name: s3Service, Labels: labels},
		Spec:       corev1.ServiceSpec{Selector: labels, Ports: []corev1.ServicePort{{Name: "s3", Port: s3Port, TargetPort: intstr.FromInt32(s3Port)}}},
	}
	if _, err := c.kube.CoreV1().Services(d.ns).Create(ctx, svc, metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	d.waitPodReady("versitygw")
}

func (d *drill) waitPodReady(name string) {
	waitFor(d.t, "pod "+name+" Ready", 3*time.Minute, func() (bool, string, error) {
		p, err := d.c.kube.CoreV1().Pods(d.ns).Get(d.ctx, name, metav1.GetOptions{})
		if err != nil {
			return false, err.Error(), nil
		}
		for _, cond := range p.Status.Conditions {
			if cond.Type == corev1.PodReady && cond.Status == corev1.ConditionTrue {
				return true, "", nil
			}
		}
		return false, podState(p) + "; " + lastEventsIn(d.ctx, d.c, d.ns, name), nil
	})
}

func (d *drill) waitStatefulSet(name string) {
	waitFor(d.t, "StatefulSet "+name+" rolled out", 5*time.Minute, func() (bool, string, error) {
		s, err := d.c.kube.AppsV1().StatefulSets(d.ns).Get(d.ctx, name, metav1.GetOptions{})
		if err != nil {
			return false, err.Error(), nil
		}
		st := s.Status
		state := fmt.Sprintf("ready %d, revision %s -> %s", st.ReadyReplicas, st.CurrentRevision, st.UpdateRevision)
		if p, err := d.c.kube.CoreV1().Pods(d.ns).Get(d.ctx, name+"-0", metav1.GetOptions{}); err == nil {
			state += "; pod " + podState(p) + "; " + lastEventsIn(d.ctx, d.c, d.ns, p.Name)
		}
		return st.ObservedGeneration >= s.Generation && st.ReadyReplicas == 1 && st.UpdateRevision == st.CurrentRevision, state, nil
	})
	d.waitPodReady(name + "-0")
}

// waitBackendReady waits for a backend pod that is Ready (/readyz: database reachable and
// migrated) and returns its name.
func (d *drill) waitBackendReady() string {
	var ready string
	waitFor(d.t, "a backend pod Ready", 5*time.Minute, func() (bool, string, error) {
		pods, err := d.c.kube.CoreV1().Pods(d.ns).List(d.ctx, metav1.ListOptions{LabelSelector: "app.kubernetes.io/component=backend"})
		if err != nil {
			return false, err.Error(), nil
		}
		var states []string
		for i := range pods.Items {
			p := &pods.Items[i]
			for _, cond := range p.Status.Conditions {
				if cond.Type == corev1.PodReady && cond.Status == corev1.ConditionTrue && p.DeletionTimestamp == nil {
					ready = p.Name
					return true, "", nil
				}
			}
			states = append(states, p.Name+": "+podState(p)+"; "+lastEventsIn(d.ctx, d.c, d.ns, p.Name))
		}
		return false, strings.Join(states, "; "), nil
	})
	return ready
}

// api calls the backend's API on a Ready pod, through a port-forward, and returns the body.
func (d *drill) api(method, path, body string, want int) []byte {
	d.t.Helper()
	addr := d.forward(d.waitBackendReady(), 5000)
	req, err := http.NewRequestWithContext(d.ctx, method, "http://"+addr+path, strings.NewReader(body))
	if err != nil {
		d.t.Fatal(err)
	}
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		d.t.Fatalf("%s %s: %v", method, path, err)
	}
	defer resp.Body.Close()
	out, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != want {
		d.t.Fatalf("%s %s: %s, want %d: %s", method, path, resp.Status, want, out)
	}
	return out
}

func (d *drill) createTask(title string) int64 {
	d.t.Helper()
	b, _ := json.Marshal(map[string]string{"title": title})
	var got struct{ ID int64 }
	if err := json.Unmarshal(d.api("POST", "/api/tasks", string(b), http.StatusCreated), &got); err != nil || got.ID == 0 {
		d.t.Fatalf("POST /api/tasks: no id (%v)", err)
	}
	return got.ID
}

// psql runs one statement in the PostgreSQL pod (its local socket, as its own user) and returns
// the unaligned, tuples-only output.
func (d *drill) psql(sql string) string {
	d.t.Helper()
	out, err := d.c.exec(d.ctx, d.ns, d.pgPod, "postgresql", "sh", "-c",
		`psql -X -A -t -v ON_ERROR_STOP=1 -U "$POSTGRES_USER" -d "$POSTGRES_DB" -c "$1"`, "sh", sql)
	if err != nil {
		d.t.Fatalf("psql %q in %s: %v", sql, d.pgPod, err)
	}
	return strings.TrimSpace(out)
}

type snapshot struct{ rows, sequence string }

// snapshot is every task, every column, in id order (timestamps to the microsecond, as JSON
// renders timestamptz), and the identity sequence's position.
func (d *drill) snapshot() snapshot {
	return snapshot{
		rows:     d.psql(`SELECT json_agg(t ORDER BY t.id) FROM tasks t`),
		sequence: d.psql(`SELECT last_value || ' called=' || is_called FROM tasks_id_seq`),
	}
}

// jobFrom is `kubectl create job NAME --from=cronjob/CRONJOB`, with `kubectl set env` of env on
// its container (RESTORE_KEY, a bucket), as docs/BACKUP.md does it; it returns the Job's name.
func (d *drill) jobFrom(cronJob, name string, env map[string]string) string {
	t, c := d.t, d.c
	cj, err := c.kube.BatchV1().CronJobs(d.ns).Get(d.ctx, cronJob, metav1.GetOptions{})
	if err != nil {
		t.Fatal(err)
	}
	ann := map[string]string{"cronjob.kubernetes.io/instantiate": "manual"}
	for k, v := range cj.Spec.JobTemplate.Annotations {
		ann[k] = v
	}
	job := &batchv1.Job{
		ObjectMeta: metav1.ObjectMeta{Name: name, Labels: cj.Spec.JobTemplate.Labels, Annotations: ann,
			OwnerReferences: []metav1.OwnerReference{*metav1.NewControllerRef(cj, batchv1.SchemeGroupVersion.WithKind("CronJob"))}},
		Spec: *cj.Spec.JobTemplate.Spec.DeepCopy(),
	}
	ctr := &job.Spec.Template.Spec.Containers[0]
	for k, v := range env {
		i := slices.IndexFunc(ctr.Env, func(e corev1.EnvVar) bool { return e.Name == k })
		if i < 0 {
			ctr.Env = append(ctr.Env, corev1.EnvVar{Name: k, Value: v})
		} else {
			ctr.Env[i] = corev1.EnvVar{Name: k, Value: v}
		}
	}
	if _, err := c.kube.BatchV1().Jobs(d.ns).Create(d.ctx, job, metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	return name
}

// waitJob waits for the Job to be Complete or Failed, fails the test if it is not the one
// wanted, and returns the logs of its pods; a failed Job's pods must have exited non-zero.
func (d *drill) waitJob(name string, wantComplete bool) string {
	t, c := d.t, d.c
	var final batchv1.JobConditionType
	waitFor(t, "Job "+name+" finished", 5*time.Minute, func() (bool, string, error) {
		j, err := c.kube.BatchV1().Jobs(d.ns).Get(d.ctx, name, metav1.GetOptions{})
		if err != nil {
			return false, err.Error(), nil
		}
		for _, cond := range j.Status.Conditions {
			if (cond.Type == batchv1.JobComplete || cond.Type == batchv1.JobFailed) && cond.Status == corev1.ConditionTrue {
				final = cond.Type
				return true, "", nil
			}
		}
		return false, fmt.Sprintf("active %d, succeeded %d, failed %d", j.Status.Active, j.Status.Succeeded, j.Status.Failed), nil
	})
	pods, err := c.kube.CoreV1().Pods(d.ns).List(d.ctx, metav1.ListOptions{LabelSelector: "batch.kubernetes.io/job-name=" + name})
	if err != nil {
		t.Fatal(err)
	}
	var logs strings.Builder
	for i := range pods.Items {
		p := &pods.Items[i]
		raw, err := c.kube.CoreV1().Pods(d.ns).GetLogs(p.Name, &corev1.PodLogOptions{}).Do(d.ctx).Raw()
		if err != nil {
			t.Errorf("logs of %s: %v", p.Name, err)
		}
		logs.Write(raw)
		if final == batchv1.JobFailed {
			for _, cs := range p.Status.ContainerStatuses {
				if cs.State.Terminated == nil || cs.State.Terminated.ExitCode == 0 {
					t.Errorf("Job %s failed, but its pod %s did not exit non-zero: %s", name, p.Name, podState(p))
				} else {
					t.Logf("pod %s of Job %s: exit %d (%s)", p.Name, name, cs.State.Terminated.ExitCode, cs.State.Terminated.Reason)
				}
			}
		}
	}
	if got := final == batchv1.JobComplete; got != wantComplete {
		t.Errorf("Job %s is %s, want %s; its logs:\n%s", name, final, map[bool]string{true: "Complete", false: "Failed"}[wantComplete], logs.String())
	}
	return logs.String()
}

// loseDatabase deletes the StatefulSet, its pod and its claim (and so, reclaim Delete, its volume).
func (d *drill) loseDatabase(sts *unstructured.Unstructured) {
	t, c, ctx := d.t, d.c, d.ctx
	if err := c.kube.AppsV1().StatefulSets(d.ns).Delete(ctx, sts.GetName(), metav1.DeleteOptions{}); err != nil {
		t.Fatal(err)
	}
	claims, err := c.kube.CoreV1().PersistentVolumeClaims(d.ns).List(ctx, metav1.ListOptions{LabelSelector: "app.kubernetes.io/component=postgresql"})
	if err != nil {
		t.Fatal(err)
	}
	if len(claims.Items) == 0 {
		t.Fatal("no claim of the PostgreSQL StatefulSet found by its component label")
	}
	for _, pvc := range claims.Items {
		if err := c.kube.CoreV1().PersistentVolumeClaims(d.ns).Delete(ctx, pvc.Name, metav1.DeleteOptions{}); err != nil {
			t.Fatal(err)
		}
		waitFor(t, "claim "+pvc.Name+" gone", 3*time.Minute, func() (bool, string, error) {
			_, err := c.kube.CoreV1().PersistentVolumeClaims(d.ns).Get(ctx, pvc.Name, metav1.GetOptions{})
			if apierrors.IsNotFound(err) {
				return true, "", nil
			}
			p, perr := c.kube.CoreV1().Pods(d.ns).Get(ctx, d.pgPod, metav1.GetOptions{})
			if perr == nil {
				return false, "pod " + d.pgPod + " still " + podState(p), nil
			}
			return false, "claim still there", nil
		})
	}
	waitFor(t, "pod "+d.pgPod+" gone", 3*time.Minute, func() (bool, string, error) {
		_, err := c.kube.CoreV1().Pods(d.ns).Get(ctx, d.pgPod, metav1.GetOptions{})
		return apierrors.IsNotFound(err), "still there", nil
	})
}

// s3Client reaches the versitygw pod through a port-forward, with the store's keys.
func (d *drill) s3Client() (*s3.Client, func()) {
	addr := d.forward("versitygw", s3Port)
	return s3.New(s3.Options{
		Region: s3Region, BaseEndpoint: aws.String("http://" + addr), UsePathStyle: true,
		Credentials: credentials.NewStaticCredentialsProvider(s3Access, s3Key, ""),
	}), func() {}
}

func (d *drill) createBucket(name string) {
	cl, stop := d.s3Client()
	defer stop()
	if _, err := cl.CreateBucket(d.ctx, &s3.CreateBucketInput{Bucket: aws.String(name)}); err != nil {
		d.t.Fatalf("create bucket %s: %v", name, err)
	}
}

func (d *drill) headObject(key string) *s3.HeadObjectOutput {
	cl, stop := d.s3Client()
	defer stop()
	out, err := cl.HeadObject(d.ctx, &s3.HeadObjectInput{Bucket: aws.String(s3Bucket), Key: aws.String(key)})
	if err != nil {
		d.t.Fatalf("head s3://%s/%s: %v", s3Bucket, key, err)
	}
	return out
}

func (d *drill) getObject(key string) []byte {
	cl, stop := d.s3Client()
	defer stop()
	out, err := cl.GetObject(d.ctx, &s3.GetObjectInput{Bucket: aws.String(s3Bucket), Key: aws.String(key)})
	if err != nil {
		d.t.Fatalf("get s3://%s/%s: %v", s3Bucket, key, err)
	}
	defer out.Body.Close()
	b, err := io.ReadAll(out.Body)
	if err != nil {
		d.t.Fatal(err)
	}
	return b
}

func (d *drill) putObject(key string, body []byte, meta map[string]string) {
	cl, stop := d.s3Client()
	defer stop()
	if _, err := cl.PutObject(d.ctx, &s3.PutObjectInput{Bucket: aws.String(s3Bucket), Key: aws.String(key),
		Body: bytes.NewReader(body), ContentLength: aws.Int64(int64(len(body))), Metadata: meta}); err != nil {
		d.t.Fatalf("put s3://%s/%s: %v", s3Bucket, key, err)
	}
}

// splitRef splits repository:tag@sha256:... (the form the production values render).
func splitRef(ref string) (repo, tag, digest string, err error) {
	name, digest, ok := strings.Cut(ref, "@")
	i := strings.LastIndex(name, ":")
	if !ok || i < 0 || strings.Contains(name[i:], "/") || !strings.HasPrefix(digest, "sha256:") {
		return "", "", "", fmt.Errorf("image %q: want repository:tag@sha256:...", ref)
	}
	return name[:i], name[i+1:], digest, nil
}

func lastEventsIn(ctx context.Context, c *cluster, ns, name string) string {
	ev, err := c.kube.CoreV1().Events(ns).List(ctx, metav1.ListOptions{FieldSelector: "involvedObject.name=" + name})
	if err != nil || len(ev.Items) == 0 {
		return "no events"
	}
	e := ev.Items[len(ev.Items)-1]
	return fmt.Sprintf("last event %s %s: %s", e.Type, e.Reason, short(e.Message))
}
