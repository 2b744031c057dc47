package pipelinecheck

import (
	"os"
	"reflect"
	"strings"
	"testing"
)

func readPipelineFile(p string) ([]byte, error) { return os.ReadFile("../../.azure-pipelines/" + p) }

// mainPipelineVariables are the main pipeline's variables with its templates read in.
func mainPipelineVariables(t *testing.T) map[string][]string {
	t.Helper()
	data, err := readPipelineFile("azure-pipelines-main.yml")
	if err != nil {
		t.Fatal(err)
	}
	vars, err := Variables(data, readPipelineFile)
	if err != nil {
		t.Fatal(err)
	}
	return vars
}

func TestVariablesReadTemplatesAndBothBranches(t *testing.T) {
	vars := mainPipelineVariables(t)
	if got := vars["DAGGER_CALL"]; len(got) != 1 || !strings.HasPrefix(got[0], "dagger ") {
		t.Fatalf("DAGGER_CALL from templates/dagger.yml: %q", got)
	}
	// ecr (the default) assumes a role with the OIDC token, ecr-keys takes AWS keys.
	if got := vars["RELEASE_REGISTRY"]; len(got) != 3 || !strings.HasPrefix(got[0], "with-ecr ") || !strings.Contains(got[0], " --role-arn ") ||
		!strings.HasPrefix(got[1], "with-ecr ") || !strings.Contains(got[1], " --access-key-id ") || !strings.HasPrefix(got[2], "with-registry ") {
		t.Fatalf("RELEASE_REGISTRY, one value per registry: %q", got)
	}
}

func TestExpandSubstitutesEveryCombination(t *testing.T) {
	vars := map[string][]string{"A": {"x $(B)", "y"}, "B": {"1"}, "SELF": {"$(SELF)"}}
	got := Expand("run $(A) $(UNKNOWN) $(A)", vars)
	want := []string{"run x 1 $(UNKNOWN) x 1", "run y $(UNKNOWN) y"}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("got %q, want %q", got, want)
	}
	if got := Expand("$(SELF)", vars); len(got) != 1 {
		t.Fatalf("a variable naming itself: %q", got)
	}
}

func TestVariablesOfTheMappingForm(t *testing.T) {
	vars, err := Variables([]byte("variables:\n  ONE: \"1\"\n  TWO: $(ONE)2\n"), nil)
	if err != nil {
		t.Fatal(err)
	}
	if got := Expand("$(TWO)", vars); !reflect.DeepEqual(got, []string{"12"}) {
		t.Fatalf("got %q", got)
	}
}
