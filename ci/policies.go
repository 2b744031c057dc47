package main

import (
	"context"

	"dagger/pipeline/charts"
	"dagger/pipeline/junit"
	"dagger/pipeline/kyvernoreport"
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
	prepared, err := kyvernoreport.PreparePolicies(charts.Of(renders, "policies"))
	if err != nil {
		return stageResult{err: err}
	}
	// One apply per rendering: each is a whole release of the chart, and the CLI's in-memory
	// cluster refuses two objects of the same name.
	kyverno := kyvernoContainer().WithNewFile("/work/policies.yaml", string(prepared.Bundle))
	applies := kyvernoreport.Applies{Policies: prepared}
	var findings []junit.Suite
	for _, r := range charts.Of(renders, "app") {
		path := "/work/resources/" + r.FileName()
		args := []string{"apply", "/work/policies.yaml", "--remove-color", "--resource", path}
		_, res, err := execTool(ctx, kyverno.WithNewFile(path, r.Manifests), args, true)
		if err != nil {
			return stageResult{err: err}
		}
		applies.Add(r.Run.Label(), args, res.Combined(), res.ExitCode)
		findings = append(findings, junit.KyvernoViolations("policies", r.Run.Label(), res.Combined()))
	}
	return stageResult{
		details:  applies.Details(),
		reports:  dag.Directory().WithNewFile("kyverno-apply.txt", applies.Report()),
		findings: findings,
		err:      applies.Err(),
	}
}
