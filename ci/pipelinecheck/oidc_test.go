package pipelinecheck

import (
	"strings"
	"testing"
)

// With the registry ecr, the release's only AWS credential is the service connection's OIDC
// token: fetched into a secret variable by the step right before the dagger call (it lasts
// minutes), and handed to the call as an env:// secret.
func TestMainPipelineFetchesTheOIDCTokenJustBeforeTheRelease(t *testing.T) {
	steps, text := load(t, "azure-pipelines-main.yml")
	if !strings.Contains(text, "                AWS_WEB_IDENTITY_TOKEN: $(AWS_WEB_IDENTITY_TOKEN)\n") {
		t.Error("the dagger call step must map the secret variable AWS_WEB_IDENTITY_TOKEN into its env (for env://)")
	}
	for i, s := range steps {
		if s.Task != "AzureCLI@2" {
			continue
		}
		script := s.Inputs["inlineScript"]
		if s.Template != "${{ if eq(parameters.registry, 'ecr') }}" || s.Inputs["azureSubscription"] != "${{ parameters.awsServiceConnection }}" ||
			!strings.Contains(script, "${SYSTEM_OIDCREQUESTURI}?api-version=7.1&serviceConnectionId=${AZURESUBSCRIPTION_SERVICE_CONNECTION_ID}") ||
			!strings.Contains(script, "##vso[task.setvariable variable=AWS_WEB_IDENTITY_TOKEN;issecret=true]") || !strings.Contains(script, "exit 1") {
			t.Fatalf("the token step must run only for ecr, on the awsServiceConnection, set a secret variable and fail without a token: %+v", s)
		}
		if i+1 >= len(steps) || !strings.Contains(steps[i+1].Script, "$(DAGGER_CALL) $(RELEASE_REGISTRY)") {
			t.Fatalf("the dagger call must follow the token step at once, got %+v", steps[i+1:])
		}
		return
	}
	t.Fatal("no AzureCLI@2 step fetches the OIDC token")
}
