package helm

import (
	"strings"
	"testing"

	"helm.sh/helm/v4/pkg/action"
	"helm.sh/helm/v4/pkg/chart/common"
)

// Each bad value must be refused, by values.schema.json or by the templates, with a message
// that names the field.
func TestBadValuesAreRefused(t *testing.T) {
	cases := []struct {
		name, chart, values, mention string
	}{
		{"no password and no existingSecret", appChart, `postgresql: {auth: {password: ""}}`, "postgresql.auth.password"},
		{"latest tag", appChart, `backend: {image: {tag: latest}}`, "/backend/image/tag"},
		{"empty tag", appChart, `frontend: {image: {tag: ""}}`, "/frontend/image/tag"},
		{"short digest", appChart, `backend: {image: {digest: "sha256:abc"}}`, "/backend/image/digest"},
		{"digest of another algorithm", appChart, `frontend: {image: {digest: "md5:0123456789abcdef0123456789abcdef"}}`, "/frontend/image/digest"},
		{"unknown pull policy", appChart, `backend: {image: {pullPolicy: Sometimes}}`, "/backend/image/pullPolicy"},
		{"unknown key", appChart, `backend: {replicas: 3}`, "replicas"},
		{"typo at top level", appChart, `ingres: {enabled: false}`, "ingres"},
		{"replicas as a string", appChart, `frontend: {replicaCount: "2"}`, "/frontend/replicaCount"},
		{"zero replicas", appChart, `backend: {replicaCount: 0}`, "/backend/replicaCount"},
		{"resources removed", appChart, `backend: {resources: null}`, "resources"},
		{"no memory limit", appChart, `frontend: {resources: {limits: {memory: null}}}`, "memory"},
		{"bad cpu quantity", appChart, `backend: {resources: {requests: {cpu: "lots"}}}`, "/backend/resources/requests/cpu"},
		{"root user", appChart, `backend: {runAsUser: 0}`, "/backend/runAsUser"},
		{"a system uid", appChart, `frontend: {runAsUser: 101}`, "/frontend/runAsUser"},
		{"a system gid", appChart, `postgresql: {runAsGroup: 70}`, "/postgresql/runAsGroup"},
		{"no ephemeral-storage limit", appChart, `backend: {resources: {limits: {ephemeral-storage: null}}}`, "ephemeral-storage"},
		{"registry with a scheme", appChart, `postgresql: {image: {registry: "https://mirror.example.com"}}`, "/postgresql/image/registry"},
		{"unknown log level", appChart, `backend: {logLevel: verbose}`, "/backend/logLevel"},
		{"bad ingress scheme", appChart, `ingress: {scheme: public}`, "/ingress/scheme"},
		{"bad target type", appChart, `ingress: {targetType: pod}`, "/ingress/targetType"},
		{"bad certificate ARN", appChart, `ingress: {certificateArn: "my-cert"}`, "/ingress/certificateArn"},
		{"whitespace in the password", appChart, `postgresql: {auth: {password: "two words"}}`, "/postgresql/auth/password"},
		{"bad storage size", appChart, `postgresql: {persistence: {size: "lots"}}`, "/postgresql/persistence/size"},
		{"short grace period", appChart, `postgresql: {terminationGracePeriodSeconds: 5}`, "/postgresql/terminationGracePeriodSeconds"},
		{"HPA min above max", appChart, `backend: {autoscaling: {enabled: true, minReplicas: 5, maxReplicas: 2}}`, "backend.autoscaling.minReplicas"},
		{"unknown failure action", policiesChart, `failureAction: Block`, "/failureAction"},
		{"no public key", policiesChart, `verifyImageSignatures: {publicKeys: []}`, "verifyImageSignatures.publicKeys is required"},
		{"not a PEM key", policiesChart, `verifyImageSignatures: {publicKeys: ["abc"]}`, "/verifyImageSignatures/publicKeys/0"},
		{"the single key of older values", policiesChart, "verifyImageSignatures: {publicKey: \"-----BEGIN PUBLIC KEY-----\\nAA==\\n-----END PUBLIC KEY-----\"}", "publicKey"},
		{"no image references", policiesChart, `verifyImageSignatures: {imageReferences: []}`, "/verifyImageSignatures/imageReferences"},
		{"an image reference that is no prefix", policiesChart, `verifyImageSignatures: {imageReferences: ["registry.example.com/*/app*"]}`, "/verifyImageSignatures/imageReferences/0"},
		{"an image reference without its star", policiesChart, `verifyImageSignatures: {imageReferences: ["registry.example.com/app"]}`, "/verifyImageSignatures/imageReferences/0"},
		{"an unsigned prefix that swallows siblings", policiesChart, `restrictImageRegistries: {allowUnsigned: ["docker.io/library/postgres"]}`, "/restrictImageRegistries/allowUnsigned/0"},
		{"registry policy on no namespace", policiesChart, `restrictImageRegistries: {namespaces: []}`, "/restrictImageRegistries/namespaces"},
		{"requirement off without a reason", policiesChart, `verifyImageSignatures: {requirements: {sbom: {enabled: false}}}`, "/verifyImageSignatures/requirements/sbom/reason"},
		{"every requirement off", policiesChart, `verifyImageSignatures: {requirements: {signature: {enabled: false, reason: "the chart test turns it off"}, sbom: {enabled: false, reason: "the chart test turns it off"}, provenance: {enabled: false, reason: "the chart test turns it off"}, vulnerabilities: {enabled: false, reason: "the chart test turns it off"}}}`, "set verifyImageSignatures.enabled to false"},
		{"no source repository", policiesChart, `verifyImageSignatures: {requirements: {provenance: {sourceRepository: ""}}}`, "/verifyImageSignatures/requirements/provenance/sourceRepository"},
		{"credentials in the source repository", policiesChart, `verifyImageSignatures: {requirements: {provenance: {sourceRepository: "https://ci:token@github.com/x/y"}}}`, "/verifyImageSignatures/requirements/provenance/sourceRepository"},
		{"a scan age in days", policiesChart, `verifyImageSignatures: {requirements: {vulnerabilities: {maxAge: 7d}}}`, "/verifyImageSignatures/requirements/vulnerabilities/maxAge"},
		{"an unknown severity", policiesChart, `verifyImageSignatures: {requirements: {vulnerabilities: {severities: [SEVERE]}}}`, "/verifyImageSignatures/requirements/vulnerabilities/severities"},
		{"a private log without its TUF repository", policiesChart, `verifyImageSignatures: {transparencyLog: {enabled: true, url: "https://rekor.example.com"}}`, "verifyImageSignatures.transparencyLog.tuf.mirror is required for the log https://rekor.example.com"},
		{"a TUF mirror without its root", policiesChart, `verifyImageSignatures: {transparencyLog: {enabled: true, url: "https://rekor.example.com", tuf: {mirror: "https://tuf.example.com"}}}`, "verifyImageSignatures.transparencyLog.tuf.root is required"},
		{"a TUF root that is not base64", policiesChart, `verifyImageSignatures: {transparencyLog: {tuf: {root: "{\"signed\": {}}"}}}`, "/verifyImageSignatures/transparencyLog/tuf/root"},
		{"a TUF mirror that is no URL", policiesChart, `verifyImageSignatures: {transparencyLog: {tuf: {mirror: "tuf.example.com"}}}`, "/verifyImageSignatures/transparencyLog/tuf/mirror"},
		{"unknown requirement key", policiesChart, `verifyImageSignatures: {requirements: {sbom: {format: cyclonedx}}}`, "format"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			base := appDefaultValues
			if tc.chart == policiesChart {
				base = policiesCIValues
			}
			_, err := renderChart(tc.chart, base, tc.values)
			if err == nil {
				t.Fatalf("values %q were accepted", tc.values)
			}
			if !strings.Contains(err.Error(), tc.mention) {
				t.Errorf("error does not name %q:\n%v", tc.mention, err)
			}
		})
	}
}

