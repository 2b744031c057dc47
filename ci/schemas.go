package main

import (
	"context"

	"dagger/pipeline/junit"
	"dagger/pipeline/kubeconformreport"
	"dagger/pipeline/toolimages"
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
	kc := dag.Container().From(toolimages.Kubeconform)
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
	args := kubeconformreport.Args(version, []string{p.KubernetesSchemas, p.CRDSchemas}, p.SkipKinds, "/manifests")
	_, res, err := execTool(ctx, kc, args, true)
	if err != nil {
		return stageResult{err: err}
	}
	o := kubeconformreport.Judge(res.Stdout, res.Stderr, res.ExitCode, version)
	result := stageResult{reports: dag.Directory().WithNewFile("kubeconform.json", res.Stdout), details: o.Details, err: o.Err}
	if o.Report != nil {
		result.findings = []junit.Suite{junit.KubeconformErrors("schemas", o.Report)}
	}
	return result
}
