package main

import (
	"context"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/json"
	"encoding/pem"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"

	"dagger/pipeline/junit"
	"dagger/pipeline/signing"
	"dagger/pipeline/testreports"
)

// scenario is one thing a user does with the module, checked end to end.
type scenario struct {
	name string
	run  func(e *env) error
}

// scenarios run in this order: the later ones reuse what the earlier ones left in the engine's
// cache, and the timings read cold, then warm.
var scenarios = []scenario{
	{"module loads and lists its functions", moduleLoads},
	{"validate passes on the repository", validatePasses},
	{"validate-reports exports status passed", validateReportsPass},
	{"checks pass (dagger check)", checksPass},
	{"stage inputs: a change reaches only the stages that read it", stageInputsHold},
	{"two validates at once on one engine see only their own trees", concurrentValidates},
	{"broken: a chart value outside the schema fails lint", brokenSchema},
	{"broken: a :latest image fails policies", brokenLatest},
	{"broken: a committed private key fails scan-fs", brokenPrivateKey},
	{"broken: a failing Go test fails test", brokenGoTest},
	{"smoke-test runs the stack", smokeTest},
	{"release with no flags", releaseLocal},
	{"release to a registry that outlives the call, verified from outside", releaseToRegistry},
	{"release of linux/amd64 and linux/arm64 to a registry that outlives the call, verified from outside", releaseTwoPlatforms},
	{"scan gate: a HIGH advisory stops the release before any push", scanGate},
	{"publish, sign and attest as a chain, on the throwaway registry and on a real one", publishChain},
	{"gitops: the values commit lands, retried past a concurrent writer, then nothing to do", gitOps},
	{"sigstore-trust: a TUF repository that leads sigstore clients to the private log's key", sigstoreTrust},
	{"renovate: a local dry run extracts every pin, and renovate alone is refused", renovateExtracts},
}

// ctx bounds each dagger call: a cold release on two cores takes minutes, not hours.
func callContext() (context.Context, context.CancelFunc) {
	return context.WithTimeout(context.Background(), 45*time.Minute)
}

// call runs dagger in dir with the constructor flags in front of the function's arguments.
func (e *env) call(dir string, extraEnv []string, args ...string) call {
	ctx, cancel := callContext()
	defer cancel()
	return dagger(ctx, dir, extraEnv, append(append([]string{"call"}, e.flags...), args...)...)
}

// copyOf is a fresh working copy of the repository.
func (e *env) copyOf(name string) (string, error) {
	return workingCopy(e.repo, filepath.Join(e.work, name))
}

// clean is the working copy the scenarios share, made by the first that needs it; it is never
// changed, so the engine's cache carries over from one scenario to the next.
func (e *env) clean() (string, error) {
	dir := filepath.Join(e.work, "clean")
	if _, err := os.Stat(dir); err == nil {
		return dir, nil
	}
	return e.copyOf("clean")
}

func moduleLoads(e *env) error {
	dir, err := e.clean()
	if err != nil {
		return err
	}
	ctx, cancel := callContext()
	defer cancel()
	c := dagger(ctx, dir, nil, "functions")
	if c.err != nil {
		return c.err
	}
	e.timing("first module load", c.took)
	for _, fn := range []string{"validate", "validate-reports", "release", "smoke-test", "scan-image", "git-push"} {
		if !strings.Contains(c.stdout, fn) {
			return fmt.Errorf("dagger functions does not list %s:\n%s", fn, c.stdout)
		}
	}
	return nil
}

func validatePasses(e *env) error {
	dir, err := e.clean()
	if err != nil {
		return err
	}
	c := e.call(dir, nil, "validate")
	if c.err != nil {
		return c.err
	}
	e.timing("validate cold", c.took)
	warm := e.call(dir, nil, "validate")
	if warm.err != nil {
		return fmt.Errorf("second run: %w", warm.err)
	}
	e.timing("validate warm", warm.took)
	if !strings.Contains(c.stdout, "passed") {
		return fmt.Errorf("validate printed no passed stage:\n%s", c.stdout)
	}
	return nil
}

