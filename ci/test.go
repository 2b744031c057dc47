package main

import (
	"context"
	"dagger/pipeline/textlines"
	"dagger/pipeline/toolimages"
	"fmt"
	"maps"
	"net/url"
	"slices"
	"strings"

	"dagger/pipeline/internal/dagger"
	"dagger/pipeline/stageinputs"

	"dagger/pipeline/summary"
	"dagger/pipeline/testreports"
)

// testDatabase is the database the PostgreSQL service starts with; tests create their own
// databases from it (the service's user is a superuser).
const testDatabase = "taskboard_test"

// Test runs the unit tests: the root Go module's backend packages against a PostgreSQL 15
// service, the Dagger module's own `go vet` and tests, and the frontend's npm ci, lint,
// typecheck, unit tests and production build.
//
// The root module is scoped to with-validation's packages (./backend/... by default): its helm/ tests
// compile Helm and Kyverno from source, which the lint, schemas and policies stages already
// cover with the released tools.
//
// +check
func (p *Pipeline) Test(ctx context.Context) error {
	var errs []string
	for _, st := range p.testStages(ctx) {
		if st.Err != nil {
			errs = append(errs, fmt.Sprintf("%s: %v", st.Name, st.Err))
		}
	}
	if len(errs) > 0 {
		return fmt.Errorf("%s", strings.Join(errs, "\n\n"))
	}
	return nil
}

// testSuites are the three test suites, each a summary row of its own.
func (p *Pipeline) testSuites() map[string]func(context.Context) stageResult {
	return map[string]func(context.Context) stageResult{
		"test: backend (Go)":        p.testBackend,
		"test: ci module (Go)":      p.testModule,
		"test: docs (dagger calls)": p.testDocCalls,
		"test: frontend (npm)":      p.testFrontend,
	}
}

// testStages runs the test suites concurrently.
func (p *Pipeline) testStages(ctx context.Context) []summary.Stage {
	var tasks []summary.Task
	suites := p.testSuites()
	for _, name := range slices.Sorted(maps.Keys(suites)) {
		tasks = append(tasks, summary.Task{Name: name, Run: func() (string, error) { r := suites[name](ctx); return r.details, r.err }})
	}
	return summary.RunConcurrently(tasks)
}

// scriptResult is a script's verdict from its exit code, with its whole output as logName.
func scriptResult(what, logName, script string, res execResult) stageResult {
	r := stageResult{details: "passed", reports: dag.Directory().WithNewFile(logName, "$ "+script+"\n"+res.Combined())}
	if res.ExitCode != 0 {
		r.details = fmt.Sprintf("exit code %d", res.ExitCode)
		r.err = fmt.Errorf("%s failed (exit %d):\n%s", what, res.ExitCode, textlines.Tail(res.Combined(), 80))
	}
	return r
}

func (p *Pipeline) testBackend(ctx context.Context) stageResult {
	inputs, err := stageinputs.GoPackages(p.GoPackages)
	if err != nil {
		return stageResult{err: err}
	}
	pg := postgresService(testDatabase)
	// The tests run in the PostgreSQL image with the Go toolchain copied in: the tests that stop
	// and restart their own clusters need the server binaries and the postgres user, and nothing
	// has to be installed from a package archive.
	goImage := dag.Container().From(toolimages.Go)
	c := p.withGoProxy(withGoCaches(dag.Container().From(toolimages.Postgres))).
		WithDirectory("/usr/local/go", goImage.Directory("/usr/local/go")).
		WithEnvVariable("CGO_ENABLED", "0").
		WithEnvVariable("PATH", "/usr/local/go/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin").
		WithServiceBinding("postgres", pg).
		WithEnvVariable("TEST_DATABASE_URL", testDatabaseURL).
		WithMountedDirectory("/src", p.inputs(inputs)).
		WithWorkdir("/src")
	g := testreports.GoTest{
		Dir: goReportsPath, JUnit: testreports.JUnitGoBackend, Cobertura: testreports.CoberturaGoBackend,
		JSON: testreports.GoTestJSONBackend, Packages: p.GoPackages, Skip: backupDrillTests,
	}
	res := p.runGoTests(ctx, c, "go test "+g.QuotedPackages(), "test-backend.log", g)
	res.details += "; the backup drill (versitygw) left to make test"
	return res
}

// testDatabaseURL is the test service's URL. Its application_name names the server image: Go's
// test cache keys a cached result on the environment the tests read, so a new PostgreSQL reruns
// every test that uses it.
var testDatabaseURL = "postgres://taskboard:taskboard-test@postgres:5432/" + testDatabase +
	"?sslmode=disable&application_name=" + url.QueryEscape("taskboard-tests "+toolimages.Postgres)

// backupDrillTests need versitygw, an S3 server that scripts/tool-versitygw.sh compiles from the
// Go module proxy (minutes, and modules the root go.mod does not list, so an offline GOPROXY
// cannot serve them): make test runs them, the test stage leaves them out and says so.
const backupDrillTests = "^(TestDrill|TestBackupFailsWhenTheUploadFails)$"

