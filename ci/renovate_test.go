package main

import (
	"context"
	"slices"
	"strings"
	"testing"

	"dagger/pipeline/internal/dagger"
)

// with-renovate keeps what it is given, on Azure DevOps unless told otherwise, and refuses a
// misconfiguration at the flags, before any function runs.
func TestWithRenovateKeepsItsSettingsAndRefusesAtTheFlags(t *testing.T) {
	token, github := &dagger.Secret{}, &dagger.Secret{}
	p := New(nil, "", "", "", "")
	got, err := p.WithRenovate(token, "", "https://dev.azure.com/contoso/", []string{"Taskboard/taskboard"}, github, "")
	if err != nil {
		t.Fatal(err)
	}
	if got.RenovatePlatform != "azure" || got.RenovateEndpoint != "https://dev.azure.com/contoso/" ||
		!slices.Equal(got.RenovateRepositories, []string{"Taskboard/taskboard"}) || got.RenovateToken != token || got.RenovateGithubToken != github {
		t.Errorf("with-renovate kept %q %q %q %v %v", got.RenovatePlatform, got.RenovateEndpoint, got.RenovateRepositories, got.RenovateToken, got.RenovateGithubToken)
	}
	if p.RenovatePlatform != "" {
		t.Error("with-renovate changed the pipeline it was called on")
	}
	if _, err := p.WithRenovate(nil, "azure", "https://dev.azure.com/contoso/", []string{"Taskboard/taskboard"}, nil, ""); err == nil || !strings.Contains(err.Error(), "--token") {
		t.Errorf("no token: %v", err)
	}
	if _, err := p.WithRenovate(token, "", "", []string{"Taskboard/taskboard"}, nil, ""); err == nil || !strings.Contains(err.Error(), "--endpoint") {
		t.Errorf("no endpoint: %v", err)
	}
	if _, err := p.WithRenovate(token, "", "https://dev.azure.com/contoso/", nil, nil, ""); err == nil || !strings.Contains(err.Error(), "--repositories") {
		t.Errorf("no repositories: %v", err)
	}
}

// A second with-renovate replaces the first whole: a local dry run after an Azure DevOps setting
// keeps neither its token nor its repositories (which the local platform would refuse).
func TestWithRenovateReplacesTheWholeSetting(t *testing.T) {
	p, err := New(nil, "", "", "", "").WithRenovate(&dagger.Secret{}, "azure", "https://dev.azure.com/contoso/", []string{"Taskboard/taskboard"}, nil, "Bot <bot@contoso.example>")
	if err != nil {
		t.Fatal(err)
	}
	local, err := p.WithRenovate(nil, "local", "", nil, nil, "")
	if err != nil {
		t.Fatal(err)
	}
	if local.RenovateToken != nil || local.RenovateEndpoint != "" || len(local.RenovateRepositories) != 0 || local.RenovateGitAuthor != "" {
		t.Errorf("the local setting kept parts of the Azure one: %+v", local.renovateSettings())
	}
}

// renovate without with-renovate stops before it asks the engine for anything, and says what to
// call (the engine is not reachable in unit tests: a call to it would fail differently).
func TestRenovateWithoutSettingsRefusesBeforeTheEngine(t *testing.T) {
	_, err := New(nil, "", "", "", "").Renovate(context.Background(), "")
	if err == nil || !strings.Contains(err.Error(), "call with-renovate first") {
		t.Fatalf("got %v", err)
	}
	p, err := New(nil, "", "", "", "").WithRenovate(nil, "local", "", nil, nil, "")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := p.Renovate(context.Background(), "full"); err == nil || !strings.Contains(err.Error(), "--dry-run full") {
		t.Fatalf("local full dry run: %v", err)
	}
}
