package helm

import (
	"fmt"
	"strings"
	"testing"

	appsv1 "k8s.io/api/apps/v1"
	autoscalingv2 "k8s.io/api/autoscaling/v2"
	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	networkingv1 "k8s.io/api/networking/v1"
	policyv1 "k8s.io/api/policy/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/labels"
	"k8s.io/apimachinery/pkg/util/intstr"
	"sigs.k8s.io/yaml"
)

// decode turns a rendered object into its typed form.
func decode[T any](t *testing.T, o object) *T {
	t.Helper()
	var v T
	if err := yaml.Unmarshal(o.JSON, &v); err != nil {
		t.Fatalf("%s: %v", o, err)
	}
	return &v
}

// workload is a pod template with the object that owns it.
type workload struct {
	owner    object
	selector *metav1.LabelSelector
	pod      corev1.PodSpec
	labels   map[string]string
}

func workloads(t *testing.T, objs []object) []workload {
	t.Helper()
	var out []workload
	for _, o := range objs {
		switch o.Kind {
		case "Deployment":
			d := decode[appsv1.Deployment](t, o)
			out = append(out, workload{o, d.Spec.Selector, d.Spec.Template.Spec, d.Spec.Template.Labels})
		case "StatefulSet":
			s := decode[appsv1.StatefulSet](t, o)
			out = append(out, workload{o, s.Spec.Selector, s.Spec.Template.Spec, s.Spec.Template.Labels})
		case "Pod":
			p := decode[corev1.Pod](t, o)
			out = append(out, workload{o, nil, p.Spec, p.Labels})
		case "CronJob":
			c := decode[batchv1.CronJob](t, o)
			out = append(out, workload{o, nil, c.Spec.JobTemplate.Spec.Template.Spec, c.Spec.JobTemplate.Spec.Template.Labels})
		}
	}
	return out
}

var valueSets = []struct {
	name   string
	values []string
	// The policies chart's values of the same environment.
	policies []string
}{
	{"defaults", appDefaultValues, policiesCIValues},
	{"production", appProductionValues, policiesProdValues},
	{"external-database", appExternalDatabaseValues, policiesProdValues},
}

// The workloads of each value set: frontend, backend and the helm test pod; the StatefulSet
// unless the database is external; the backup and restore CronJobs where backups are on.
var workloadCount = map[string]int{"defaults": 4, "production": 6, "external-database": 3}

func TestWorkloadsAreHardened(t *testing.T) {
	for _, vs := range valueSets {
		t.Run(vs.name, func(t *testing.T) {
			ws := workloads(t, mustRender(t, appChart, vs.values))
			if len(ws) != workloadCount[vs.name] {
				t.Fatalf("want %d workloads, got %d", workloadCount[vs.name], len(ws))
			}
			for _, w := range ws {
				checkPodHardening(t, w)
			}
		})
	}
}

