package callcheck

import (
	"strings"
	"testing"
)

func TestExtractHandlesContinuationsQuotesAndOperators(t *testing.T) {
	text := "Run `dagger call lint` first; every `dagger call` is checked.\n" +
		"```sh\n" +
		"dagger call scan-fs \\\n    --severity CRITICAL \\\n    --ignore-unfixed\n" +
		"dagger -m . --progress=plain call validate-reports export --path \"$(Build.ArtifactStagingDirectory)/reports\" && echo done\n" +
		"dagger call --source=. render --kubernetes-version 1.30.0 | less  # show it\n" +
		"echo dagger calls nothing here; dagger functions\n" +
		"```\n"
	calls := Extract("README.md", text)
	var got []string
	for _, c := range calls {
		got = append(got, strings.Join(c.Words, " "))
	}
	want := []string{
		"lint",
		"scan-fs --severity CRITICAL --ignore-unfixed",
		"validate-reports export --path $(Build.ArtifactStagingDirectory)/reports",
		"--source=. render --kubernetes-version 1.30.0",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Fatalf("calls:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	if calls[1].Line != 3 || calls[2].Line != 6 {
		t.Fatalf("lines = %d, %d", calls[1].Line, calls[2].Line)
	}
}
