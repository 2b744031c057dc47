package pipelinecheck

import (
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
)

// A shared engine (docs/SETUP.md, shared Dagger engines) is one parameter of both pipelines,
// daggerEngine, which templates/dagger.yml turns into the variable the dagger CLI reads and
// templates/install-dagger.yml checks before any dagger runs.
const (
	engineParameter = "daggerEngine"
	runnerHostEnv   = "_EXPERIMENTAL_DAGGER_RUNNER_HOST"
	// The condition both templates put the engine's variable and steps under: the pipelines'
	// blank default (one space) and an empty value both mean "no shared engine".
	engineSet      = "${{ if notIn(parameters.daggerEngine, '', ' ') }}"
	passEngine     = "${{ parameters.daggerEngine }}"
	installDagger  = "templates/install-dagger.yml"
	daggerTemplate = "templates/dagger.yml"
)

var pipelines = []string{"pr-validation.yml", "azure-pipelines-main.yml"}

func parameter(t *testing.T, file, name string) Parameter {
	t.Helper()
	data, err := readPipelineFile(file)
	if err != nil {
		t.Fatal(err)
	}
	params, err := Parameters(data)
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range params {
		if p.Name == name {
			return p
		}
	}
	t.Fatalf("%s has no parameter %s", file, name)
	return Parameter{}
}

// Both pipelines take the engine under the same name, a free string whose default is blank:
// without it, a run is what it was before shared engines (the CLI starts its own engine). The
// default is one space rather than the empty string because Azure's Run pipeline pane demands a
// non-empty value for a string parameter whose default is empty; the templates treat both as no
// engine.
func TestBothPipelinesTakeTheEngineParameter(t *testing.T) {
	var defaults []string
	for _, file := range pipelines {
		p := parameter(t, file, engineParameter)
		if p.Type != "string" || !p.HasDefault || strings.TrimSpace(p.Default) != "" || p.DisplayName == "" {
			t.Errorf("%s: %s must be a string with a blank default and a display name, got %+v", file, engineParameter, p)
		}
		defaults = append(defaults, p.Default)
		if !slices.Contains([]string{"", " "}, p.Default) {
			t.Errorf("%s: default %q is not one the templates' condition %s treats as no engine", file, p.Default, engineSet)
		}
	}
	if defaults[0] != defaults[1] {
		t.Errorf("the pipelines' defaults differ: %q", defaults)
	}
	for _, tmpl := range []string{daggerTemplate, installDagger} {
		if p := parameter(t, tmpl, engineParameter); p.Type != "string" || !p.HasDefault || p.Default != "" {
			t.Errorf("%s: %s must be a string defaulting to empty, got %+v", tmpl, engineParameter, p)
		}
	}
}

// daggerRuns matches a script line that runs the dagger CLI (after $(DAGGER_CALL) is expanded):
// `dagger call`, `"$HOME/.local/bin/dagger" version`, `dagger core version`.
var daggerRuns = regexp.MustCompile(`(^|[\s;&|(/"])dagger"?\s`)

// Every step that runs dagger sees the engine: templates/dagger.yml sets the variable the CLI
// reads, once, at the root of each pipeline (Azure hands every non-secret variable to every step
// as an environment variable), and only when the parameter is set; no job, stage or step sets it
// otherwise, and the steps template that checks it comes before any step that runs dagger.
func TestEveryDaggerStepSeesTheEngine(t *testing.T) {
	tmpl, err := readPipelineFile(daggerTemplate)
	if err != nil {
		t.Fatal(err)
	}
	entries, err := Entries(tmpl)
	if err != nil {
		t.Fatal(err)
	}
	var host []Entry
	for _, e := range entries {
		if e.Name == runnerHostEnv {
			host = append(host, e)
		}
	}
	if len(host) != 1 || host[0].Value != passEngine || host[0].Template != engineSet {
		t.Fatalf("%s must set %s to %s under %s, once; got %+v", daggerTemplate, runnerHostEnv, passEngine, engineSet, host)
	}

	for _, file := range pipelines {
		data, err := readPipelineFile(file)
		if err != nil {
			t.Fatal(err)
		}
		root, err := Entries(data)
		if err != nil {
			t.Fatal(err)
		}
		included := false
		for _, e := range root {
			if e.Include == daggerTemplate {
				included = e.Template == "" && e.Parameters[engineParameter] == passEngine
			}
		}
		if !included {
			t.Errorf("%s: its root variables must include %s, unconditionally, with %s: %s", file, daggerTemplate, engineParameter, passEngine)
		}
		// Nothing else may set (or blank) the variable: not a job's or a stage's variables, not a
		// step's env.
		if strings.Contains(string(data), "name: "+runnerHostEnv) || strings.Contains(string(data), runnerHostEnv+":") {
			t.Errorf("%s sets %s itself: only %s may", file, runnerHostEnv, daggerTemplate)
		}

		vars, err := Variables(data, readPipelineFile)
		if err != nil {
			t.Fatal(err)
		}
		steps, err := Steps(data)
		if err != nil {
			t.Fatal(err)
		}
		install, dagger := -1, 0
		for i, s := range steps {
			if s.Uses == installDagger {
				if install >= 0 || s.Template != "" || s.Parameters[engineParameter] != passEngine {
					t.Errorf("%s: include %s once, unconditionally, with %s: %s; got %+v", file, installDagger, engineParameter, passEngine, s)
				}
				install = i
				continue
			}
			if _, ok := s.Env[runnerHostEnv]; ok {
				t.Errorf("%s: step %q sets %s in its env", file, s.DisplayName, runnerHostEnv)
			}
			if !slices.ContainsFunc(Expand(s.Script, vars), daggerRuns.MatchString) {
				continue
			}
			dagger++
			if install < 0 {
				t.Errorf("%s: step %q runs dagger before %s has checked the engine", file, s.DisplayName, installDagger)
			}
		}
		if dagger == 0 {
			t.Errorf("%s: found no step that runs dagger: the check proves nothing", file)
		}
	}
}

