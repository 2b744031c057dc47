package callcheck

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestDocFilesFindsEveryMarkdownFileAndThePipelines(t *testing.T) {
	root := t.TempDir()
	for _, name := range []string{
		"README.md", "docs/PIPELINE.md", "helm/app/README.md", "backend/NOTES.MD",
		".azure-pipelines/pr-validation.yml", ".azure-pipelines/main.yaml",
		// Not places where calls are documented:
		".azure-pipelines/templates/step.yml", "docker-compose.yml", "docs/notes.txt",
		"frontend/node_modules/pkg/README.md", "ci/trivyreport/testdata/README.md", ".git/README.md",
	} {
		path := filepath.Join(root, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte("x\n"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	got, err := DocFiles(root)
	if err != nil {
		t.Fatal(err)
	}
	want := ".azure-pipelines/main.yaml .azure-pipelines/pr-validation.yml README.md backend/NOTES.MD docs/PIPELINE.md helm/app/README.md"
	if strings.Join(got, " ") != want {
		t.Fatalf("DocFiles =\n%s\nwant\n%s", strings.Join(got, " "), want)
	}
}
