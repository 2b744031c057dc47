package helm

import (
	"slices"
	"strings"
	"testing"

	appsv1 "k8s.io/api/apps/v1"
	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	networkingv1 "k8s.io/api/networking/v1"
)

// Production with RDS instead of the StatefulSet (postgresql.enabled false, backups off).
var appExternalDatabaseValues = []string{"app/values-production.yaml", "testdata/released-images.yaml", "app/ci/external-database.yaml"}

// The backup CronJob (production turns it on): the backend's own image and uid, IRSA, SSE, and a
// schedule that never overlaps; the restore beside it, suspended.
func TestBackupCronJob(t *testing.T) {
	objs := mustRender(t, appChart, appProductionValues)
	backend := decode[appsv1.Deployment](t, get(t, objs, "Deployment", "taskboard-backend")).Spec.Template.Spec
	cj := decode[batchv1.CronJob](t, get(t, objs, "CronJob", "taskboard-backup"))
	if cj.Spec.Schedule != "17 2 * * *" || cj.Spec.ConcurrencyPolicy != batchv1.ForbidConcurrent || cj.Spec.Suspend != nil && *cj.Spec.Suspend {
		t.Errorf("backup CronJob: schedule %q, concurrency %q, suspend %v", cj.Spec.Schedule, cj.Spec.ConcurrencyPolicy, cj.Spec.Suspend)
	}
	if cj.Spec.StartingDeadlineSeconds == nil || cj.Spec.JobTemplate.Spec.ActiveDeadlineSeconds == nil {
		t.Errorf("backup CronJob needs a starting deadline and an active deadline")
	}
	pod := cj.Spec.JobTemplate.Spec.Template.Spec
	c := pod.Containers[0]
	if c.Image != backend.Containers[0].Image || *pod.SecurityContext.RunAsUser != *backend.SecurityContext.RunAsUser {
		t.Errorf("backup must run the backend's image as its uid: %s as %d", c.Image, *pod.SecurityContext.RunAsUser)
	}
	if !slices.Equal(c.Args, []string{"backup"}) || pod.RestartPolicy != corev1.RestartPolicyNever {
		t.Errorf("backup container args %v, restartPolicy %s", c.Args, pod.RestartPolicy)
	}
	env := envByName(c.Env)
	for name, want := range map[string]string{
		"BACKUP_S3_BUCKET": "taskboard-backups-123456789012", "BACKUP_S3_PREFIX": "taskboard/prod",
		"BACKUP_S3_SSE": "aws:kms", "BACKUP_S3_KMS_KEY_ID": "alias/taskboard-backups",
	} {
		if env[name].Value != want {
			t.Errorf("backup %s = %q, want %q", name, env[name].Value, want)
		}
	}
	if ref := env["DATABASE_URL"].ValueFrom; ref == nil || ref.SecretKeyRef.Name != "taskboard-db-credentials" {
		t.Errorf("backup DATABASE_URL must come from the database Secret: %+v", env["DATABASE_URL"])
	}
	sa := decode[corev1.ServiceAccount](t, get(t, objs, "ServiceAccount", pod.ServiceAccountName))
	if sa.Annotations["eks.amazonaws.com/role-arn"] != "arn:aws:iam::123456789012:role/taskboard-backup" {
		t.Errorf("backup ServiceAccount %s must carry the IRSA role: %v", sa.Name, sa.Annotations)
	}
	if !mountedAt(pod, c, "/tmp", func(v corev1.Volume) bool { return v.EmptyDir != nil && v.EmptyDir.SizeLimit != nil }) {
		t.Errorf("backup needs a bounded emptyDir at /tmp for the dump")
	}

	r := decode[batchv1.CronJob](t, get(t, objs, "CronJob", "taskboard-restore"))
	if r.Spec.Suspend == nil || !*r.Spec.Suspend || r.Spec.JobTemplate.Spec.BackoffLimit == nil || *r.Spec.JobTemplate.Spec.BackoffLimit != 0 {
		t.Errorf("restore CronJob must be suspended and never retry")
	}
	if rc := r.Spec.JobTemplate.Spec.Template.Spec.Containers[0]; !slices.Equal(rc.Args, []string{"restore"}) || rc.Image != c.Image {
		t.Errorf("restore container: args %v, image %s", rc.Args, rc.Image)
	}

	// The Job pods reach S3 on 443 and nothing else beyond the database and DNS.
	np := decode[networkingv1.NetworkPolicy](t, get(t, objs, "NetworkPolicy", "taskboard-backup"))
	var ports []int32
	for _, e := range np.Spec.Egress {
		for _, p := range e.Ports {
			ports = append(ports, p.Port.IntVal)
		}
	}
	if slices.Sort(ports); !slices.Equal(ports, []int32{443, 5432}) {
		t.Errorf("backup egress ports %v, want 443 and 5432", ports)
	}
}