// engineSteps are templates/install-dagger.yml's steps.
func engineSteps(t *testing.T) []Step {
	t.Helper()
	data, err := readPipelineFile(installDagger)
	if err != nil {
		t.Fatal(err)
	}
	steps, err := Steps(data)
	if err != nil {
		t.Fatal(err)
	}
	return steps
}

// runScript runs a step's script in bash, as the agent does (a file, run with bash), with env
// added to a minimal environment.
func runScript(t *testing.T, script string, env ...string) (string, error) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "step.sh")
	if err := os.WriteFile(path, []byte(script), 0o600); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command("bash", "--noprofile", "--norc", path)
	cmd.Env = append([]string{"PATH=" + os.Getenv("PATH")}, env...)
	out, err := cmd.CombinedOutput()
	return string(out), err
}

// The first step, when an engine is given, refuses any address but the four forms docs/SETUP.md
// describes, naming the parameter, before anything prints or dials it. It reads the value from
// the environment dagger reads, so what it accepts is what dagger gets; the value is never pasted
// into the script, and a refused value is never echoed (no shell word, no ##vso command of it
// runs). The script is run here, as the agent runs it, against good and bad addresses.
func TestEngineAddressIsCheckedFirstAndFailsClosed(t *testing.T) {
	steps := engineSteps(t)
	check := steps[0]
	if check.Template != engineSet || !strings.Contains(check.DisplayName, engineParameter) {
		t.Fatalf("the first step of %s must check %s, under %s; got %+v", installDagger, engineParameter, engineSet, check)
	}
	if strings.Contains(check.Script, "${{") || macro.MatchString(check.Script) || !strings.Contains(check.Script, "${"+runnerHostEnv+":-}") {
		t.Fatalf("the check must read $%s from its environment, with no template expression or $(macro) in the script", runnerHostEnv)
	}

	accepted := []string{
		"tcp://dagger-pr.dagger-pr.svc.cluster.local:1234",
		"tcp://10.0.3.17:2345",
		"tcp://[fd00::17]:1234",
		"tcp://engine:65535",
		"kube-pod://dagger-pr-engine-0?namespace=dagger-pr",
		"kube-pod://dagger-pr-engine-0?namespace=dagger-pr&container=dagger-engine",
		"unix:///run/dagger/engine.sock",
		"docker-container://dagger-engine-v0.21.9",
	}
	for _, value := range accepted {
		out, err := runScript(t, check.Script, runnerHostEnv+"="+value)
		if err != nil || !strings.Contains(out, "Dagger runs on the engine at "+value+"\n") {
			t.Errorf("%q refused: %v\n%s", value, err, out)
		}
	}

	refused := []string{
		"",
		"tcp://engine",
		"tcp://engine:",
		"tcp://engine:0",
		"tcp://engine:65536",
		"tcp://engine:1234/",
		"tcp://user@engine:1234",
		" tcp://engine:1234",
		"tcp://engine:1234 ",
		"http://engine:1234",
		"tls://engine:443",
		"ssh://user@engine",
		"image://registry.dagger.io/engine:v0.21.9",
		"container://dagger-engine",
		"kube-pod://dagger-pr-engine-0",
		"kube-pod://Dagger-engine-0?namespace=dagger",
		"kube-pod://dagger-engine-0?namespace=dagger&context=prod",
		"kube-pod://dagger-engine-0?container=dagger-engine&namespace=dagger",
		"kube-pod://dagger-engine-0?namespace=dagger.prod",
		"unix://run/dagger/engine.sock",
		"unix:///run/dagger/engine sock",
		"docker-container://",
		"docker-container://-engine",
		"tcp://engine:1234\n##vso[task.setvariable variable=Injected]yes",
		"tcp://engine:1234;touch /tmp/pwned",
		"tcp://$(hostname):1234",
		"$(System.AccessToken)",
	}
	for _, value := range refused {
		out, err := runScript(t, check.Script, runnerHostEnv+"="+value)
		if err == nil {
			t.Errorf("%q accepted:\n%s", value, out)
			continue
		}
		if !strings.Contains(out, "##vso[task.logissue type=error]") || !strings.Contains(out, engineParameter) {
			t.Errorf("%q: refused without an error naming %s:\n%s", value, engineParameter, out)
		}
		if strings.Contains(out, "Injected") || strings.Contains(out, "engine:1234") {
			t.Errorf("%q: the refused value is echoed:\n%s", value, out)
		}
	}
}