func checkPodHardening(t *testing.T, w workload) {
	t.Helper()
	p := w.pod
	if p.AutomountServiceAccountToken == nil || *p.AutomountServiceAccountToken {
		t.Errorf("%s: automountServiceAccountToken must be false", w.owner)
	}
	if p.HostNetwork || p.HostPID || p.HostIPC {
		t.Errorf("%s: uses a host namespace", w.owner)
	}
	psc := p.SecurityContext
	if psc == nil || psc.RunAsNonRoot == nil || !*psc.RunAsNonRoot || psc.RunAsUser == nil || *psc.RunAsUser == 0 {
		t.Errorf("%s: pod must run as a non-root uid", w.owner)
	}
	if psc == nil || psc.SeccompProfile == nil || psc.SeccompProfile.Type != corev1.SeccompProfileTypeRuntimeDefault {
		t.Errorf("%s: pod seccomp profile must be RuntimeDefault", w.owner)
	}
	for _, v := range p.Volumes {
		if v.EmptyDir == nil && v.Secret == nil && v.ConfigMap == nil && v.PersistentVolumeClaim == nil {
			t.Errorf("%s: volume %q has a type the restricted profile refuses", w.owner, v.Name)
		}
	}
	for _, c := range append(p.InitContainers, p.Containers...) {
		where := fmt.Sprintf("%s container %s", w.owner, c.Name)
		sc := c.SecurityContext
		switch {
		case sc == nil:
			t.Errorf("%s: no securityContext", where)
			continue
		case sc.AllowPrivilegeEscalation == nil || *sc.AllowPrivilegeEscalation:
			t.Errorf("%s: allowPrivilegeEscalation must be false", where)
		case sc.ReadOnlyRootFilesystem == nil || !*sc.ReadOnlyRootFilesystem:
			t.Errorf("%s: readOnlyRootFilesystem must be true", where)
		case sc.Privileged != nil && *sc.Privileged:
			t.Errorf("%s: privileged", where)
		case sc.RunAsNonRoot == nil || !*sc.RunAsNonRoot:
			t.Errorf("%s: runAsNonRoot must be true", where)
		case sc.Capabilities == nil || len(sc.Capabilities.Drop) != 1 || sc.Capabilities.Drop[0] != "ALL" || len(sc.Capabilities.Add) > 0:
			t.Errorf("%s: capabilities must drop ALL and add none", where)
		case sc.SeccompProfile == nil || sc.SeccompProfile.Type != corev1.SeccompProfileTypeRuntimeDefault:
			t.Errorf("%s: seccomp profile must be RuntimeDefault", where)
		}
		for _, r := range []corev1.ResourceName{corev1.ResourceCPU, corev1.ResourceMemory} {
			if _, ok := c.Resources.Requests[r]; !ok {
				t.Errorf("%s: no %s request", where, r)
			}
			if _, ok := c.Resources.Limits[r]; !ok {
				t.Errorf("%s: no %s limit", where, r)
			}
		}
		if strings.HasSuffix(c.Image, ":latest") || (!strings.Contains(c.Image, "@sha256:") && !strings.Contains(c.Image[strings.LastIndex(c.Image, "/")+1:], ":")) {
			t.Errorf("%s: image %q is untagged or latest", where, c.Image)
		}
		if w.owner.Kind == "Pod" || w.owner.Kind == "CronJob" {
			continue // the helm test pod and the Jobs run once: no probes
		}
		if c.ReadinessProbe == nil || c.LivenessProbe == nil {
			t.Errorf("%s: readiness and liveness probes are required", where)
		}
		if lp := c.LivenessProbe; lp != nil && lp.HTTPGet != nil && lp.HTTPGet.Path != "/healthz" {
			t.Errorf("%s: liveness must use /healthz (no database), got %s", where, lp.HTTPGet.Path)
		}
		for _, m := range c.VolumeMounts {
			if !volumeExists(p, m.Name) && !claimTemplate(w, m.Name) {
				t.Errorf("%s: mounts unknown volume %q", where, m.Name)
			}
		}
	}
}

func volumeExists(p corev1.PodSpec, name string) bool {
	for _, v := range p.Volumes {
		if v.Name == name {
			return true
		}
	}
	return false
}

func claimTemplate(w workload, name string) bool {
	if w.owner.Kind != "StatefulSet" {
		return false
	}
	var s appsv1.StatefulSet
	if err := yaml.Unmarshal(w.owner.JSON, &s); err != nil {
		return false
	}
	for _, c := range s.Spec.VolumeClaimTemplates {
		if c.Name == name {
			return true
		}
	}
	return false
}

