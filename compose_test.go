package repo_test

import (
	"context"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/compose-spec/compose-go/v2/cli"
	"github.com/compose-spec/compose-go/v2/types"
	"go.yaml.in/yaml/v3"
)

// loadCompose loads docker-compose.yml with the loader Docker Compose itself uses, from dir,
// with the given env files (none: the defaults written in the file).
func loadCompose(t *testing.T, dir string, envFiles ...string) *types.Project {
	t.Helper()
	opts, err := cli.NewProjectOptions([]string{filepath.Join(dir, "docker-compose.yml")},
		cli.WithWorkingDirectory(dir),
		cli.WithEnvFiles(envFiles...),
		cli.WithDotEnv,
		cli.WithName("taskboard"),
	)
	if err != nil {
		t.Fatalf("compose options: %v", err)
	}
	project, err := opts.LoadProject(context.Background())
	if err != nil {
		t.Fatalf("load docker-compose.yml: %v", err)
	}
	return project
}

func TestComposeDefinesTheStack(t *testing.T) {
	project := loadCompose(t, ".")
	if got, want := project.ServiceNames(), []string{"backend", "frontend", "postgres"}; !slices.Equal(sorted(got), want) {
		t.Fatalf("services = %v, want %v", got, want)
	}
	for name, svc := range project.Services {
		if problems := hardeningProblems(svc); len(problems) > 0 {
			t.Errorf("service %s: %s", name, strings.Join(problems, "; "))
		}
		if svc.HealthCheck == nil || len(svc.HealthCheck.Test) == 0 || svc.HealthCheck.Disable {
			t.Errorf("service %s has no healthcheck", name)
		}
	}

	wantPorts := map[string][2]string{ // service: host port, container port
		"postgres": {"5432", "5432"},
		"backend":  {"5000", "5000"},
		"frontend": {"80", "8080"},
	}
	for name, want := range wantPorts {
		if got := publishedPorts(project.Services[name]); !slices.Contains(got, want) {
			t.Errorf("service %s publishes %v, want %s:%s", name, got, want[0], want[1])
		}
	}

	wantDeps := map[string]string{"backend": "postgres", "frontend": "backend"}
	for name, dep := range wantDeps {
		d, ok := project.Services[name].DependsOn[dep]
		if !ok || d.Condition != types.ServiceConditionHealthy {
			t.Errorf("service %s must wait for %s to be healthy, got %+v", name, dep, d)
		}
	}

	// One PostgreSQL everywhere: the local stack runs the image the chart deploys.
	if pg, want := project.Services["postgres"].Image, chartPostgresImage(t); pg != want {
		t.Errorf("postgres image = %q, want the chart's %q (helm/app/values.yaml)", pg, want)
	}
	if !hasNamedVolume(project.Services["postgres"], "/var/lib/postgresql/data") {
		t.Errorf("postgres data must live on a named volume")
	}
}

// TestComposeWiring checks that the services find each other: the backend's DATABASE_URL names
// the postgres service with its credentials, and nginx proxies to the backend's port.
func TestComposeWiring(t *testing.T) {
	project := loadCompose(t, ".", ".env.example")
	pg, backend, frontend := project.Services["postgres"], project.Services["backend"], project.Services["frontend"]

	dbURL, err := url.Parse(env(t, backend, "DATABASE_URL"))
	if err != nil {
		t.Fatalf("DATABASE_URL: %v", err)
	}
	password, _ := dbURL.User.Password()
	if dbURL.Hostname() != "postgres" || dbURL.Port() != "5432" ||
		dbURL.User.Username() != env(t, pg, "POSTGRES_USER") ||
		password != env(t, pg, "POSTGRES_PASSWORD") ||
		strings.TrimPrefix(dbURL.Path, "/") != env(t, pg, "POSTGRES_DB") {
		t.Errorf("DATABASE_URL %s does not match the postgres service's credentials", dbURL.Redacted())
	}

	backendURL, err := url.Parse(env(t, frontend, "BACKEND_URL"))
	if err != nil {
		t.Fatalf("BACKEND_URL: %v", err)
	}
	if backendURL.Hostname() != "backend" || backendURL.Port() != env(t, backend, "PORT") {
		t.Errorf("BACKEND_URL = %s, want http://backend:%s", backendURL, env(t, backend, "PORT"))
	}
}

// TestComposeWorksWithoutEnvFile checks that .env.example only restates the defaults: the stack
// starts the same whether or not the newcomer copied it, and it names every variable the file uses.
func TestComposeWorksWithoutEnvFile(t *testing.T) {
	withDefaults := loadCompose(t, ".")
	withExample := loadCompose(t, ".", ".env.example")
	for name, svc := range withDefaults.Services {
		for key, value := range svc.Environment {
			other := withExample.Services[name].Environment[key]
			if value == nil || other == nil || *value != *other {
				t.Errorf("service %s: %s differs between the defaults and .env.example", name, key)
			}
		}
	}

	compose, err := os.ReadFile("docker-compose.yml")
	if err != nil {
		t.Fatal(err)
	}
	example, err := os.ReadFile(".env.example")
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range regexp.MustCompile(`\$\{([A-Z_][A-Z0-9_]*)`).FindAllStringSubmatch(string(compose), -1) {
		if !regexp.MustCompile(`(?m)^` + m[1] + `=`).Match(example) {
			t.Errorf(".env.example does not document %s, which docker-compose.yml uses", m[1])
		}
	}
}

