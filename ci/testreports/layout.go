// Package testreports says where validate-reports puts its JUnit and Cobertura files and how the
// test stages make them, so that the module, the pipelines and their tests share one layout.
package testreports

// Paths inside the reports/ directory that validate-reports exports; the pipelines publish them
// from there (a test holds .azure-pipelines/ to these names).
const (
	JUnitDir    = "junit"
	CoverageDir = "coverage"

	JUnitStages        = JUnitDir + "/stages.xml"
	JUnitGoBackend     = JUnitDir + "/go-backend.xml"
	JUnitGoModule      = JUnitDir + "/go-ci-module.xml"
	JUnitGoDocs        = JUnitDir + "/go-docs.xml"
	JUnitFrontend      = JUnitDir + "/frontend.xml"
	CoberturaGoBackend = CoverageDir + "/go-backend.cobertura.xml"
	CoberturaGoModule  = CoverageDir + "/go-ci-module.cobertura.xml"
	CoberturaFrontend  = CoverageDir + "/frontend.cobertura.xml"

	// What the runners themselves counted, kept to check each JUnit file against.
	GoTestJSONBackend = "go-backend.test.json"
	GoTestJSONModule  = "go-ci-module.test.json"
	GoTestJSONDocs    = "go-docs.test.json"
	VitestSummary     = "vitest-summary.json"

	// The release's export: its stages, next to summary.md and release.json.
	JUnitRelease = JUnitDir + "/release.xml"
)

// Exported lists every report file validate-reports writes, for the pipeline check.
var Exported = []string{
	JUnitStages, JUnitGoBackend, JUnitGoModule, JUnitGoDocs, JUnitFrontend,
	CoberturaGoBackend, CoberturaGoModule, CoberturaFrontend,
}