func TestSelectorsMatchPodLabels(t *testing.T) {
	for _, vs := range valueSets {
		t.Run(vs.name, func(t *testing.T) {
			objs := mustRender(t, appChart, vs.values)
			for _, w := range workloads(t, objs) {
				if w.selector == nil {
					continue
				}
				sel, err := metav1.LabelSelectorAsSelector(w.selector)
				if err != nil || sel.Empty() || !sel.Matches(labels.Set(w.labels)) {
					t.Errorf("%s: selector %v does not match its pod labels %v", w.owner, w.selector, w.labels)
				}
			}
			for _, o := range find(objs, "PodDisruptionBudget") {
				pdb := decode[policyv1.PodDisruptionBudget](t, o)
				if n := matchingWorkloads(t, objs, pdb.Spec.Selector.MatchLabels); n != 1 {
					t.Errorf("%s selects %d workloads, want 1", o, n)
				}
			}
		})
	}
}

// matchingWorkloads counts the long-running workloads whose pods a selector selects.
func matchingWorkloads(t *testing.T, objs []object, sel map[string]string) int {
	n := 0
	for _, w := range workloads(t, objs) {
		if w.owner.Kind != "Pod" && len(sel) > 0 && labels.SelectorFromSet(sel).Matches(labels.Set(w.labels)) {
			n++
		}
	}
	return n
}

func TestServicesTargetExistingPorts(t *testing.T) {
	for _, vs := range valueSets {
		t.Run(vs.name, func(t *testing.T) {
			objs := mustRender(t, appChart, vs.values)
			for _, o := range find(objs, "Service") {
				svc := decode[corev1.Service](t, o)
				var targets []workload
				for _, w := range workloads(t, objs) {
					if w.owner.Kind != "Pod" && labels.SelectorFromSet(svc.Spec.Selector).Matches(labels.Set(w.labels)) {
						targets = append(targets, w)
					}
				}
				if len(targets) != 1 {
					t.Fatalf("%s selects %d workloads, want 1", o, len(targets))
				}
				for _, sp := range svc.Spec.Ports {
					if !containerPortExists(targets[0].pod, sp.TargetPort) {
						t.Errorf("%s: targetPort %s does not exist in %s", o, sp.TargetPort.String(), targets[0].owner)
					}
				}
			}
			if len(find(objs, "StatefulSet")) == 0 {
				return // an external database: no StatefulSet, no headless Service
			}
			sts := decode[appsv1.StatefulSet](t, get(t, objs, "StatefulSet", "taskboard-postgresql"))
			hl := decode[corev1.Service](t, get(t, objs, "Service", sts.Spec.ServiceName))
			if hl.Spec.ClusterIP != corev1.ClusterIPNone {
				t.Errorf("StatefulSet serviceName %s must be headless", hl.Name)
			}
		})
	}
}

func containerPortExists(p corev1.PodSpec, port intstr.IntOrString) bool {
	for _, c := range p.Containers {
		for _, cp := range c.Ports {
			if (port.Type == intstr.String && cp.Name == port.StrVal) || (port.Type == intstr.Int && cp.ContainerPort == port.IntVal) {
				return true
			}
		}
	}
	return false
}

func TestImagesUseDigestWhenSet(t *testing.T) {
	images := func(objs []object) map[string]string {
		out := map[string]string{}
		for _, w := range workloads(t, objs) {
			for _, c := range w.pod.Containers {
				out[c.Name] = c.Image
			}
		}
		return out
	}
	def := images(mustRender(t, appChart, appDefaultValues))
	if want := "123456789012.dkr.ecr.eu-west-1.amazonaws.com/taskboard-backend:0.1.0"; def["backend"] != want {
		t.Errorf("default backend image %q, want %q", def["backend"], want)
	}
	prod := images(mustRender(t, appChart, appProductionValues))
	for _, c := range []string{"frontend", "backend"} {
		if !strings.Contains(prod[c], "@sha256:") || strings.Contains(prod[c], ":0.1.0") {
			t.Errorf("production %s image %q must be repository@digest", c, prod[c])
		}
	}
	// Third-party images: docker.io by default, the ECR pull-through cache in production.
	if def["postgresql"] != "docker.io/library/postgres:15.18-alpine" || def["wget"] != "docker.io/library/busybox:1.37.0" {
		t.Errorf("default third-party images %q, %q", def["postgresql"], def["wget"])
	}
	const cache = "123456789012.dkr.ecr.eu-west-1.amazonaws.com/docker-hub/library/"
	if prod["postgresql"] != cache+"postgres:15.18-alpine" || prod["wget"] != cache+"busybox:1.37.0" {
		t.Errorf("production third-party images %q, %q: want them from %s", prod["postgresql"], prod["wget"], cache)
	}
	// An empty registry leaves the repository as it is (the application images name theirs).
	if img := images(mustRender(t, appChart, appDefaultValues, `postgresql: {image: {registry: "", repository: "mirror.example.com/postgres"}}`))["postgresql"]; img != "mirror.example.com/postgres:15.18-alpine" {
		t.Errorf("empty registry: %q", img)
	}
}

