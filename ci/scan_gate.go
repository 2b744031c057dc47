package main

import (
	"context"
	"fmt"
	"time"

	"dagger/pipeline/internal/dagger"
	"dagger/pipeline/junit"
	"dagger/pipeline/trivyreport"
	"dagger/pipeline/vex"
)

// trivyGate reads a scan's JSON report from its reports directory and gates it with
// with-scan-policy and the repository's exceptions; the verdict joins the reports as gateName.
// The counts of every finding are nil when the report could not be read or gated (the stage's
// error says why).
func (p *Pipeline) trivyGate(ctx context.Context, stage string, reports *dagger.Directory, jsonName, gateName string) (stageResult, trivyreport.Counts) {
	severities, err := trivyreport.ParseSeveritySet(p.Severity)
	if err != nil {
		return stageResult{err: err}, nil
	}
	ignores, err := p.trivyIgnores(ctx)
	if err != nil {
		return stageResult{err: err}, nil
	}
	raw, err := reports.File(jsonName).Contents(ctx)
	if err != nil {
		return stageResult{err: fmt.Errorf("%s: trivy: %w", stage, err)}, nil
	}
	outcome, err := trivyreport.Check([]byte(raw), trivyreport.Policy{
		Severities: severities, IgnoreUnfixed: p.IgnoreUnfixed, Ignores: ignores, Now: time.Now(),
	})
	if err != nil {
		return stageResult{err: err}, nil
	}
	return stageResult{
		details:    outcome.Details,
		reports:    reports.WithNewFile(gateName, outcome.Markdown),
		err:        outcome.Err(),
		findings:   []junit.Suite{junit.TrivyBlocking(stage, outcome.Verdict)},
		severities: trivyreport.SeverityRows(outcome.Verdict),
		scanJSON:   []byte(raw),
	}, trivyreport.CountBySeverity(outcome.Verdict.All)
}

// trivyIgnores reads the repository's exception files (trivyreport.IgnoreFileNames).
func (p *Pipeline) trivyIgnores(ctx context.Context) (*trivyreport.IgnoreConfig, error) {
	present, err := p.Source.Glob(ctx, ".trivyignore*")
	if err != nil {
		return nil, err
	}
	files, err := p.readSource(ctx, present)
	if err != nil {
		return nil, err
	}
	return trivyreport.ParseIgnoreFiles(files)
}

// repositoryVEX is the OpenVEX document of the repository's accepted vulnerabilities, its
// product the source repository (package vex adds each exception's packages).
func (p *Pipeline) repositoryVEX(ctx context.Context) (string, error) {
	ignores, err := p.trivyIgnores(ctx)
	if err != nil {
		return "", err
	}
	// The document is an input of the scan: dated by the day, or every run would scan again. Its
	// statements change only when an exception expires, and then the scan must run again.
	doc, err := vex.FromIgnores(ignores, vex.Options{Products: []string{p.SourceRepository}, Author: p.GitAuthor, Now: time.Now(), Timestamp: scanDay()})
	if err != nil {
		return "", err
	}
	data, err := doc.JSON()
	return string(data), err
}
