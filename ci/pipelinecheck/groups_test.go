package pipelinecheck

import (
	"reflect"
	"regexp"
	"strings"
	"testing"
)

// The main pipeline references only the registry's own group: an ECR team never creates
// Docker-Registry, a team on another registry never creates AWS-Credentials. The pull-request
// pipeline needs no secret at all.
func TestPipelinesReferenceOnlyTheGroupsTheyUse(t *testing.T) {
	data, err := readPipelineFile("azure-pipelines-main.yml")
	if err != nil {
		t.Fatal(err)
	}
	got, err := Groups(data)
	if err != nil {
		t.Fatal(err)
	}
	want := []Group{
		{"AWS-Credentials", "${{ if ne(parameters.registry, 'docker') }}"},
		{"Docker-Registry", "${{ else }}"},
		{"Cosign-Keys", ""},
		{"Git-Credentials", ""},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("main pipeline groups:\n got %+v\nwant %+v", got, want)
	}
	pr, err := readPipelineFile("pr-validation.yml")
	if err != nil {
		t.Fatal(err)
	}
	if got, err := Groups(pr); err != nil || len(got) != 0 {
		t.Errorf("the pull-request pipeline needs no variable group: %+v %v", got, err)
	}
}

// Azure Key Vault secret names allow letters, digits and dashes, and a group linked to a vault
// holds the vault's names: a group variable named AWS_REGION could never be linked. Every macro
// of the main pipeline that is not one of its own variables, a predefined variable
// (Build.BuildId) or a variable a step sets must therefore be a letters-and-digits name; the
// release step maps each secret to the env:// name its dagger call reads.
func TestGroupVariablesAreKeyVaultNames(t *testing.T) {
	data, err := readPipelineFile("azure-pipelines-main.yml")
	if err != nil {
		t.Fatal(err)
	}
	vars := mainPipelineVariables(t)
	// Not from a group: set by the token step, or a secret variable of the pipeline itself.
	notGroup := map[string]bool{"AWS_WEB_IDENTITY_TOKEN": true, "DAGGER_CLOUD_TOKEN": true}
	keyVaultName := regexp.MustCompile(`^[A-Za-z][A-Za-z0-9]*$`)
	text := string(data)
	seen := map[string]bool{}
	for _, m := range macro.FindAllStringSubmatch(text, -1) {
		name := m[1]
		if _, own := vars[name]; own || strings.Contains(name, ".") || notGroup[name] {
			continue
		}
		seen[name] = true
		if !keyVaultName.MatchString(name) {
			t.Errorf("$(%s): a group variable's name must be letters and digits only, valid in a Key Vault-linked group", name)
		}
	}
	for _, name := range []string{"AwsAccountId", "AwsRegion", "AwsRoleArn", "AwsAccessKeyId", "AwsSecretAccessKey",
		"DockerRegistryUrl", "DockerRegistryUsername", "DockerRegistryPassword", "CosignPrivateKey", "CosignPassword",
		"GitToken", "GitUsername", "GitEmail"} {
		if !seen[name] {
			t.Errorf("$(%s) is not used: docs/SETUP.md lists it in a group", name)
		}
	}
	for _, m := range regexp.MustCompile(`env://([A-Z_]+)`).FindAllStringSubmatch(strings.Join(Expand(text, vars), "\n"), -1) {
		if !strings.Contains(text, "\n                "+m[1]+": $(") {
			t.Errorf("env://%s is read by the dagger call but not mapped into the step's env", m[1])
		}
	}
}

func TestGroupsReadsConditions(t *testing.T) {
	got, err := Groups([]byte("variables:\n  - ${{ if true }}:\n      - group: A\n  - name: x\n    value: y\n  - group: B\n"))
	if err != nil || !reflect.DeepEqual(got, []Group{{"A", "${{ if true }}"}, {"B", ""}}) {
		t.Fatalf("%+v %v", got, err)
	}
}