func validateReportsPass(e *env) error {
	dir, err := e.clean()
	if err != nil {
		return err
	}
	out := filepath.Join(e.work, "validate-reports")
	if c := e.call(dir, nil, "validate-reports", "export", "--path", out); c.err != nil {
		return c.err
	}
	status, err := os.ReadFile(filepath.Join(out, "status"))
	if err != nil {
		return err
	}
	if strings.TrimSpace(string(status)) != "passed" {
		summary, _ := os.ReadFile(filepath.Join(out, "summary.md"))
		return fmt.Errorf("status %q:\n%s", strings.TrimSpace(string(status)), summary)
	}
	for _, f := range []string{"summary.md", "reports/trivy-fs.json", "reports/trivy-fs.sarif", "reports/kubeconform.json", "reports/test-backend.log", "reports/test-frontend.log", "reports/test-ci-module.log", "reports/test-docs.log"} {
		if _, err := os.Stat(filepath.Join(out, f)); err != nil {
			return fmt.Errorf("validate-reports: %w", err)
		}
	}
	return testReportsAgree(filepath.Join(out, "reports"))
}

// testReportsAgree reads the exported JUnit and Cobertura files as Azure DevOps would: each test
// JUnit holds what its runner counted, with no failure; the stages' JUnit has a passed case per
// stage; every coverage file covers some lines.
func testReportsAgree(reports string) error {
	read := func(name string) ([]byte, error) { return os.ReadFile(filepath.Join(reports, name)) }
	for _, run := range []struct {
		junit, runner string
		count         func([]byte) (junit.Counts, error)
	}{
		{testreports.JUnitGoBackend, testreports.GoTestJSONBackend, testreports.GoCounts},
		{testreports.JUnitGoModule, testreports.GoTestJSONModule, testreports.GoCounts},
		{testreports.JUnitGoDocs, testreports.GoTestJSONDocs, testreports.GoCounts},
		{testreports.JUnitFrontend, testreports.VitestSummary, testreports.VitestCounts},
	} {
		xml, err := read(run.junit)
		if err != nil {
			return err
		}
		own, err := read(run.runner)
		if err != nil {
			return err
		}
		want, err := run.count(own)
		if err != nil {
			return fmt.Errorf("%s: %w", run.runner, err)
		}
		got, err := testreports.Agree(xml, want)
		if err != nil {
			return fmt.Errorf("%s: %w", run.junit, err)
		}
		if got.Tests == 0 || got.Failures+got.Errors != 0 {
			return fmt.Errorf("%s: %s", run.junit, got)
		}
	}
	if err := passedPerStage(filepath.Join(reports, testreports.JUnitStages), 9); err != nil {
		return err
	}
	for _, f := range []string{testreports.CoberturaGoBackend, testreports.CoberturaGoModule, testreports.CoberturaFrontend} {
		data, err := read(f)
		if err != nil {
			return err
		}
		if rate, err := testreports.LineRate(data); err != nil || rate == 0 {
			return fmt.Errorf("%s: line rate %v, %v", f, rate, err)
		}
	}
	return nil
}

// checksPass runs `dagger check`, which cannot take constructor flags: the sources come from
// PIPELINE_* entries of a .env file, as a user behind a mirror would set them once.
func checksPass(e *env) error {
	dir, err := e.copyOf("checks")
	if err != nil {
		return err
	}
	if err := os.WriteFile(filepath.Join(dir, ".env"), []byte(envFile(e.sources)), 0o600); err != nil {
		return err
	}
	ctx, cancel := callContext()
	defer cancel()
	c := dagger(ctx, dir, nil, "check")
	return c.err
}

// failsWith runs a function on a broken copy and wants it to fail with every one of the words.
func (e *env) failsWith(dir string, args []string, words ...string) error {
	c := e.call(dir, nil, args...)
	if c.err == nil {
		return fmt.Errorf("dagger call %s passed on a broken copy", strings.Join(args, " "))
	}
	for _, w := range words {
		if !strings.Contains(c.err.Error()+c.stdout, w) {
			return fmt.Errorf("the failure does not name %q:\n%s", w, c.err)
		}
	}
	return nil
}