func mountedAt(pod corev1.PodSpec, c corev1.Container, path string, ok func(corev1.Volume) bool) bool {
	for _, m := range c.VolumeMounts {
		if m.MountPath == path {
			for _, v := range pod.Volumes {
				if v.Name == m.Name {
					return ok(v)
				}
			}
		}
	}
	return false
}

// Off by default: no CronJob, ServiceAccount or NetworkPolicy of the backup.
func TestBackupOffByDefault(t *testing.T) {
	for _, o := range mustRender(t, appChart, appDefaultValues) {
		if o.Kind == "CronJob" || strings.Contains(o.Name, "backup") || strings.Contains(o.Name, "restore") {
			t.Errorf("%s rendered with backups off", o)
		}
	}
}

// An S3-compatible store (MinIO, Ceph RGW, on-premises; the cluster drill's versitygw): the
// endpoint, path-style requests, the keys from an existing Secret by reference only, and the
// NetworkPolicy's S3 egress on the endpoint's port.
func TestBackupToAnS3CompatibleStore(t *testing.T) {
	objs := mustRender(t, appChart, appProductionValues,
		`backup: {s3: {endpoint: "http://minio.storage.svc:9000", pathStyle: true, region: us-east-1, sse: AES256, kmsKeyId: "", credentialsSecret: minio-backup}, serviceAccount: {annotations: {}}}`)
	for _, name := range []string{"taskboard-backup", "taskboard-restore"} {
		c := decode[batchv1.CronJob](t, get(t, objs, "CronJob", name)).Spec.JobTemplate.Spec.Template.Spec.Containers[0]
		env := envByName(c.Env)
		for k, want := range map[string]string{"BACKUP_S3_ENDPOINT": "http://minio.storage.svc:9000", "BACKUP_S3_PATH_STYLE": "true", "AWS_REGION": "us-east-1"} {
			if env[k].Value != want {
				t.Errorf("%s %s = %q, want %q", name, k, env[k].Value, want)
			}
		}
		for k, key := range map[string]string{"AWS_ACCESS_KEY_ID": "access-key-id", "AWS_SECRET_ACCESS_KEY": "secret-access-key"} {
			if ref := env[k].ValueFrom; env[k].Value != "" || ref == nil || ref.SecretKeyRef == nil || ref.SecretKeyRef.Name != "minio-backup" || ref.SecretKeyRef.Key != key {
				t.Errorf("%s %s must come from Secret minio-backup key %s: %+v", name, k, key, env[k])
			}
		}
	}
	np := decode[networkingv1.NetworkPolicy](t, get(t, objs, "NetworkPolicy", "taskboard-backup"))
	var ports []int32
	for _, e := range np.Spec.Egress {
		for _, p := range e.Ports {
			ports = append(ports, p.Port.IntVal)
		}
	}
	if slices.Sort(ports); !slices.Equal(ports, []int32{5432, 9000}) {
		t.Errorf("backup egress ports %v, want 5432 and the endpoint's 9000", ports)
	}
	// No port in the endpoint: the scheme's.
	objs = mustRender(t, appChart, appProductionValues, `backup: {s3: {endpoint: "http://rgw.example.com", sse: AES256, kmsKeyId: ""}}`)
	np = decode[networkingv1.NetworkPolicy](t, get(t, objs, "NetworkPolicy", "taskboard-restore"))
	if p := np.Spec.Egress[len(np.Spec.Egress)-1].Ports[0].Port.IntVal; p != 80 {
		t.Errorf("restore egress to http://rgw.example.com on %d, want 80", p)
	}
}