// TestComposeBuildsFromTheRepository checks that each build context and Dockerfile exists, and
// that the backend's healthcheck runs the binary where its Dockerfile puts it.
func TestComposeBuildsFromTheRepository(t *testing.T) {
	project := loadCompose(t, ".")
	for _, name := range []string{"backend", "frontend"} {
		build := project.Services[name].Build
		if build == nil {
			t.Fatalf("service %s is not built from the repository", name)
		}
		if info, err := os.Stat(build.Context); err != nil || !info.IsDir() {
			t.Errorf("service %s: build context %s does not exist", name, build.Context)
		}
		dockerfile := filepath.Join(build.Context, build.Dockerfile)
		content, err := os.ReadFile(dockerfile)
		if err != nil {
			t.Errorf("service %s: Dockerfile %s does not exist", name, dockerfile)
			continue
		}
		// The release passes the same build arguments (VERSION, GIT_COMMIT, BUILD_TIME).
		for arg := range build.Args {
			if !regexp.MustCompile(`(?m)^ARG ` + arg + `\b`).Match(content) {
				t.Errorf("service %s passes build arg %s, which %s does not declare", name, arg, dockerfile)
			}
		}
	}

	backend := project.Services["backend"]
	dockerfile, err := os.ReadFile(filepath.Join(backend.Build.Context, backend.Build.Dockerfile))
	if err != nil {
		t.Fatal(err)
	}
	probe := backend.HealthCheck.Test
	if len(probe) < 3 || probe[0] != "CMD" || probe[len(probe)-1] != "healthcheck" {
		t.Fatalf("backend healthcheck = %v, want [CMD <binary> healthcheck] (the image has no shell)", probe)
	}
	if !regexp.MustCompile(`(?m)^ENTRYPOINT \["` + regexp.QuoteMeta(probe[1]) + `"`).Match(dockerfile) {
		t.Errorf("backend healthcheck runs %s, which is not the ENTRYPOINT of backend/Dockerfile", probe[1])
	}
}

// TestHardeningChecksCatchRegressions shows that the hardening check fails on the settings it
// guards against, so that a green TestComposeDefinesTheStack means something.
func TestHardeningChecksCatchRegressions(t *testing.T) {
	good := loadCompose(t, ".").Services["backend"]
	cases := map[string]func(*types.ServiceConfig){
		"writable root": func(s *types.ServiceConfig) { s.ReadOnly = false },
		"root user":     func(s *types.ServiceConfig) { s.User = "0:0" },
		"no user":       func(s *types.ServiceConfig) { s.User = "" },
		"named root":    func(s *types.ServiceConfig) { s.User = "root" },
		"capabilities":  func(s *types.ServiceConfig) { s.CapDrop = nil },
		"privileged":    func(s *types.ServiceConfig) { s.Privileged = true },
		"escalation":    func(s *types.ServiceConfig) { s.SecurityOpt = nil },
	}
	for name, mutate := range cases {
		svc := good
		svc.CapDrop = slices.Clone(good.CapDrop)
		svc.SecurityOpt = slices.Clone(good.SecurityOpt)
		mutate(&svc)
		if len(hardeningProblems(svc)) == 0 {
			t.Errorf("%s: hardening check found nothing", name)
		}
	}
}

// hardeningProblems lists how a service falls short of the chart's pod security: read-only root,
// a numeric non-root user, all capabilities dropped, no privilege escalation.
func hardeningProblems(svc types.ServiceConfig) []string {
	var problems []string
	if !svc.ReadOnly {
		problems = append(problems, "root filesystem is writable (read_only: true)")
	}
	uid, _, _ := strings.Cut(svc.User, ":")
	if uid == "" || uid == "0" || uid == "root" || strings.Trim(uid, "0123456789") != "" {
		problems = append(problems, "must run as a numeric non-root user, got "+strconv.Quote(svc.User))
	}
	if !slices.Contains(svc.CapDrop, "ALL") {
		problems = append(problems, "capabilities are not all dropped (cap_drop: [ALL])")
	}
	if svc.Privileged {
		problems = append(problems, "privileged")
	}
	if !slices.Contains(svc.SecurityOpt, "no-new-privileges:true") {
		problems = append(problems, "privilege escalation is allowed (security_opt: no-new-privileges:true)")
	}
	return problems
}

func publishedPorts(svc types.ServiceConfig) [][2]string {
	var ports [][2]string
	for _, p := range svc.Ports {
		ports = append(ports, [2]string{p.Published, strconv.FormatUint(uint64(p.Target), 10)})
	}
	return ports
}

func hasNamedVolume(svc types.ServiceConfig, target string) bool {
	for _, v := range svc.Volumes {
		if v.Type == types.VolumeTypeVolume && v.Target == target {
			return true
		}
	}
	return false
}

func env(t *testing.T, svc types.ServiceConfig, key string) string {
	t.Helper()
	value, ok := svc.Environment[key]
	if !ok || value == nil {
		t.Fatalf("service %s has no %s", svc.Name, key)
	}
	return *value
}

func sorted(s []string) []string { s = slices.Clone(s); slices.Sort(s); return s }

// chartPostgresImage is postgresql.image of helm/app/values.yaml, as docker-compose names it.
func chartPostgresImage(t *testing.T) string {
	t.Helper()
	data, err := os.ReadFile("helm/app/values.yaml")
	if err != nil {
		t.Fatal(err)
	}
	var values struct {
		PostgreSQL struct {
			Image struct{ Registry, Repository, Tag string }
		} `yaml:"postgresql"`
	}
	if err := yaml.Unmarshal(data, &values); err != nil {
		t.Fatalf("helm/app/values.yaml: %v", err)
	}
	img := values.PostgreSQL.Image
	if img.Repository == "" || img.Tag == "" {
		t.Fatal("helm/app/values.yaml has no postgresql.image.repository and tag")
	}
	ref := img.Repository
	if img.Registry != "" {
		ref = img.Registry + "/" + ref
	}
	return strings.TrimPrefix(ref, "docker.io/library/") + ":" + img.Tag
}