func brokenSchema(e *env) error {
	dir, err := e.copyOf("broken-schema")
	if err != nil {
		return err
	}
	if err := edit(dir, valuesPath, "frontend:\n  replicaCount: 2", "frontend:\n  replicaCount: many"); err != nil {
		return err
	}
	return e.failsWith(dir, []string{"lint"}, "replicaCount")
}

func brokenLatest(e *env) error {
	dir, err := e.copyOf("broken-latest")
	if err != nil {
		return err
	}
	const tpl = "helm/app/templates/postgres-statefulset.yaml"
	data, err := os.ReadFile(filepath.Join(dir, tpl))
	if err != nil {
		return err
	}
	lines := strings.Split(string(data), "\n")
	changed := false
	for i, l := range lines {
		if strings.HasPrefix(strings.TrimSpace(l), "image:") && !changed {
			lines[i] = l[:strings.Index(l, "image:")] + "image: docker.io/library/postgres:latest"
			changed = true
		}
	}
	if !changed {
		return fmt.Errorf("%s has no image line", tpl)
	}
	if err := writeAndCommit(dir, tpl, strings.Join(lines, "\n")); err != nil {
		return err
	}
	return e.failsWith(dir, []string{"policies"}, "disallow-latest-tag")
}

func brokenPrivateKey(e *env) error {
	dir, err := e.copyOf("broken-key")
	if err != nil {
		return err
	}
	// A fresh key, made for this run: no private key is ever committed to the project itself.
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		return err
	}
	block := pem.EncodeToMemory(&pem.Block{Type: "RSA PRIVATE KEY", Bytes: x509.MarshalPKCS1PrivateKey(key)})
	if err := writeAndCommit(dir, "deploy/id_rsa", string(block)); err != nil {
		return err
	}
	return e.failsWith(dir, []string{"scan-fs"}, "private-key", "deploy/id_rsa")
}

func brokenGoTest(e *env) error {
	dir, err := e.copyOf("broken-test")
	if err != nil {
		return err
	}
	const test = "backend/internal/buildinfo/enginetest_broken_test.go"
	src := "package buildinfo\n\nimport \"testing\"\n\nfunc TestEnginetestBroken(t *testing.T) { t.Fatal(\"broken on purpose\") }\n"
	if err := writeAndCommit(dir, test, src); err != nil {
		return err
	}
	if err := e.failsWith(dir, []string{"with-validation", "--go-packages", "./backend/internal/buildinfo/", "test"}, "TestEnginetestBroken", "broken on purpose"); err != nil {
		return err
	}
	// The Tests tab shows it: validate-reports' JUnit of the backend has the failed case with its
	// message, and the stages' JUnit a failed backend stage.
	out := filepath.Join(e.work, "broken-test-reports")
	if c := e.call(dir, nil, "validate-reports", "export", "--path", out); c.err != nil {
		return c.err
	}
	for _, want := range []struct{ file, name, message string }{
		{testreports.JUnitGoBackend, "TestEnginetestBroken", "broken on purpose"},
		{testreports.JUnitStages, "test: backend (Go)", ""},
	} {
		data, err := os.ReadFile(filepath.Join(out, "reports", want.file))
		if err != nil {
			return err
		}
		if err := failedCase(data, want.name, want.message); err != nil {
			return fmt.Errorf("%s: %w", want.file, err)
		}
	}
	return nil
}

// failedCase finds a failed test case named name whose failure mentions message.
func failedCase(junitXML []byte, name, message string) error {
	doc, err := junit.Parse(junitXML)
	if err != nil {
		return err
	}
	for _, suite := range doc.Suites {
		for _, tc := range suite.Cases {
			if tc.Name == name && tc.Failure != nil && strings.Contains(tc.Failure.Message+tc.Failure.Text, message) {
				return nil
			}
		}
	}
	return fmt.Errorf("no failed case %q that says %q", name, message)
}