func TestSecretWiring(t *testing.T) {
	objs := mustRender(t, appChart, appDefaultValues, `postgresql: {auth: {password: "p@ss/word"}}`)
	sec := decode[corev1.Secret](t, get(t, objs, "Secret", "taskboard-db"))
	url := sec.Data["database-url"] // decoding into corev1.Secret undoes the base64
	if want := "postgres://taskboard:p%40ss%2Fword@taskboard-postgresql:5432/taskboard?sslmode=disable"; string(url) != want {
		t.Errorf("database-url = %q, want %q", url, want)
	}
	if string(sec.Data["postgres-password"]) != "p@ss/word" {
		t.Errorf("postgres-password = %q", sec.Data["postgres-password"])
	}
	be := decode[appsv1.Deployment](t, get(t, objs, "Deployment", "taskboard-backend"))
	env := envByName(be.Spec.Template.Spec.Containers[0].Env)
	if ref := env["DATABASE_URL"].ValueFrom; ref == nil || ref.SecretKeyRef == nil || ref.SecretKeyRef.Name != sec.Name || ref.SecretKeyRef.Key != "database-url" {
		t.Errorf("backend DATABASE_URL must come from Secret %s key database-url: %+v", sec.Name, env["DATABASE_URL"])
	}
	if env["POSTGRES_HOST"].Value != "taskboard-postgresql" {
		t.Errorf("POSTGRES_HOST = %q", env["POSTGRES_HOST"].Value)
	}
	get(t, objs, "Service", env["POSTGRES_HOST"].Value)
	pg := decode[appsv1.StatefulSet](t, get(t, objs, "StatefulSet", "taskboard-postgresql"))
	pgEnv := envByName(pg.Spec.Template.Spec.Containers[0].Env)
	if ref := pgEnv["POSTGRES_PASSWORD"].ValueFrom; ref == nil || ref.SecretKeyRef.Name != sec.Name || ref.SecretKeyRef.Key != "postgres-password" {
		t.Errorf("postgres POSTGRES_PASSWORD must come from the Secret: %+v", pgEnv["POSTGRES_PASSWORD"])
	}
	if pgEnv["PGDATA"].Value != "/var/lib/postgresql/data/pgdata" {
		t.Errorf("PGDATA = %q, want a subdirectory of the volume", pgEnv["PGDATA"].Value)
	}
	fe := decode[appsv1.Deployment](t, get(t, objs, "Deployment", "taskboard-frontend"))
	if got := envByName(fe.Spec.Template.Spec.Containers[0].Env)["BACKEND_URL"].Value; got != "http://taskboard-backend:5000" {
		t.Errorf("BACKEND_URL = %q", got)
	}

	// A new password rolls the pods that read it.
	other := mustRender(t, appChart, appDefaultValues, `postgresql: {auth: {password: "another"}}`)
	for _, name := range []string{"taskboard-backend"} {
		a := decode[appsv1.Deployment](t, get(t, objs, "Deployment", name)).Spec.Template.Annotations["checksum/secret"]
		b := decode[appsv1.Deployment](t, get(t, other, "Deployment", name)).Spec.Template.Annotations["checksum/secret"]
		if a == "" || a == b {
			t.Errorf("%s: checksum/secret must change with the password (%q, %q)", name, a, b)
		}
	}

	// existingSecret: no Secret rendered, every reference points at the user's Secret.
	prod := mustRender(t, appChart, appProductionValues)
	if len(find(prod, "Secret")) != 0 {
		t.Errorf("no Secret may be rendered with existingSecret")
	}
	be = decode[appsv1.Deployment](t, get(t, prod, "Deployment", "taskboard-backend"))
	if n := envByName(be.Spec.Template.Spec.Containers[0].Env)["DATABASE_URL"].ValueFrom.SecretKeyRef.Name; n != "taskboard-db-credentials" {
		t.Errorf("DATABASE_URL secret = %q, want the existingSecret", n)
	}
}

