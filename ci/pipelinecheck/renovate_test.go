package pipelinecheck

import (
	"encoding/json"
	"os"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"gopkg.in/yaml.v3"
)

// renovateWindow reads renovate.json's schedule as this repository writes it, one window
// "before Nam on DAY" in UTC, and returns its day and the hour it closes. Renovate's other forms
// are refused: a new schedule makes this test say what to hold the pipeline's cron to.
func renovateWindow(t *testing.T) (time.Weekday, int) {
	t.Helper()
	data, err := os.ReadFile("../../renovate.json")
	if err != nil {
		t.Fatal(err)
	}
	var cfg struct {
		Timezone string   `json:"timezone"`
		Schedule []string `json:"schedule"`
	}
	if err := json.Unmarshal(data, &cfg); err != nil {
		t.Fatal(err)
	}
	if cfg.Timezone != "Etc/UTC" && cfg.Timezone != "UTC" {
		t.Fatalf("renovate.json's timezone is %q: Azure's cron is UTC, keep it Etc/UTC or convert the pipeline's cron", cfg.Timezone)
	}
	m := regexp.MustCompile(`^before ([0-9]{1,2})am on ([a-z]+)$`).FindStringSubmatch(strings.Join(cfg.Schedule, "|"))
	if m == nil {
		t.Fatalf("renovate.json's schedule %q is not one \"before Nam on DAY\": hold .azure-pipelines/renovate.yml's cron to the new one here", cfg.Schedule)
	}
	end, _ := strconv.Atoi(m[1])
	for d := time.Sunday; d <= time.Saturday; d++ {
		if strings.EqualFold(d.String(), m[2]) {
			return d, end
		}
	}
	t.Fatalf("renovate.json's schedule: %q is not a day", m[2])
	return 0, 0
}

// The weekly run starts inside renovate.json's window, at least an hour before it closes: Azure
// may start a scheduled run late, and Renovate creates branches only inside the window, so a run
// that starts after it would propose nothing new, every week, without failing.
func TestRenovatePipelineRunsInsideRenovatesSchedule(t *testing.T) {
	data, err := readPipelineFile("renovate.yml")
	if err != nil {
		t.Fatal(err)
	}
	schedules, err := Schedules(data)
	if err != nil {
		t.Fatal(err)
	}
	if len(schedules) != 1 {
		t.Fatalf("renovate.yml has %d schedules, want one weekly run", len(schedules))
	}
	s := schedules[0]
	if !slices.Equal(s.Branches, []string{"main"}) || !s.Always {
		t.Errorf("the schedule runs on %q, always %v: want main, and always (upstream releases whether main changed or not)", s.Branches, s.Always)
	}
	day, hour, minute, err := Weekly(s.Cron)
	if err != nil {
		t.Fatal(err)
	}
	windowDay, end := renovateWindow(t)
	if day != windowDay || hour*60+minute+60 > end*60 {
		t.Errorf("renovate.yml runs on %s at %02d:%02d UTC; renovate.json's window is %s before %d:00 UTC: start it there, an hour before it closes at the latest",
			day, hour, minute, windowDay, end)
	}
}

// The pipeline only installs Dagger and makes the call: no trigger but the schedule, no variable
// group, no task, one script whose dagger calls start with $(DAGGER_CALL) and end with renovate,
// the tokens mapped from secret variables into env:// names, never on a command line.
func TestRenovatePipelineIsOneDaggerCall(t *testing.T) {
	steps, text := load(t, "renovate.yml")
	var doc struct {
		Trigger string `yaml:"trigger"`
		PR      string `yaml:"pr"`
	}
	if err := yaml.Unmarshal([]byte(text), &doc); err != nil {
		t.Fatal(err)
	}
	if doc.Trigger != "none" || doc.PR != "none" {
		t.Errorf("trigger %q, pr %q: the schedule alone starts Renovate", doc.Trigger, doc.PR)
	}
	if groups, err := Groups([]byte(text)); err != nil || len(groups) != 0 {
		t.Errorf("renovate.yml's token is a secret variable of the pipeline, not a group: %+v %v", groups, err)
	}
	for _, want := range []string{"\n  - template: templates/dagger.yml\n", "\n      - template: templates/install-dagger.yml\n"} {
		if !strings.Contains(text, want) {
			t.Errorf("renovate.yml does not include %q", strings.TrimSpace(want))
		}
	}
	steps = slices.DeleteFunc(steps, func(s Step) bool { return s.Uses == "templates/install-dagger.yml" })
	if len(steps) != 1 || steps[0].Task != "" || steps[0].Script == "" {
		t.Fatalf("renovate.yml's steps besides checkout and the install template: %+v, want one script", steps)
	}
	script, env := steps[0].Script, steps[0].Env
	calls := 0
	for _, line := range strings.Split(script, "\n") {
		line = strings.TrimSpace(line)
		if !strings.Contains(line, "dagger ") && !strings.Contains(line, "$(DAGGER_CALL)") {
			continue
		}
		calls++
		if !strings.HasPrefix(line, "$(DAGGER_CALL) with-renovate --platform azure ") || !strings.HasSuffix(line, " renovate") {
			t.Errorf("a call that is not $(DAGGER_CALL) with-renovate --platform azure ... renovate: %s", line)
		}
		if strings.Contains(line, "$(Renovate") || strings.Contains(line, "RENOVATE_TOKEN}") || strings.Contains(line, "$RENOVATE_TOKEN") || strings.Contains(line, "$GITHUB_COM_TOKEN") {
			t.Errorf("a token's value on the command line: %s", line)
		}
	}
	if calls == 0 {
		t.Fatal("renovate.yml's script makes no dagger call")
	}
	secretVariable := regexp.MustCompile(`^\$\(([A-Za-z][A-Za-z0-9]*)\)$`)
	for _, m := range regexp.MustCompile(`env://([A-Z_]+)`).FindAllStringSubmatch(script, -1) {
		v, ok := env[m[1]]
		if !ok {
			t.Errorf("env://%s is read by the dagger call but not mapped into the step's env", m[1])
		} else if !secretVariable.MatchString(v) {
			t.Errorf("env %s: %q is not a secret variable $(Name)", m[1], v)
		}
	}
	if env["RENOVATE_TOKEN"] != "$(RenovateToken)" || env["GITHUB_COM_TOKEN"] != "$(RenovateGithubToken)" {
		t.Errorf("env maps RENOVATE_TOKEN to %q and GITHUB_COM_TOKEN to %q: docs/SETUP.md names the secret variables RenovateToken and RenovateGithubToken",
			env["RENOVATE_TOKEN"], env["GITHUB_COM_TOKEN"])
	}
}

func TestWeeklyReadsOneTimeAWeek(t *testing.T) {
	for cron, want := range map[string][3]int{"0 3 * * 1": {1, 3, 0}, "30 5 * * Mon": {1, 5, 30}, "15 23 * * 0": {0, 23, 15}} {
		day, hour, minute, err := Weekly(cron)
		if err != nil || [3]int{int(day), hour, minute} != want {
			t.Errorf("%q: %v %d %d %v, want %v", cron, day, hour, minute, err, want)
		}
	}
	for _, cron := range []string{"0 3 * * 1-5", "0 3 * * *", "0 3 1 * 1", "*/5 3 * * 1", "0 24 * * 1", "0 3 * * 7", "0 3 * * Monday", "0 3 * *"} {
		if _, _, _, err := Weekly(cron); err == nil {
			t.Errorf("%q: accepted", cron)
		}
	}
}
