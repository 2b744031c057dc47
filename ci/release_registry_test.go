package main

import (
	"strings"
	"testing"

	"dagger/pipeline/releaseplan"
)

func TestDigestReference(t *testing.T) {
	d := "sha256:" + strings.Repeat("ab", 32)
	got, err := digestReference("localhost:5000/taskboard-backend", "localhost:5000/taskboard-backend:abc1234@"+d)
	if err != nil || got != "localhost:5000/taskboard-backend@"+d {
		t.Fatalf("got %q, %v", got, err)
	}
	for _, bad := range []string{
		"localhost:5000/taskboard-backend:abc1234",                  // no digest
		"localhost:5000/other:abc1234@" + d,                         // another repository
		"localhost:5000/taskboard-backend:abc1234@sha256:abc",       // short digest
		"localhost:5000/taskboard-backend:abc1234@" + d + "\nextra", // trailing garbage
	} {
		if _, err := digestReference("localhost:5000/taskboard-backend", bad); err == nil {
			t.Errorf("accepted %q", bad)
		}
	}
}

func TestThrowawayRegistryHasTwoNamesForOneRepository(t *testing.T) {
	target := &registryTarget{
		plan:     releaseplan.RegistryPlan{Kind: releaseplan.Throwaway},
		pushHost: "localhost:5000",
		signHost: "k3q8v1.abc.dagger.local:5000",
	}
	push := target.pushRepository("frontend") + "@sha256:" + strings.Repeat("0", 64)
	if push != "localhost:5000/taskboard-frontend@sha256:"+strings.Repeat("0", 64) {
		t.Fatal(push)
	}
	if got := target.toSignRef(push); got != "k3q8v1.abc.dagger.local:5000/taskboard-frontend@sha256:"+strings.Repeat("0", 64) {
		t.Fatal(got)
	}
	if !strings.Contains(target.describe(), "throwaway") {
		t.Fatal(target.describe())
	}
	ecr := &registryTarget{plan: releaseplan.RegistryPlan{Kind: releaseplan.ECR, Namespace: "apps"}, pushHost: "1.dkr", signHost: "1.dkr"}
	if ref := ecr.pushRepository("backend") + "@x"; ecr.toSignRef(ref) != ref || ref != "1.dkr/apps/taskboard-backend@x" {
		t.Fatal(ref)
	}
}