// After the install, the engine must answer and run the version the CLI is pinned to: the CLI
// talks to older engines too, so a shared engine left behind would run the calls silently. The
// script runs here against a stand-in dagger that answers what an engine would.
func TestEngineVersionIsChecked(t *testing.T) {
	steps := engineSteps(t)
	installAt := slices.IndexFunc(steps, func(s Step) bool { return strings.Contains(s.Script, "dl.dagger.io/dagger/install.sh") })
	if installAt < 0 || installAt+1 >= len(steps) {
		t.Fatalf("%s: no version check after the install: %+v", installDagger, steps)
	}
	check := steps[installAt+1]
	if check.Template != engineSet || !strings.Contains(check.Script, `/dagger" core version`) {
		t.Fatalf("the step after the install must ask the engine its version (dagger core version), under %s; got %+v", engineSet, check)
	}
	if slices.ContainsFunc(steps[:installAt], func(s Step) bool { return daggerRuns.MatchString(s.Script) }) {
		t.Errorf("%s runs dagger before the install", installDagger)
	}

	data, err := readPipelineFile(daggerTemplate)
	if err != nil {
		t.Fatal(err)
	}
	vars, err := Variables(data, readPipelineFile)
	if err != nil {
		t.Fatal(err)
	}
	scripts := Expand(check.Script, vars)
	if len(scripts) != 1 || macro.MatchString(scripts[0]) {
		t.Fatalf("the version check, expanded: %q", scripts)
	}
	pinned := "v" + vars["DAGGER_VERSION"][0]

	run := func(answer string, exit int) (string, error) {
		home := t.TempDir()
		bin := filepath.Join(home, ".local", "bin")
		if err := os.MkdirAll(bin, 0o700); err != nil {
			t.Fatal(err)
		}
		fake := "#!/bin/sh\n[ \"$1 $2\" = 'core version' ] || exit 3\nprintf '%s\\n' '" + answer + "'\nexit " + string(rune('0'+exit)) + "\n"
		if err := os.WriteFile(filepath.Join(bin, "dagger"), []byte(fake), 0o700); err != nil {
			t.Fatal(err)
		}
		return runScript(t, scripts[0], "HOME="+home, runnerHostEnv+"=tcp://engine:1234")
	}
	if out, err := run(pinned, 0); err != nil || !strings.Contains(out, "runs Dagger "+pinned) {
		t.Errorf("an engine of the pinned version %s refused: %v\n%s", pinned, err, out)
	}
	for _, c := range []struct {
		answer string
		exit   int
	}{
		{"v0.21.8", 0},
		{"v0.21.10", 0},
		{"", 0},
		{"connection refused", 1},
		{pinned + "\n##vso[task.setvariable variable=Injected]yes", 0},
	} {
		out, err := run(c.answer, c.exit)
		if err == nil || !strings.Contains(out, "##vso[task.logissue type=error]") || !strings.Contains(out, engineParameter) {
			t.Errorf("engine answering %q (exit %d) accepted, or refused without naming %s: %v\n%s", c.answer, c.exit, engineParameter, err, out)
		}
		if strings.Contains(out, "\n##vso[task.setvariable") {
			t.Errorf("the engine's answer reached the log as a logging command:\n%s", out)
		}
	}
}