func smokeTest(e *env) error {
	dir, err := e.clean()
	if err != nil {
		return err
	}
	c := e.call(dir, nil, "smoke-test")
	if c.err != nil {
		return c.err
	}
	if !strings.Contains(c.stdout, "POST /api/tasks through nginx: 201") {
		return fmt.Errorf("smoke-test printed:\n%s", c.stdout)
	}
	return nil
}

// release runs release in dir after the with-* calls, exports its reports to out and returns
// release.json.
func (e *env) release(dir, out string, extraEnv, with []string, args ...string) (releaseManifest, call, error) {
	var m releaseManifest
	c := e.call(dir, extraEnv, append(append(append(with, "release"), args...), "export", "--path", out)...)
	if c.err != nil {
		return m, c, c.err
	}
	data, err := os.ReadFile(filepath.Join(out, "release.json"))
	if err != nil {
		return m, c, err
	}
	return m, c, json.Unmarshal(data, &m)
}

// releaseManifest is the part of release.json the scenarios read.
type releaseManifest struct {
	GitSHA       string              `json:"gitSha"`
	Images       map[string]string   `json:"images"`
	Attestations map[string][]string `json:"attestations"`
	// Platforms are, for a release of several platforms, the images each index lists.
	Platforms    map[string][]platformImage `json:"platforms"`
	EphemeralKey bool                       `json:"ephemeralKey"`
	ValuesCommit string                     `json:"valuesCommit"`
}

// platformImage is one platform's image in release.json.
type platformImage struct {
	Platform     string   `json:"platform"`
	Image        string   `json:"image"`
	Signed       bool     `json:"signed"`
	Attestations []string `json:"attestations"`
}

func releaseLocal(e *env) error {
	out := filepath.Join(e.work, "release-local")
	dir, err := e.clean()
	if err != nil {
		return err
	}
	m, c, err := e.release(dir, out, nil, nil)
	if err != nil {
		return err
	}
	e.timing("release cold", c.took)
	if !m.EphemeralKey || len(m.Images) != 2 {
		return fmt.Errorf("release.json: %+v", m)
	}
	if len(m.Attestations) != 2 {
		return fmt.Errorf("release.json: attestations of %d images, want 2", len(m.Attestations))
	}
	for component, kinds := range m.Attestations {
		if len(kinds) != len(releaseKinds) {
			return fmt.Errorf("release.json: %s has attestations %v, want %v", component, kinds, releaseKinds)
		}
	}
	// What docs/PIPELINE.md promises in the reports directory.
	for _, f := range []string{"summary.md", "release.json", "cosign.pub", "values.yaml",
		"backend/trivy-image.json", "backend/trivy-image-gate.md", "backend/sbom.spdx.json", "backend/sbom.cyclonedx.json",
		"frontend/trivy-image.json", "frontend/trivy-image-gate.md", "frontend/sbom.spdx.json", "frontend/sbom.cyclonedx.json",
		"backend/provenance.json", "backend/vuln.json", "backend/openvex.json", "frontend/provenance.json"} {
		if _, err := os.Stat(filepath.Join(out, f)); err != nil {
			return fmt.Errorf("release reports: %w", err)
		}
	}
	values, err := os.ReadFile(filepath.Join(out, "values.yaml"))
	if err != nil {
		return err
	}
	for _, ref := range m.Images {
		digest := ref[strings.LastIndex(ref, "@")+1:]
		if !strings.Contains(string(values), digest) {
			return fmt.Errorf("values.yaml does not pin %s", digest)
		}
	}
	summary, _ := os.ReadFile(filepath.Join(out, "summary.md"))
	for _, stage := range []string{"build backend", "smoke", "scan frontend", "push", "sign", "sbom", "attest", "values"} {
		if !strings.Contains(string(summary), stage) {
			return fmt.Errorf("summary.md has no %q stage:\n%s", stage, summary)
		}
	}
	// The main pipeline's Tests tab: one passed case per stage.
	return passedPerStage(filepath.Join(out, testreports.JUnitRelease), 9)
}

