package main

import (
	"strings"
	"testing"

	"dagger/pipeline/releaseplan"
)

func TestRegistryTargetNamesRepositories(t *testing.T) {
	throwaway := &registryTarget{plan: releaseplan.RegistryPlan{Kind: releaseplan.Throwaway}, host: "k3q8v1.abc.dagger.local:5000"}
	if got := throwaway.repository("frontend"); got != "k3q8v1.abc.dagger.local:5000/taskboard-frontend" {
		t.Fatal(got)
	}
	if !strings.Contains(throwaway.describe(), "throwaway") {
		t.Fatal(throwaway.describe())
	}
	ecr := &registryTarget{plan: releaseplan.RegistryPlan{Kind: releaseplan.ECR, Namespace: "apps"}, host: "1.dkr"}
	if got := ecr.repository("backend"); got != "1.dkr/apps/taskboard-backend" {
		t.Fatal(got)
	}
}
