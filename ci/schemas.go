package main

import (
	"context"
	"fmt"
	"strings"

	"dagger/pipeline/textlines"

	"dagger/pipeline/junit"
	"dagger/pipeline/kubeconformreport"
)

// Schemas validates the rendered charts and the Argo CD manifests (argocd*.yaml at the
// repository root) with kubeconform -strict against the Kubernetes API schemas of the given
// version, and custom resources against the CRDs-catalog. A kind without a schema fails unless
// it is listed in with-validation's skip kinds; skipped resources are named in the report.
//
// +check
func (p *Pipeline) Schemas(ctx context.Context) error {
	return p.schemasStage(ctx).err
}

func (p *Pipeline) schemasStage(ctx context.Context) stageResult {
	version, err := p.kubeVersion(ctx)
	if err != nil {
		return stageResult{err: err}
	}
	renders, err := p.renderAll(ctx)
	if err != nil {
		return stageResult{err: err}
	}
	kc := kubeconformContainer()
	for _, r := range renders {
		kc = kc.WithNewFile("/manifests/"+r.FileName(), r.Manifests)
	}
	argo, err := p.Source.Glob(ctx, "argocd*.yaml")
	if err != nil {
		return stageResult{err: err}
	}
	for _, name := range argo {
		kc = kc.WithFile("/manifests/"+name, p.Source.File(name))
	}
	args := []string{"-strict", "-summary", "-output", "json", "-verbose",
		"-kubernetes-version", version,
		"-schema-location", p.KubernetesSchemas, "-schema-location", p.CRDSchemas}
	if len(p.SkipKinds) > 0 {
		args = append(args, "-skip", strings.Join(p.SkipKinds, ","))
	}
	args = append(args, "/manifests")
	res, err := runTool(ctx, kc, args, true)
	if err != nil {
		return stageResult{err: err}
	}
	result := stageResult{reports: dag.Directory().WithNewFile("kubeconform.json", res.Stdout)}
	report, err := kubeconformreport.Parse([]byte(res.Stdout))
	if err != nil {
		result.err = fmt.Errorf("%w\nkubeconform exited %d:\n%s", err, res.ExitCode, textlines.Tail(res.Combined(), 30))
		return result
	}
	result.details = fmt.Sprintf("Kubernetes %s: %s", version, report.Details())
	if skipped := report.Skipped(); len(skipped) > 0 {
		result.details += "; skipped: " + strings.Join(skipped, ", ")
	}
	result.err = report.Err()
	result.findings = []junit.Suite{junit.KubeconformErrors("schemas", report)}
	if result.err == nil && res.ExitCode != 0 {
		result.err = fmt.Errorf("kubeconform exited %d although its report shows no failure:\n%s", res.ExitCode, textlines.Tail(res.Stderr, 30))
	}
	return result
}
