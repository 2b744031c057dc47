package helm

import (
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"testing"

	"sigs.k8s.io/yaml"
)

const argocdFile = "../argocd-application.yaml"

// Just the fields of Argo CD's Application and AppProject the checks below read; the full
// schema check is validateObject against Argo CD's CRDs.
type argoApplication struct {
	Metadata struct {
		Name        string
		Finalizers  []string
		Labels      map[string]string
		Annotations map[string]string
	}
	Spec struct {
		Project string
		Source  struct {
			RepoURL        string `json:"repoURL"`
			TargetRevision string `json:"targetRevision"`
			Path           string
			Directory      *struct {
				Include string
				Recurse bool
			}
			Helm struct {
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
	Metadata struct {
		Name        string
		Labels      map[string]string
		Annotations map[string]string
	}
	Spec struct {
		SourceRepos                []string `json:"sourceRepos"`
		Destinations               []struct{ Server, Namespace string }
		ClusterResourceWhitelist   []struct{ Group, Kind string } `json:"clusterResourceWhitelist"`
		NamespaceResourceWhitelist []struct{ Group, Kind string } `json:"namespaceResourceWhitelist"`
	}
}

// The root Application (app of apps) syncs argocd-application.yaml itself; docs/SETUP.md applies
// only the objects carrying bootstrapLabel.
const (
	rootApp        = "taskboard-apps"
	bootstrapLabel = "taskboard/bootstrap"
	syncWave       = "argocd.argoproj.io/sync-wave"
	hook           = "argocd.argoproj.io/hook"
)

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
	if len(projects) != 2 || len(apps) != 3 {
		t.Fatalf("want two AppProjects and three Applications (the root and one per chart), got %d and %d", len(projects), len(apps))
	}
	var charts []argoApplication
	for _, a := range apps {
		if a.Metadata.Name == rootApp {
			checkRootApplication(t, a, projects, apps)
		} else {
			charts = append(charts, a)
		}
	}
	if len(charts) != 2 {
		t.Fatalf("no root Application %q", rootApp)
	}
	checkSyncOrder(t, charts)
	apps = charts
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

// The root syncs this file and only this file, from the same repository and branch as the charts,
// into argocd; it is applied by hand with its project (the bootstrap label) and never deletes the
// Applications with itself (no resources finalizer).
func checkRootApplication(t *testing.T, root argoApplication, projects map[string]argoProject, apps []argoApplication) {
	t.Helper()
	src := root.Spec.Source
	if src.Path != "." || src.Directory == nil || src.Directory.Include != "argocd-application.yaml" || src.Directory.Recurse {
		t.Errorf("root %s: want path . with directory.include argocd-application.yaml (not recursive), got %q %+v", rootApp, src.Path, src.Directory)
	}
	if root.Spec.Destination.Namespace != "argocd" || root.Spec.Destination.Server != "https://kubernetes.default.svc" {
		t.Errorf("root %s: destination %+v, want the argocd namespace in-cluster", rootApp, root.Spec.Destination)
	}
	for _, a := range apps {
		if a.Spec.Source.RepoURL != src.RepoURL || a.Spec.Source.TargetRevision != src.TargetRevision {
			t.Errorf("%s follows %s@%s, the root %s@%s", a.Metadata.Name, a.Spec.Source.RepoURL, a.Spec.Source.TargetRevision, src.RepoURL, src.TargetRevision)
		}
	}
	if root.Metadata.Labels[bootstrapLabel] != "true" {
		t.Errorf("root %s: label %s=true missing: docs/SETUP.md applies it by that label", rootApp, bootstrapLabel)
	}
	// Synced by itself, the root would wait on its own health between waves.
	if root.Metadata.Annotations[hook] != "Skip" {
		t.Errorf("root %s: annotation %s: Skip missing: its own sync must leave it alone", rootApp, hook)
	}
	if len(root.Metadata.Finalizers) != 0 {
		t.Errorf("root %s: finalizers %v: deleting the root must leave the Applications", rootApp, root.Metadata.Finalizers)
	}
	sp := root.Spec.SyncPolicy
	if sp.Automated == nil || !sp.Automated.Prune || !sp.Automated.SelfHeal {
		t.Errorf("root %s: automated sync with prune and self-heal required", rootApp)
	}
	p, ok := projects[root.Spec.Project]
	if !ok {
		t.Fatalf("root %s: project %q is not defined here", rootApp, root.Spec.Project)
	}
	if p.Metadata.Labels[bootstrapLabel] != "true" || p.Metadata.Annotations[hook] != "Skip" {
		t.Errorf("project %s of the root: label %s=true and annotation %s: Skip required (applied by hand)", p.Metadata.Name, bootstrapLabel, hook)
	}
	if len(p.Spec.ClusterResourceWhitelist) != 0 || len(p.Spec.Destinations) != 1 || p.Spec.Destinations[0].Namespace != "argocd" {
		t.Errorf("project %s of the root: only the argocd namespace, no cluster-scoped kinds; got %+v %+v", p.Metadata.Name, p.Spec.Destinations, p.Spec.ClusterResourceWhitelist)
	}
	for _, k := range p.Spec.NamespaceResourceWhitelist {
		if k.Group != "argoproj.io" || (k.Kind != "Application" && k.Kind != "AppProject") {
			t.Errorf("project %s of the root allows %s/%s: only Applications and AppProjects", p.Metadata.Name, k.Group, k.Kind)
		}
	}
	for name, p := range projects {
		if name == root.Spec.Project {
			continue
		}
		if p.Metadata.Labels[bootstrapLabel] != "" {
			t.Errorf("project %s is labelled %s: only the root and its project are applied by hand", name, bootstrapLabel)
		}
		if w, _ := strconv.Atoi(p.Metadata.Annotations[syncWave]); w >= -1 {
			t.Errorf("project %s: sync wave %d, want before the policies' (-1)", name, w)
		}
	}
}

// The policies' Application syncs in an earlier wave than the application's, and the root waits
// between waves for health: the policies are ready before the application's Application exists.
func checkSyncOrder(t *testing.T, charts []argoApplication) {
	t.Helper()
	waves := map[string]int{}
	for _, a := range charts {
		if a.Metadata.Labels[bootstrapLabel] != "" {
			t.Errorf("%s is labelled %s: applied by hand it would sync before its wave", a.Metadata.Name, bootstrapLabel)
		}
		w, err := strconv.Atoi(a.Metadata.Annotations[syncWave])
		if err != nil {
			t.Errorf("%s: sync wave %q: %v", a.Metadata.Name, a.Metadata.Annotations[syncWave], err)
		}
		waves[a.Spec.Source.Path] = w
	}
	if !(waves["helm/policies"] < 0 && waves["helm/app"] > 0) {
		t.Errorf("sync waves %v: the policies must come before the root (0), the application after it", waves)
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
