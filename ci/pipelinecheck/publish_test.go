package pipelinecheck

import (
	"os"
	"path"
	"strings"
	"testing"

	"dagger/pipeline/testreports"
)

func load(t *testing.T, name string) ([]Step, string) {
	t.Helper()
	data, err := os.ReadFile("../../.azure-pipelines/" + name)
	if err != nil {
		t.Fatal(err)
	}
	steps, err := Steps(data)
	if err != nil {
		t.Fatal(err)
	}
	return steps, string(data)
}

func tasks(steps []Step, name string) []Step {
	var out []Step
	for _, s := range steps {
		if s.Task == name {
			out = append(out, s)
		}
	}
	return out
}

// matching lists the exported files (relative to the exported directory) a pattern matches.
func matching(pattern string, files []string) []string {
	var out []string
	for _, f := range files {
		if ok, _ := path.Match(pattern, f); ok {
			out = append(out, f)
		}
	}
	return out
}

func exportedUnder(prefix string) []string {
	var out []string
	for _, f := range testreports.Exported {
		out = append(out, prefix+f)
	}
	return out
}

func TestPullRequestPipelinePublishesEveryReport(t *testing.T) {
	steps, text := load(t, "pr-validation.yml")
	// What validate-reports exports, as the pipeline sees it under $(VALIDATION_DIR).
	exported := exportedUnder("reports/")

	published := map[string]bool{}
	titles := map[string]bool{}
	results := tasks(steps, "PublishTestResults@2")
	if len(results) != 3 {
		t.Fatalf("want PublishTestResults@2 for the Go, frontend and stage runs, found %d", len(results))
	}
	for _, s := range results {
		in := s.Inputs
		if s.Condition != "always()" || in["testResultsFormat"] != "JUnit" || in["searchFolder"] != "$(VALIDATION_DIR)" || in["failTaskOnFailedTests"] != "false" {
			t.Errorf("%s: want condition always(), JUnit, searchFolder $(VALIDATION_DIR), the gate failing the job; got %q %v", s.DisplayName, s.Condition, in)
		}
		files := matching(in["testResultsFiles"], exported)
		if len(files) == 0 || !strings.HasSuffix(files[0], ".xml") || !strings.Contains(files[0], "/junit/") {
			t.Errorf("%s: %q matches no JUnit file validate-reports exports (%v)", s.DisplayName, in["testResultsFiles"], exported)
		}
		for _, f := range files {
			published[f] = true
		}
		if in["testRunTitle"] == "" || titles[in["testRunTitle"]] {
			t.Errorf("%s: run title %q is empty or not unique", s.DisplayName, in["testRunTitle"])
		}
		titles[in["testRunTitle"]] = true
	}

	coverage := tasks(steps, "PublishCodeCoverageResults@2")
	if len(coverage) != 1 || coverage[0].Condition != "always()" {
		t.Fatalf("want one PublishCodeCoverageResults@2 with condition always(), got %+v", coverage)
	}
	pattern := strings.TrimPrefix(coverage[0].Inputs["summaryFileLocation"], "$(VALIDATION_DIR)/")
	for _, f := range matching(pattern, exported) {
		published[f] = true
	}
	for _, f := range exported {
		if !published[f] {
			t.Errorf("validate-reports exports %s but no publish task picks it up", f)
		}
	}

	security := tasks(steps, "AdvancedSecurity-Publish@1")
	if len(security) != 1 || security[0].Template != "${{ if eq(parameters.advancedSecurity, true) }}" ||
		security[0].Inputs["SarifsInputDirectory"] != "$(Build.ArtifactStagingDirectory)/CodeAnalysisLogs" {
		t.Fatalf("want AdvancedSecurity-Publish@1 behind the advancedSecurity parameter, reading the collected SARIF; got %+v", security)
	}
	if !strings.Contains(text, "- name: advancedSecurity\n    displayName: Publish SARIF to GitHub Advanced Security\n    type: boolean\n    default: false\n") {
		t.Error("the advancedSecurity parameter must be a boolean that defaults to off (opt-in)")
	}

	artifacts := map[string]string{}
	for _, s := range tasks(steps, "PublishPipelineArtifact@1") {
		if s.Condition != "always()" {
			t.Errorf("%s: condition %q, want always()", s.DisplayName, s.Condition)
		}
		artifacts[s.Inputs["artifact"]] = s.Inputs["targetPath"]
	}
	if artifacts["validation-reports"] != "$(VALIDATION_DIR)" || artifacts["CodeAnalysisLogs"] == "" {
		t.Errorf("artifacts = %v: want validation-reports (the whole export) and CodeAnalysisLogs (SARIF)", artifacts)
	}

	// The job still fails on a failed stage: the last step gates on the exported status, after
	// everything above was published.
	last := steps[len(steps)-1]
	if last.Condition != "always()" || !strings.Contains(last.Script, `if [ "$status" != "passed" ]`) || !strings.Contains(last.Script, "exit 1") {
		t.Errorf("the last step must gate on the status file, whatever happened before: %+v", last)
	}
}

func TestMainPipelinePublishesTheRelease(t *testing.T) {
	steps, text := load(t, "azure-pipelines-main.yml")
	if !strings.Contains(text, "  - deployment: release\n") || !strings.Contains(text, "    environment: taskboard-gitops-${{ variables.GITOPS_BRANCH }}\n") ||
		!strings.Contains(text, "--branch \"$(GITOPS_BRANCH)\"") {
		t.Error("the release must be a deployment job whose environment is named after the branch it pushes to")
	}
	results := tasks(steps, "PublishTestResults@2")
	if len(results) != 1 || results[0].Condition != "always()" || results[0].Inputs["searchFolder"] != "$(REPORTS_DIR)" ||
		len(matching(results[0].Inputs["testResultsFiles"], []string{testreports.JUnitRelease})) != 1 {
		t.Fatalf("want PublishTestResults@2 of %s under $(REPORTS_DIR), condition always(); got %+v", testreports.JUnitRelease, results)
	}
	var summary, artifact bool
	for _, s := range steps {
		summary = summary || (s.Condition == "always()" && strings.Contains(s.Script, "##vso[task.uploadsummary]$(REPORTS_DIR)/summary.md"))
		artifact = artifact || (s.Task == "PublishPipelineArtifact@1" && s.Inputs["targetPath"] == "$(REPORTS_DIR)")
	}
	if !summary || !artifact {
		t.Errorf("summary attached: %v; reports (with release.json) published as an artifact: %v", summary, artifact)
	}
}

func TestStepsFindsTasksUnderTemplates(t *testing.T) {
	steps, err := Steps([]byte("steps:\n  - ${{ if true }}:\n      - task: A@1\n        inputs: {x: y}\n  - script: echo\n"))
	if err != nil || len(steps) != 2 || steps[0].Task != "A@1" || steps[0].Template != "${{ if true }}" || steps[0].Inputs["x"] != "y" || steps[1].Script != "echo" {
		t.Fatalf("%+v %v", steps, err)
	}
}