// No chart value can put AWS keys in a pod on AWS: credentials come from IRSA. (An S3-compatible
// store's keys come from a Secret, by reference, and only with an endpoint: see above.)
func TestNoStaticAWSCredentials(t *testing.T) {
	for _, vs := range valueSets {
		for _, w := range workloads(t, mustRender(t, appChart, vs.values)) {
			for _, c := range w.pod.Containers {
				for _, e := range c.Env {
					if strings.HasPrefix(e.Name, "AWS_ACCESS_KEY") || strings.HasPrefix(e.Name, "AWS_SECRET") || e.Name == "AWS_SESSION_TOKEN" {
						t.Errorf("%s: %s %s sets %s", vs.name, w.owner, c.Name, e.Name)
					}
				}
			}
		}
	}
}

// postgresql.enabled false: no PostgreSQL objects, and the backend on RDS with verify-full.
func TestExternalDatabase(t *testing.T) {
	objs := mustRender(t, appChart, appExternalDatabaseValues)
	for _, o := range objs {
		if strings.Contains(o.Name, "postgresql") || o.Kind == "Secret" || o.Kind == "StatefulSet" || o.Kind == "CronJob" {
			t.Errorf("%s rendered with an external database (and backups off)", o)
		}
	}
	be := decode[appsv1.Deployment](t, get(t, objs, "Deployment", "taskboard-backend")).Spec.Template.Spec
	c := be.Containers[0]
	env := envByName(c.Env)
	for name, want := range map[string]string{
		"POSTGRES_HOST": "taskboard.cluster-abc123def456.eu-west-1.rds.amazonaws.com", "POSTGRES_PORT": "5432",
		"POSTGRES_USER": "taskboard", "POSTGRES_DB": "taskboard", "POSTGRES_SSLMODE": "verify-full",
		"POSTGRES_SSLROOTCERT": "/etc/taskboard/db-ca/ca.pem",
	} {
		if env[name].Value != want {
			t.Errorf("backend %s = %q, want %q", name, env[name].Value, want)
		}
	}
	if _, ok := env["DATABASE_URL"]; ok {
		t.Errorf("backend DATABASE_URL set with an external database: it would win over POSTGRES_*")
	}
	if ref := env["POSTGRES_PASSWORD"].ValueFrom; ref == nil || ref.SecretKeyRef.Name != "taskboard-rds" || ref.SecretKeyRef.Key != "password" {
		t.Errorf("backend POSTGRES_PASSWORD must come from externalDatabase.existingSecret: %+v", env["POSTGRES_PASSWORD"])
	}
	if !mountedAt(be, c, "/etc/taskboard/db-ca", func(v corev1.Volume) bool { return v.ConfigMap != nil && v.ConfigMap.Name == "rds-ca" }) {
		t.Errorf("the CA bundle ConfigMap rds-ca must be mounted where POSTGRES_SSLROOTCERT points")
	}
	// Readiness and migrations as with the StatefulSet: the same probes.
	prod := decode[appsv1.Deployment](t, get(t, mustRender(t, appChart, appProductionValues), "Deployment", "taskboard-backend")).Spec.Template.Spec.Containers[0]
	if c.ReadinessProbe.HTTPGet.Path != prod.ReadinessProbe.HTTPGet.Path || c.StartupProbe.HTTPGet.Path != prod.StartupProbe.HTTPGet.Path {
		t.Errorf("backend probes differ between the database modes")
	}
	// Egress to the database's CIDR on its port, nothing else beyond DNS.
	np := decode[networkingv1.NetworkPolicy](t, get(t, objs, "NetworkPolicy", "taskboard-backend"))
	if len(np.Spec.Egress) != 1 || np.Spec.Egress[0].To[0].IPBlock == nil || np.Spec.Egress[0].To[0].IPBlock.CIDR != "10.0.32.0/20" || np.Spec.Egress[0].Ports[0].Port.IntVal != 5432 {
		t.Errorf("backend egress %+v, want 10.0.32.0/20:5432 only", np.Spec.Egress)
	}
}