func envByName(env []corev1.EnvVar) map[string]corev1.EnvVar {
	out := map[string]corev1.EnvVar{}
	for _, e := range env {
		out[e.Name] = e
	}
	return out
}

func TestPostgresStatefulSet(t *testing.T) {
	objs := mustRender(t, appChart, appProductionValues)
	s := decode[appsv1.StatefulSet](t, get(t, objs, "StatefulSet", "taskboard-postgresql"))
	if len(s.Spec.VolumeClaimTemplates) != 1 {
		t.Fatalf("want one volumeClaimTemplate")
	}
	vct := s.Spec.VolumeClaimTemplates[0]
	if vct.Spec.StorageClassName == nil || *vct.Spec.StorageClassName != "gp3" || vct.Spec.Resources.Requests.Storage().String() != "50Gi" {
		t.Errorf("claim template must take class and size from values: %+v", vct.Spec)
	}
	p := s.Spec.Template.Spec
	if p.TerminationGracePeriodSeconds == nil || *p.TerminationGracePeriodSeconds < 60 {
		t.Errorf("terminationGracePeriodSeconds must be generous")
	}
	if *p.SecurityContext.RunAsUser != 10070 || p.SecurityContext.FSGroup == nil || *p.SecurityContext.FSGroup != 10070 {
		t.Errorf("postgres must run as uid/gid 10070 with that fsGroup")
	}
	mounts := map[string]string{}
	for _, m := range p.Containers[0].VolumeMounts {
		mounts[m.MountPath] = m.Name
	}
	for _, path := range []string{"/var/lib/postgresql/data", "/var/run/postgresql", "/tmp", "/dev/shm"} {
		if mounts[path] == "" {
			t.Errorf("no volume at %s", path)
		}
	}
	for _, v := range p.Volumes {
		if v.Name == mounts["/dev/shm"] && (v.EmptyDir == nil || v.EmptyDir.Medium != corev1.StorageMediumMemory) {
			t.Errorf("/dev/shm must be a memory emptyDir")
		}
	}
	// Alive: pg_isready (no login). Ready: a query as the application's user.
	c := p.Containers[0]
	for probe, program := range map[*corev1.Probe]string{c.StartupProbe: "pg_isready", c.LivenessProbe: "pg_isready", c.ReadinessProbe: "psql"} {
		if probe == nil || probe.Exec == nil || probe.Exec.Command[0] != program {
			t.Errorf("postgres probe must run %s: %+v", program, probe)
		}
	}
	if cmd := strings.Join(c.ReadinessProbe.Exec.Command, " "); !strings.Contains(cmd, "-c select 1") {
		t.Errorf("postgres readiness must run a query: %s", cmd)
	}
}

