package main

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"dagger/pipeline/charts"
	"dagger/pipeline/junit"
	"dagger/pipeline/kyvernoreport"
	"dagger/pipeline/manifests"
)

// Policies applies the Kyverno policies of helm/policies (rendered) to the rendered application
// chart with `kyverno apply`; any violation or error fails.
//
// Image-signature policies are left out here: evaluating them needs the registry and signed
// images, which a pull request does not have yet. `release` verifies the signatures of the
// images it pushes, and the cluster's admission controller enforces the policy. The report names
// every policy left out.
//
// +check
func (p *Pipeline) Policies(ctx context.Context) error {
	return p.policiesStage(ctx).err
}

func (p *Pipeline) policiesStage(ctx context.Context) stageResult {
	renders, err := p.renderAll(ctx)
	if err != nil {
		return stageResult{err: err}
	}
	var policyDocs []manifests.Document
	for _, r := range charts.Of(renders, "policies") {
		docs, err := manifests.Split([]byte(r.Manifests))
		if err != nil {
			return stageResult{err: fmt.Errorf("rendered %s: %w", r.Run.Label(), err)}
		}
		policyDocs = append(policyDocs, docs...)
	}
	kept, excluded := manifests.WithoutImageSignaturePolicies(manifests.Dedupe(policyDocs))
	if len(kept) == 0 {
		return stageResult{err: fmt.Errorf("helm/policies rendered no policy to apply (left out: %v)", excluded)}
	}
	note := "Left out (image signatures need registry access; release verifies them): "
	if len(excluded) == 0 {
		note = "No image-signature policy was left out.\n"
	} else {
		note += strings.Join(excluded, ", ") + "\n"
	}
	// One apply per rendering: each is a whole release of the chart, and the CLI's in-memory
	// cluster refuses two objects of the same name.
	kyverno := kyvernoContainer().WithNewFile("/work/policies.yaml", string(manifests.Join(kept)))
	apps := charts.Of(renders, "app")
	report := note
	var total kyvernoreport.Counts
	var errs []error
	var findings []junit.Suite
	for _, r := range apps {
		path := "/work/resources/" + r.FileName()
		args := []string{"apply", "/work/policies.yaml", "--remove-color", "--resource", path}
		res, err := runTool(ctx, kyverno.WithNewFile(path, r.Manifests), args, true)
		if err != nil {
			return stageResult{err: err}
		}
		report += fmt.Sprintf("\n$ kyverno %s\n%s", strings.Join(args, " "), res.Combined())
		findings = append(findings, junit.KyvernoViolations("policies", r.Run.Label(), res.Combined()))
		counts, err := kyvernoreport.Gate(res.Combined(), res.ExitCode)
		total = total.Add(counts)
		if err != nil {
			errs = append(errs, fmt.Errorf("%s: %w", r.Run.Label(), err))
		}
	}
	result := stageResult{reports: dag.Directory().WithNewFile("kyverno-apply.txt", report), findings: findings}
	result.details = fmt.Sprintf("%d policies on %d rendering(s): %s", len(kept), len(apps), total)
	if len(excluded) > 0 {
		result.details += "; left out: " + strings.Join(excluded, ", ")
	}
	result.err = errors.Join(errs...)
	return result
}