// Rendering with the chart's bare defaults fails on purpose: no password is ever invented.
func TestDefaultsAloneRequireAPassword(t *testing.T) {
	_, err := renderChart(appChart, nil)
	if err == nil || !strings.Contains(err.Error(), "postgresql.auth.password is required") {
		t.Fatalf("want the missing-password message, got %v", err)
	}
	// ...and an existingSecret is enough.
	if _, err := renderChart(appChart, nil, `postgresql: {auth: {existingSecret: db-credentials}}`); err != nil {
		t.Fatalf("existingSecret without password: %v", err)
	}
}

func TestHelmLintStrict(t *testing.T) {
	kv, err := common.ParseKubeVersion(kubeVersion)
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		chart  string
		values []string
	}{
		{appChart, appDefaultValues},
		{appChart, appProductionValues},
		{policiesChart, policiesCIValues},
		{policiesChart, policiesProdValues},
	}
	for _, tc := range cases {
		t.Run(tc.chart+" "+strings.Join(tc.values, ","), func(t *testing.T) {
			vals, err := readValues(tc.values)
			if err != nil {
				t.Fatal(err)
			}
			lint := action.NewLint()
			lint.Strict = true
			lint.Namespace = namespace
			lint.KubeVersion = kv
			res := lint.Run([]string{tc.chart}, vals)
			if res.TotalChartsLinted != 1 {
				t.Fatalf("linted %d charts: %v", res.TotalChartsLinted, res.Errors)
			}
			for _, m := range res.Messages {
				t.Logf("lint: %s", m)
			}
			if len(res.Errors) > 0 {
				t.Errorf("helm lint --strict: %v", res.Errors)
			}
		})
	}
	// Lint does see a broken chart. (It treats `required` leniently by design: the
	// missing-password failure is covered by TestDefaultsAloneRequireAPassword.)
	lint := action.NewLint()
	lint.Strict = true
	lint.KubeVersion = kv
	vals, err := readValues(appDefaultValues, `backend: {image: {tag: latest}}`)
	if err != nil {
		t.Fatal(err)
	}
	if res := lint.Run([]string{appChart}, vals); len(res.Errors) == 0 {
		t.Errorf("lint accepted the tag latest")
	}
}
