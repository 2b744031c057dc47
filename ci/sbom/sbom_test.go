package sbom

import (
	"os"
	"testing"
)

func TestSummarizeSyftOutputs(t *testing.T) {
	for file, want := range map[string]Summary{
		"testdata/syft-spdx.json":      {Format: SPDX, Packages: 3},
		"testdata/syft-cyclonedx.json": {Format: CycloneDX, Packages: 2},
	} {
		doc, err := os.ReadFile(file)
		if err != nil {
			t.Fatal(err)
		}
		got, err := Summarize(doc)
		if err != nil {
			t.Fatal(err)
		}
		if got != want {
			t.Errorf("%s: got %+v, want %+v", file, got, want)
		}
	}
}

func TestSummarizeRefusesOtherDocuments(t *testing.T) {
	for _, doc := range []string{`{"SchemaVersion": 2, "Results": []}`, `not json`, `[]`} {
		if _, err := Summarize([]byte(doc)); err == nil {
			t.Errorf("accepted %s", doc)
		}
	}
}
