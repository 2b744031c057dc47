package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"dagger/pipeline/testreports"
	"dagger/pipeline/trivyreport"
)

// The summary links every JUnit and Cobertura file, and links no file the stages do not write.
func TestSummaryLinksTheReportsTheStagesWrite(t *testing.T) {
	names, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	var source strings.Builder
	for _, name := range names {
		if strings.HasSuffix(name, "_test.go") {
			continue
		}
		data, err := os.ReadFile(name)
		if err != nil {
			t.Fatal(err)
		}
		source.Write(data)
	}
	linked := map[string]bool{}
	for _, r := range testreports.ValidationLinks(trivyreport.FSJSON, trivyreport.FSSARIF, trivyreport.FSGate) {
		rel, ok := strings.CutPrefix(r.Path, "reports/")
		if !ok {
			t.Errorf("%s: %s is not under reports/", r.Name, r.Path)
		}
		linked[rel] = true
	}
	exported := map[string]bool{}
	for _, f := range testreports.Exported {
		exported[f] = true
		if !linked[f] {
			t.Errorf("the summary does not link %s", f)
		}
	}
	written := map[string]bool{trivyreport.FSJSON: true, trivyreport.FSSARIF: true, trivyreport.FSGate: true}
	for rel := range linked {
		if !exported[rel] && !written[rel] && !strings.Contains(source.String(), `"`+rel+`"`) {
			t.Errorf("the summary links %s, which no stage writes", rel)
		}
	}
}