// passedPerStage wants a JUnit file of at least stages cases, none failed.
func passedPerStage(path string, stages int) error {
	data, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	doc, err := junit.Parse(data)
	if err != nil {
		return err
	}
	if c := doc.Count(); c.Tests < stages || c.Failures+c.Errors != 0 {
		return fmt.Errorf("%s: %s, want a passed case per stage", filepath.Base(path), c)
	}
	return nil
}

// withRegistry releases to the serve process's registry, under a namespace of the scenario's.
func (e *env) withRegistry(namespace string) ([]string, []string) {
	return []string{"with-registry", "--address", e.public + "/" + namespace, "--username", registryUser,
			"--password", "env://ENGINETEST_REGISTRY_PASSWORD"},
		[]string{"ENGINETEST_REGISTRY_PASSWORD=" + registryPassword}
}

// withTrustedRegistry is withRegistry as a fork sets it up for its first release: a Cosign key
// of its own, and values files (beside the repository's, in dir) in which the cluster's policy
// trusts that key, covers the repositories and requires the serve process's transparency log
// (a private log, as docs/SECURITY.md sets one up), and the chart pulls from them. release
// checks all of it before it builds anything (ci/admission), and records in that log.
func (e *env) withTrustedRegistry(dir, namespace string) ([]string, []string, error) {
	with, secrets := e.withRegistry(namespace)
	const password = "enginetest"
	pair, err := signing.GenerateKeyPair([]byte(password))
	if err != nil {
		return nil, nil, err
	}
	keyFile := filepath.Join(e.work, namespace+"-cosign.key") // outside the module's source
	if err := os.WriteFile(keyFile, pair.PrivateKeyPEM, 0o600); err != nil {
		return nil, nil, err
	}
	repos := strings.TrimPrefix(e.public, "http://") + "/" + namespace + "/taskboard-"
	fork := filepath.Join("enginetest-fork", namespace)
	files := map[string]string{
		"policies.yaml": fmt.Sprintf("verifyImageSignatures:\n  imageReferences: [%sfrontend*, %sbackend*]\n  publicKeys: [%q]\n  transparencyLog: {url: %q}\n", repos, repos, pair.PublicKeyPEM, e.rekorURL),
		"app.yaml":      fmt.Sprintf("frontend: {image: {repository: %sfrontend}}\nbackend: {image: {repository: %sbackend}}\n", repos, repos),
	}
	if err := os.MkdirAll(filepath.Join(dir, fork), 0o755); err != nil {
		return nil, nil, err
	}
	for name, text := range files {
		if err := os.WriteFile(filepath.Join(dir, fork, name), []byte(text), 0o644); err != nil {
			return nil, nil, err
		}
	}
	with = append(with, "with-cosign-key", "--key", "file://"+keyFile, "--password", "env://ENGINETEST_COSIGN_PASSWORD",
		"with-admission", "--policy-values", "helm/policies/values.yaml,helm/policies/values-production.yaml,"+fork+"/policies.yaml",
		"--app-values", "helm/app/values.yaml,helm/app/values-production.yaml,"+fork+"/app.yaml")
	return with, append(secrets, "ENGINETEST_COSIGN_PASSWORD="+password), nil
}

func releaseToRegistry(e *env) error {
	dir, err := e.clean()
	if err != nil {
		return err
	}
	sha, err := headSHA(dir)
	if err != nil {
		return err
	}
	out := filepath.Join(e.work, "release-registry")
	with, secrets, err := e.withTrustedRegistry(dir, "ci")
	if err != nil {
		return err
	}
	m, c, err := e.release(dir, out, secrets, with, "--git-sha", sha)
	if err != nil {
		return err
	}
	e.timing("release warm (builds cached, to a real registry)", c.took)
	pub, err := os.ReadFile(filepath.Join(out, "cosign.pub"))
	if err != nil {
		return err
	}
	// From outside the engine: this process, through the serve process's socket, with cosign's
	// Go packages (ci/signing wraps them).
	for component, ref := range m.Images {
		if err := e.verify(ref, pub, releaseKinds, signing.InTransparencyLog(e.rekorKey)); err != nil {
			return fmt.Errorf("%s: %w", component, err)
		}
	}
	return nil
}

