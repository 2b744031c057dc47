package helm

import (
	"os"
	"path/filepath"
	"slices"
	"testing"

	"sigs.k8s.io/yaml"
)

const argocdFile = "../argocd-application.yaml"

// Just the fields of Argo CD's Application and AppProject the checks below read; the full
// schema check is validateObject against Argo CD's CRDs.
type argoApplication struct {
	Metadata struct {
		Name       string
		Finalizers []string
	}
	Spec struct {
		Project string
		Source  struct {
			RepoURL        string `json:"repoURL"`
			TargetRevision string `json:"targetRevision"`
			Path           string
			Helm           struct {
				ReleaseName string   `json:"releaseName"`
				ValueFiles  []string `json:"valueFiles"`
			}
		}
		Destination struct{ Server, Namespace string }
		SyncPolicy  struct {
			Automated   *struct{ Prune, SelfHeal bool } `json:"automated"`
			SyncOptions []string                        `json:"syncOptions"`
			Retry       *struct {
				Limit   int
				Backoff *struct{ Duration, MaxDuration string }
			}
		} `json:"syncPolicy"`
		IgnoreDifferences []struct {
			Group, Kind, Name string
			JSONPointers      []string `json:"jsonPointers"`
		} `json:"ignoreDifferences"`
	}
}

type argoProject struct {
	Metadata struct{ Name string }
	Spec     struct {
		SourceRepos  []string `json:"sourceRepos"`
		Destinations []struct{ Server, Namespace string }
	}
}

// argocdObjects are the documents of argocd-application.yaml.
func argocdObjects(t *testing.T) []object {
	t.Helper()
	data, err := os.ReadFile(argocdFile)
	if err != nil {
		t.Fatal(err)
	}
	objs, err := parseManifests(map[string]string{"argocd-application.yaml": string(data)})
	if err != nil {
		t.Fatal(err)
	}
	return objs
}

func TestArgoCDApplications(t *testing.T) {
	objs := argocdObjects(t)
	projects := map[string]argoProject{}
	var apps []argoApplication
	for _, o := range objs {
		if err := validateObject(t, o); err != nil {
			t.Error(err)
		}
		switch o.Kind {
		case "AppProject":
			var p argoProject
			mustUnmarshal(t, o.JSON, &p)
			projects[p.Metadata.Name] = p
		case "Application":
			var a argoApplication
			mustUnmarshal(t, o.JSON, &a)
			apps = append(apps, a)
		default:
			t.Errorf("unexpected %s", o)
		}
	}
	if len(projects) != 1 || len(apps) != 2 {
		t.Fatalf("want one AppProject and two Applications, got %d and %d", len(projects), len(apps))
	}
	paths := map[string]bool{}
	for _, a := range apps {
		name := a.Metadata.Name
		src := a.Spec.Source
		paths[src.Path] = true
		chartDir := filepath.Join("..", src.Path)
		if _, err := os.Stat(filepath.Join(chartDir, "Chart.yaml")); err != nil {
			t.Errorf("%s: path %s is not a chart in this repository", name, src.Path)
		}
		if len(src.Helm.ValueFiles) == 0 {
			t.Errorf("%s: no value files", name)
		}
		for _, vf := range src.Helm.ValueFiles {
			if _, err := os.Stat(filepath.Join(chartDir, vf)); err != nil {
				t.Errorf("%s: value file %s does not exist in %s", name, vf, src.Path)
			}
		}
		p, ok := projects[a.Spec.Project]
		if !ok {
			t.Errorf("%s: project %q is not defined here", name, a.Spec.Project)
		}
		if !slices.Contains(p.Spec.SourceRepos, src.RepoURL) {
			t.Errorf("%s: repo %s not allowed by project %s", name, src.RepoURL, p.Metadata.Name)
		}
		allowedDest := false
		for _, d := range p.Spec.Destinations {
			allowedDest = allowedDest || (d.Server == a.Spec.Destination.Server && d.Namespace == a.Spec.Destination.Namespace)
		}
		if !allowedDest {
			t.Errorf("%s: destination %+v not allowed by project", name, a.Spec.Destination)
		}
		sp := a.Spec.SyncPolicy
		if sp.Automated == nil || !sp.Automated.Prune || !sp.Automated.SelfHeal {
			t.Errorf("%s: automated sync with prune and self-heal required", name)
		}
		if !slices.Contains(sp.SyncOptions, "CreateNamespace=true") {
			t.Errorf("%s: CreateNamespace=true missing", name)
		}
		if sp.Retry == nil || sp.Retry.Limit < 1 || sp.Retry.Backoff == nil || sp.Retry.Backoff.Duration == "" {
			t.Errorf("%s: retry with backoff required", name)
		}
		// The domain-qualified name with a path (the API server warns on a bare one): the same
		// foreground cascade Argo CD's bare name asks for.
		if !slices.Contains(a.Metadata.Finalizers, "resources-finalizer.argocd.argoproj.io/foreground") {
			t.Errorf("%s: resources finalizer missing", name)
		}
		if src.Path == "helm/app" {
			checkIgnoredReplicas(t, a, filepath.Join(src.Path[len("helm/"):], src.Helm.ValueFiles[0]))
		}
	}
	if !paths["helm/app"] || !paths["helm/policies"] {
		t.Errorf("both charts must be deployed, got paths %v", paths)
	}
}

// Where the deployed values turn an HPA on, Argo CD must leave that Deployment's replicas alone.
func checkIgnoredReplicas(t *testing.T, a argoApplication, valueFile string) {
	t.Helper()
	objs := mustRender(t, appChart, []string{valueFile})
	for _, o := range find(objs, "HorizontalPodAutoscaler") {
		target := o.Name // HPAs are named after their Deployment
		ignored := false
		for _, d := range a.Spec.IgnoreDifferences {
			ignored = ignored || (d.Kind == "Deployment" && d.Group == "apps" && d.Name == target && slices.Contains(d.JSONPointers, "/spec/replicas"))
		}
		if !ignored {
			t.Errorf("%s: HPA %s is on but /spec/replicas of Deployment %s is not in ignoreDifferences", a.Metadata.Name, o.Name, target)
		}
	}
	if a.Spec.Source.Helm.ReleaseName != releaseName {
		t.Errorf("release name %q: the ignoreDifferences names assume %q", a.Spec.Source.Helm.ReleaseName, releaseName)
	}
}

func mustUnmarshal(t *testing.T, data []byte, v any) {
	t.Helper()
	if err := yaml.Unmarshal(data, v); err != nil {
		t.Fatal(err)
	}
}