// Each mistake of the new values is refused, naming the value.
func TestBadBackupAndDatabaseValuesAreRefused(t *testing.T) {
	external := `{postgresql: {enabled: false}, externalDatabase: {host: db.example.com, existingSecret: rds, caBundle: {configMap: rds-ca}}}`
	cases := []struct {
		name    string
		values  []string
		mention string
	}{
		{"backups without a bucket", []string{`backup: {enabled: true}`}, "/backup/s3/bucket"},
		{"a bucket name with a scheme", []string{`backup: {enabled: true, s3: {bucket: "s3://b"}}`}, "/backup/s3/bucket"},
		{"unknown encryption", []string{`backup: {enabled: true, s3: {bucket: b-1, sse: none}}`}, "/backup/s3/sse"},
		{"a KMS key without SSE-KMS", []string{`backup: {enabled: true, s3: {bucket: b-1, kmsKeyId: alias/k}}`}, "/backup/s3/kmsKeyId"},
		{"a schedule that is no cron", []string{`backup: {schedule: "nightly"}`}, "/backup/schedule"},
		{"static keys", []string{`backup: {s3: {accessKeyId: AKIA0000}}`}, "accessKeyId"},
		{"a keys Secret on AWS", []string{`backup: {enabled: true, s3: {bucket: b-1, credentialsSecret: keys}}`}, "/backup/s3/credentialsSecret"},
		{"an endpoint with a path", []string{`backup: {enabled: true, s3: {bucket: b-1, endpoint: "https://s3.example.com/bucket"}}`}, "/backup/s3/endpoint"},
		{"external without a host", []string{external, `externalDatabase: {host: ""}`}, "/externalDatabase/host"},
		{"external without a Secret", []string{external, `externalDatabase: {existingSecret: ""}`}, "/externalDatabase/existingSecret"},
		{"external without TLS", []string{external, `externalDatabase: {sslmode: disable}`}, "/externalDatabase/sslmode"},
		{"verify-full without a CA bundle", []string{external, `externalDatabase: {caBundle: {configMap: ""}}`}, "externalDatabase.caBundle.configMap is required"},
		{"a host with a scheme", []string{external, `externalDatabase: {host: "postgres://db"}`}, "/externalDatabase/host"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := renderChart(appChart, appDefaultValues, tc.values...)
			if err == nil {
				t.Fatalf("values %q were accepted", tc.values)
			}
			if !strings.Contains(err.Error(), tc.mention) {
				t.Errorf("error does not name %q:\n%v", tc.mention, err)
			}
		})
	}
}

// Argo CD's AppProject admits only listed kinds: every kind the chart renders must be there.
func TestArgoCDProjectAllowsEveryRenderedKind(t *testing.T) {
	allowed := map[string]bool{}
	for _, o := range argocdObjects(t) {
		if o.Kind != "AppProject" {
			continue
		}
		var p struct {
			Spec struct {
				NamespaceResourceWhitelist []struct{ Group, Kind string } `json:"namespaceResourceWhitelist"`
			}
		}
		mustUnmarshal(t, o.JSON, &p)
		for _, k := range p.Spec.NamespaceResourceWhitelist {
			allowed[k.Kind] = true
		}
	}
	if len(allowed) == 0 {
		t.Fatal("no AppProject with a namespaceResourceWhitelist in " + argocdFile)
	}
	for _, vs := range valueSets {
		for _, o := range mustRender(t, appChart, vs.values) {
			if o.Kind != "Pod" && !allowed[o.Kind] { // the Pod is a helm test hook, not synced
				t.Errorf("%s: %s is not in the AppProject's namespaceResourceWhitelist", vs.name, o)
			}
		}
	}
}
