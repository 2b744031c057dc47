package testreports

import "dagger/pipeline/summary"

// ValidationLinks names every report validate-reports exports, by its path in the export (the PR
// pipeline's artifact validation-reports), given the Trivy filesystem scan's JSON, SARIF and
// gate file names.
func ValidationLinks(trivyJSON, trivySARIF, trivyGate string) []summary.Report {
	r := func(name, path string) summary.Report { return summary.Report{Name: name, Path: "reports/" + path} }
	return []summary.Report{
		r("JUnit, validation stages and their findings (Tests tab)", JUnitStages),
		r("JUnit, backend Go tests", JUnitGoBackend),
		r("JUnit, ci module Go tests", JUnitGoModule),
		r("JUnit, the docs' dagger calls", JUnitGoDocs),
		r("JUnit, frontend Vitest tests", JUnitFrontend),
		r("Cobertura, backend (Code Coverage tab)", CoberturaGoBackend),
		r("Cobertura, ci module", CoberturaGoModule),
		r("Cobertura, frontend", CoberturaFrontend),
		r("Trivy filesystem scan, JSON", trivyJSON),
		r("Trivy filesystem scan, SARIF (Scans tab)", trivySARIF),
		r("Trivy gate verdict", trivyGate),
		r("kubeconform", "kubeconform.json"),
		r("Kyverno apply", "kyverno-apply.txt"),
		r("Helm lint", "helm-lint.txt"),
		r("YAML check", "yaml-check.txt"),
		r("backend test log", "test-backend.log"),
		r("ci module test log", "test-ci-module.log"),
		r("docs' dagger calls log", "test-docs.log"),
		r("frontend checks log", "test-frontend.log"),
	}
}
