package callcheck

import "testing"

func TestKebab(t *testing.T) {
	for in, want := range map[string]string{
		"ScanFs": "scan-fs", "ValidateReports": "validate-reports", "crdSchemaLocation": "crd-schema-location",
		"ignoreUnfixed": "ignore-unfixed", "SBOMFile": "sbom-file", "registryURL": "registry-url", "lint": "lint",
		"goPackages": "go-packages", "Sha256Sum": "sha256-sum",
	} {
		if got := Kebab(in); got != want {
			t.Errorf("Kebab(%q) = %q, want %q", in, got, want)
		}
	}
}
