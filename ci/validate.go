package main

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"strings"

	"dagger/pipeline/internal/dagger"
	"dagger/pipeline/junit"
	"dagger/pipeline/summary"
	"dagger/pipeline/testreports"
	"dagger/pipeline/trivyreport"
)

// Validate runs every pull-request stage concurrently (lint, schemas, policies, yaml, scan-fs
// and the tests), as with-scan-policy and with-validation set them, and returns the Markdown summary, one row per stage. It fails after every stage
// has reported when any failed, with the summary in the error. Cached for the session only:
// the Trivy DB moves daily, so a rerun must scan again.
//
// +cache="session"
func (p *Pipeline) Validate(ctx context.Context) (string, error) {
	sum, _, _ := p.validateAll(ctx)
	md := sum.Markdown()
	if failed := sum.FailedStages(); len(failed) > 0 || !sum.Passed() {
		// The summary already holds each failure's message; the last line names the stages.
		names := make([]string, len(failed))
		for i, st := range failed {
			names[i] = st.Name
		}
		return "", fmt.Errorf("%s\nvalidation failed: %s", md, strings.Join(names, ", "))
	}
	return md, nil
}

// ValidateReports runs the same stages as validate and returns their reports instead of
// failing: summary.md, a status file holding "passed" or "failed", and under reports/ the Trivy
// JSON and SARIF, the Trivy gate verdict, kubeconform's JSON, Kyverno's output, the Helm lint,
// YAML check and test logs, JUnit in junit/ (stages.xml: one case per stage and per violation;
// go-backend.xml, go-ci-module.xml, frontend.xml: every test) and Cobertura in coverage/. CI
// exports it, publishes it even when a stage failed, then gates on status.
//
// +cache="session"
func (p *Pipeline) ValidateReports(ctx context.Context) *dagger.Directory {
	sum, reports, findings := p.validateAll(ctx)
	status := "failed"
	if sum.Passed() {
		status = "passed"
	}
	// Each stage one case, then each violation and blocking finding one failed case.
	stagesXML, err := junit.Marshal(junit.FromStages("validate", sum, findings...))
	if err != nil {
		status = "failed"
		sum.Notes = append(sum.Notes, "The stages' JUnit could not be written: "+err.Error())
	}
	reports = reports.WithNewFile(testreports.JUnitStages, string(stagesXML))
	sum.Artifact, sum.Reports = "validation-reports", testreports.ValidationLinks(trivyreport.FSJSON, trivyreport.FSSARIF, trivyreport.FSGate)
	return dag.Directory().
		WithNewFile("summary.md", sum.Markdown()).
		WithNewFile("status", status+"\n").
		WithDirectory("reports", reports)
}

// validateAll runs every stage concurrently and waits for all of them: a failing stage never
// hides another's result. Rows are in name order, so the summary reads the same every run.
func (p *Pipeline) validateAll(ctx context.Context) (summary.Summary, *dagger.Directory, []junit.Suite) {
	stages := p.testSuites()
	maps.Copy(stages, map[string]func(context.Context) stageResult{
		"lint": p.lintStage, "schemas": p.schemasStage, "policies": p.policiesStage, "yaml": p.yamlStage, "scan-fs": p.scanFsStage,
	})
	names := slices.Sorted(maps.Keys(stages))
	results := make([]stageResult, len(names))
	tasks := make([]summary.Task, len(names))
	for i, name := range names {
		tasks[i] = summary.Task{Name: name, Run: func() (string, error) { results[i] = stages[name](ctx); return results[i].details, results[i].err }}
	}
	sum := summary.Summary{Title: "Pull request validation", Stages: summary.RunConcurrently(tasks), SeverityScope: "trivy fs, gate " + p.Severity}
	sum.Notes = []string{
		"Reports: `dagger call validate-reports export --path reports`.",
		"Image-signature policies are evaluated by `release` (it verifies what it signs), not here.",
	}
	all := dag.Directory()
	var findings []junit.Suite
	for _, r := range results {
		if r.reports != nil {
			all = all.WithDirectory(".", r.reports)
		}
		findings = append(findings, r.findings...)
		sum.Severities = append(sum.Severities, r.severities...)
	}
	return sum, all, findings
}