func scanGate(e *env) error {
	dir, err := e.clean()
	if err != nil {
		return err
	}
	with, secrets, err := e.withTrustedRegistry(dir, "gate")
	if err != nil {
		return err
	}
	// A later with-scan-policy replaces the DB of the one every call starts with.
	args := append(append(scanPolicy(e.public, trivyDBHigh), with...), "release")
	c := e.call(dir, secrets, args...)
	if c.err == nil {
		return fmt.Errorf("the release passed with a HIGH advisory for %s", advisedModule)
	}
	for _, w := range []string{"scan backend", "CVE-2099-0001", advisedModule} {
		if !strings.Contains(c.err.Error(), w) {
			return fmt.Errorf("the failure does not name %q:\n%s", w, c.err)
		}
	}
	repos, err := e.catalog()
	if err != nil {
		return err
	}
	for _, r := range repos {
		if strings.HasPrefix(r, "gate/") {
			return fmt.Errorf("the failed release pushed %s", r)
		}
	}
	return nil
}

func gitOps(e *env) error {
	dir, err := e.clean()
	if err != nil {
		return err
	}
	sha, err := headSHA(dir)
	if err != nil {
		return err
	}
	gitURL := strings.Replace(e.public, "http://", "https://", 1)
	gitURL = gitURL[:strings.LastIndex(gitURL, ":")] + fmt.Sprintf(":%d/git/gitops.git", servePort+1)
	when, err := commitTime(dir)
	if err != nil {
		return err
	}
	// As the main pipeline does: the commit's time is the build time, so the rerun rebuilds the
	// same images.
	releaseFlags := []string{"--git-sha", sha, "--build-time", when, "--git-push"}
	// To a registry that outlives the call, so that two runs' images can be compared.
	with, secrets, err := e.withTrustedRegistry(dir, "gitops")
	if err != nil {
		return err
	}
	with = append(with, "with-git-ops", "--repo-url", gitURL, "--token", "env://ENGINETEST_GIT_TOKEN",
		"--ca-certificate", filepath.Join(e.state, "git-ca.pem"))
	secrets = append(secrets, "ENGINETEST_GIT_TOKEN="+gitToken)
	if err := e.controlPost("/control/interleave"); err != nil {
		return err
	}
	m, _, err := e.release(dir, filepath.Join(e.work, "release-gitops"), secrets, with, releaseFlags...)
	if err != nil {
		return err
	}
	log, err := e.gitLog()
	if err != nil {
		return err
	}
	want := "ci: update image tags to " + sha
	if len(log) != 3 || !strings.HasPrefix(log[0], want) || log[1] != "concurrent writer" {
		return fmt.Errorf("the branch's log is %q, want ours on top of the concurrent writer's", log)
	}
	if m.ValuesCommit == "" {
		return fmt.Errorf("release.json names no values commit")
	}
	// A second release of the same commit rebuilds the same images, so it has nothing to record.
	again, _, err := e.release(dir, filepath.Join(e.work, "release-gitops-again"), secrets, with, releaseFlags...)
	if err != nil {
		return fmt.Errorf("second run: %w", err)
	}
	for component, ref := range m.Images {
		if again.Images[component] != ref {
			return fmt.Errorf("the second run built %s as %s, the first as %s: %s", component,
				again.Images[component], ref, e.configDiff(ref, again.Images[component]))
		}
	}
	after, err := e.gitLog()
	if err != nil {
		return err
	}
	if len(after) != len(log) || again.ValuesCommit != "" {
		return fmt.Errorf("the second run committed again: %q", after)
	}
	return nil
}

func commitTime(dir string) (string, error) {
	out, err := exec.Command("git", "-C", dir, "log", "-1", "--format=%cI").Output()
	return strings.TrimSpace(string(out)), err
}

func headSHA(dir string) (string, error) {
	out, err := exec.Command("git", "-C", dir, "rev-parse", "HEAD").Output()
	return strings.TrimSpace(string(out)), err
}
