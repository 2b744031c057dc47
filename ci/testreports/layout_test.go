package testreports

import (
	"os"
	"path"
	"strings"
	"testing"
)

// The frontend writes its reports itself (vite.config.ts, relative to frontend/): they must land
// where the module reads and exports them.
func TestViteConfigWritesTheFrontendReportsWhereTheLayoutSays(t *testing.T) {
	data, err := os.ReadFile("../../frontend/vite.config.ts")
	if err != nil {
		t.Fatal(err)
	}
	config := string(data)
	for _, want := range []string{
		`junit: "reports/` + JUnitFrontend + `"`,
		`json: "reports/` + VitestSummary + `"`,
		`reportsDirectory: "reports/` + path.Dir(CoberturaFrontend) + `"`,
		`["cobertura", { file: "` + path.Base(CoberturaFrontend) + `" }]`,
	} {
		if !strings.Contains(config, want) {
			t.Errorf("frontend/vite.config.ts lacks %s", want)
		}
	}
}