func TestAutoscalingAndReplicas(t *testing.T) {
	def := mustRender(t, appChart, appDefaultValues)
	if len(find(def, "HorizontalPodAutoscaler")) != 0 {
		t.Errorf("HPA must be off by default")
	}
	prod := mustRender(t, appChart, appProductionValues)
	hpas := find(prod, "HorizontalPodAutoscaler")
	if len(hpas) != 2 {
		t.Fatalf("want 2 HPAs in production, got %d", len(hpas))
	}
	for _, o := range hpas {
		h := decode[autoscalingv2.HorizontalPodAutoscaler](t, o)
		d := decode[appsv1.Deployment](t, get(t, prod, "Deployment", h.Spec.ScaleTargetRef.Name))
		if d.Spec.Replicas != nil {
			t.Errorf("%s: replicas must be left to the HPA", d.Name)
		}
	}
}

func TestIngressForALB(t *testing.T) {
	objs := mustRender(t, appChart, appProductionValues)
	ing := decode[networkingv1.Ingress](t, get(t, objs, "Ingress", "taskboard"))
	if ing.Spec.IngressClassName == nil || *ing.Spec.IngressClassName != "alb" {
		t.Errorf("ingressClassName must be alb")
	}
	want := map[string]string{
		"alb.ingress.kubernetes.io/scheme":           "internet-facing",
		"alb.ingress.kubernetes.io/target-type":      "ip",
		"alb.ingress.kubernetes.io/listen-ports":     `[{"HTTP":80},{"HTTPS":443}]`,
		"alb.ingress.kubernetes.io/certificate-arn":  "arn:aws:acm:eu-west-1:123456789012:certificate/00000000-0000-0000-0000-000000000000",
		"alb.ingress.kubernetes.io/ssl-redirect":     "443",
		"alb.ingress.kubernetes.io/ssl-policy":       "ELBSecurityPolicy-TLS13-1-2-2021-06",
		"alb.ingress.kubernetes.io/healthcheck-path": "/healthz",
		"alb.ingress.kubernetes.io/group.name":       "taskboard",
	}
	for k, v := range want {
		if ing.Annotations[k] != v {
			t.Errorf("annotation %s = %q, want %q", k, ing.Annotations[k], v)
		}
	}
	be := ing.Spec.Rules[0].HTTP.Paths[0].Backend.Service
	svc := decode[corev1.Service](t, get(t, objs, "Service", be.Name))
	if svc.Spec.Ports[0].Name != be.Port.Name {
		t.Errorf("ingress backend port %q not on %s", be.Port.Name, svc.Name)
	}
	// Without a certificate: no redirect to a listener that cannot exist.
	def := decode[networkingv1.Ingress](t, get(t, mustRender(t, appChart, appDefaultValues), "Ingress", "taskboard"))
	if _, ok := def.Annotations["alb.ingress.kubernetes.io/ssl-redirect"]; ok {
		t.Errorf("ssl-redirect without certificate")
	}
}