// cliBuiltTests are the module's tests that build a CLI from source that no pinned image has
// (cosign v3, Kyverno with the attestation fix) or run a private Rekor log (rekor-server and
// Trillian built from source, on PostgreSQL): minutes each, network, and a database the Go image
// lacks. make test runs them; the test stage leaves them out, and its log and row say so.
const cliBuiltTests = "^(TestCosignV3CLIVerifiesEverything|TestKeyRotationEndToEnd|TestKyvernoRequiresEveryAttestation|TestReleasedKyvernoRefusesKeyedAttestations" +
	"|TestTransparencyLog|TestReleasedKyvernoEnforcesEveryAttestationWithALog|TestCosignV3CLIVerifiesTheLog|" + docCallsTest + ")$"

// docCallsTest checks every `dagger call` of the docs and pipelines against the module: the only
// test of the module that reads the docs, so it runs in a stage of its own (testDocCalls) and a
// docs-only change reruns it alone.
const docCallsTest = "TestDaggerCallsNameRealFunctionsAndFlags"

func (p *Pipeline) testModule(ctx context.Context) stageResult {
	// The tests that run the Kyverno CLI and Trivy take the pinned images' binaries rather than
	// let scripts/tool-*.sh compile them from source on every fresh agent.
	kyverno, err := kyvernoBinary(ctx)
	if err != nil {
		return stageResult{err: err}
	}
	c := p.goContainer()
	for _, tool := range []struct {
		env, name string
		file      *dagger.File
	}{{"KYVERNO_BIN", "kyverno", kyverno}, {"TRIVY_BIN", "trivy", trivyContainer().File("/usr/local/bin/trivy")}} {
		if c, err = withToolAtDigestPath(ctx, c, tool.env, tool.name, tool.file); err != nil {
			return stageResult{err: err}
		}
	}
	c = c.
		WithMountedDirectory("/src", p.inputs(stageinputs.Module)).
		WithWorkdir("/src/ci").
		// As in make test-ci: the generated bindings want a session address at init, never used.
		WithEnvVariable("DAGGER_SESSION_PORT", "0").
		WithEnvVariable("DAGGER_SESSION_TOKEN", "unit-tests")
	res := p.runGoTests(ctx, c, "ci module tests", "test-ci-module.log", testreports.GoTest{
		Dir: goReportsPath, JUnit: testreports.JUnitGoModule, Cobertura: testreports.CoberturaGoModule,
		JSON: testreports.GoTestJSONModule, Packages: []string{"./..."}, Skip: cliBuiltTests,
	})
	res.details += "; cosign v3, Rekor-log and patched-Kyverno e2e left to make test, the docs' calls to their own stage"
	return res
}

// withToolAtDigestPath puts a tool's binary at a path named by its digest, in the variable the
// tests read: Go's test cache keys a cached result on that variable, so a new binary reruns the
// tests that use it.
func withToolAtDigestPath(ctx context.Context, c *dagger.Container, env, name string, file *dagger.File) (*dagger.Container, error) {
	digest, err := file.Digest(ctx)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	path := "/opt/tools/" + strings.ReplaceAll(digest, ":", "-") + "/" + name
	return c.WithFile(path, file).WithEnvVariable(env, path), nil
}

func (p *Pipeline) testDocCalls(ctx context.Context) stageResult {
	c := p.goContainer().
		WithMountedDirectory("/src", p.inputs(stageinputs.DocCalls)).
		WithWorkdir("/src/ci").
		WithEnvVariable("DAGGER_SESSION_PORT", "0").
		WithEnvVariable("DAGGER_SESSION_TOKEN", "unit-tests")
	return p.runGoTests(ctx, c, "docs' dagger calls", "test-docs.log", testreports.GoTest{
		Dir: goReportsPath, JUnit: testreports.JUnitGoDocs, JSON: testreports.GoTestJSONDocs,
		Packages: []string{"."}, Run: "^" + docCallsTest + "$",
	})
}

func (p *Pipeline) testFrontend(ctx context.Context) stageResult {
	frontend := p.inputs(stageinputs.Frontend).Directory("frontend")
	// npm ci in a step of its own that reads only the manifests: a change to the sources reuses
	// the installed node_modules from the engine's cache instead of installing them again.
	const install = "npm ci --no-audit --no-fund"
	deps, res, err := execTool(ctx, p.nodeContainer().
		WithDirectory("/src", frontend, dagger.ContainerWithDirectoryOpts{Include: npmManifests}).
		WithWorkdir("/src").
		WithEnvVariable("CI", "true"), []string{"sh", "-c", install}, false)
	if err != nil {
		return stageResult{err: err}
	}
	if res.ExitCode != 0 {
		return scriptResult("frontend checks", "test-frontend.log", install, res)
	}
	// Copied, not mounted: the reports the tests write are read back from the container. The
	// tests run before lint, so that a lint error still leaves their JUnit for the Tests tab.
	c := deps.WithDirectory("/src", frontend, dagger.ContainerWithDirectoryOpts{Exclude: []string{"node_modules"}})
	return runFrontendTests(ctx, c, "frontend checks", "test-frontend.log",
		"npm run test:reports && npm run lint && npm run typecheck && npm run build")
}

// npmManifests are what npm ci reads: the dependencies, their lock, npm's settings.
var npmManifests = []string{"package.json", "package-lock.json", ".npmrc"}