// TestNetworkPolicyFlows evaluates the rendered NetworkPolicies like a CNI would, for the
// flows the application needs and a few it must not have.
func TestNetworkPolicyFlows(t *testing.T) {
	objs := mustRender(t, appChart, appProductionValues)
	var policies []networkingv1.NetworkPolicy
	for _, o := range find(objs, "NetworkPolicy") {
		policies = append(policies, *decode[networkingv1.NetworkPolicy](t, o))
	}
	pods := map[string]map[string]string{}
	for _, w := range workloads(t, objs) {
		pods[w.labels["app.kubernetes.io/component"]] = w.labels
	}
	port := map[string]int32{"frontend": 8080, "backend": 5000, "postgresql": 5432}
	flows := []struct {
		from, to string
		allowed  bool
	}{
		{"frontend", "backend", true},
		{"backend", "postgresql", true},
		{"test", "frontend", true},
		{"test", "backend", true},
		{"frontend", "postgresql", false},
		{"postgresql", "backend", false},
		{"backend", "frontend", false},
		{"test", "postgresql", false},
		{"backup", "postgresql", true},
		{"restore", "postgresql", true},
		{"backup", "backend", false},
		{"restore", "frontend", false},
	}
	for _, f := range flows {
		got := allowed(policies, pods[f.from], pods[f.to], port[f.to])
		if got != f.allowed {
			t.Errorf("%s -> %s:%d allowed=%v, want %v", f.from, f.to, port[f.to], got, f.allowed)
		}
	}
	// Every pod of the release is under the default deny and may resolve names.
	for name, l := range pods {
		if !selectedBy(policies, l, networkingv1.PolicyTypeIngress) || !selectedBy(policies, l, networkingv1.PolicyTypeEgress) {
			t.Errorf("%s is not covered by a default deny", name)
		}
		if !egressToDNS(policies, l) {
			t.Errorf("%s may not reach DNS", name)
		}
	}
	// The load balancer (VPC addresses, no pod) reaches the frontend.
	fe := get(t, objs, "NetworkPolicy", "taskboard-frontend")
	if !strings.Contains(string(fe.JSON), `"cidr":"10.0.0.0/16"`) {
		t.Errorf("frontend must admit the load balancer's addresses")
	}
}

func selectedBy(ps []networkingv1.NetworkPolicy, pod map[string]string, typ networkingv1.PolicyType) bool {
	for _, p := range ps {
		sel, _ := metav1.LabelSelectorAsSelector(&p.Spec.PodSelector)
		if sel.Matches(labels.Set(pod)) {
			for _, pt := range p.Spec.PolicyTypes {
				if pt == typ {
					return true
				}
			}
		}
	}
	return false
}

// allowed reports whether a TCP connection from one pod to another's port passes both the
// source's egress and the destination's ingress rules (same namespace).
func allowed(ps []networkingv1.NetworkPolicy, from, to map[string]string, port int32) bool {
	peerMatches := func(peers []networkingv1.NetworkPolicyPeer, pod map[string]string) bool {
		for _, peer := range peers {
			if peer.PodSelector != nil && peer.NamespaceSelector == nil && peer.IPBlock == nil {
				sel, _ := metav1.LabelSelectorAsSelector(peer.PodSelector)
				if sel.Matches(labels.Set(pod)) {
					return true
				}
			}
		}
		return false
	}
	portMatches := func(ports []networkingv1.NetworkPolicyPort) bool {
		for _, p := range ports {
			if p.Port != nil && p.Port.IntVal == port && (p.Protocol == nil || *p.Protocol == corev1.ProtocolTCP) {
				return true
			}
		}
		return len(ports) == 0
	}
	egressOK, ingressOK := false, false
	for _, p := range ps {
		sel, _ := metav1.LabelSelectorAsSelector(&p.Spec.PodSelector)
		if sel.Matches(labels.Set(from)) {
			for _, r := range p.Spec.Egress {
				if peerMatches(r.To, to) && portMatches(r.Ports) {
					egressOK = true
				}
			}
		}
		if sel.Matches(labels.Set(to)) {
			for _, r := range p.Spec.Ingress {
				if peerMatches(r.From, from) && portMatches(r.Ports) {
					ingressOK = true
				}
			}
		}
	}
	return egressOK && ingressOK
}

func egressToDNS(ps []networkingv1.NetworkPolicy, pod map[string]string) bool {
	for _, p := range ps {
		sel, _ := metav1.LabelSelectorAsSelector(&p.Spec.PodSelector)
		if !sel.Matches(labels.Set(pod)) {
			continue
		}
		for _, r := range p.Spec.Egress {
			for _, peer := range r.To {
				if peer.NamespaceSelector != nil && peer.NamespaceSelector.MatchLabels["kubernetes.io/metadata.name"] == "kube-system" {
					for _, pp := range r.Ports {
						if pp.Port != nil && pp.Port.IntVal == 53 {
							return true
						}
					}
				}
			}
		}
	}
	return false
}
