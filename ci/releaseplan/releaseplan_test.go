package releaseplan

import (
	"strings"
	"testing"
)

func TestPlanRegistry(t *testing.T) {
	const ecrHost = "123456789012.dkr.ecr.eu-west-1.amazonaws.com"
	cases := []struct {
		name    string
		plan    func() (RegistryPlan, error)
		want    RegistryPlan
		wantErr string
	}{
		{name: "ECR", plan: func() (RegistryPlan, error) { return PlanECR("123456789012", "eu-west-1", "") },
			want: RegistryPlan{Kind: ECR, Host: ecrHost}},
		{name: "ECR with a namespace", plan: func() (RegistryPlan, error) { return PlanECR("123456789012", "eu-west-1", "apps/") },
			want: RegistryPlan{Kind: ECR, Host: ecrHost, Namespace: "apps"}},
		{name: "basic", plan: func() (RegistryPlan, error) { return PlanBasic("https://registry.example.com:5000/team/", "ci") },
			want: RegistryPlan{Kind: Basic, Host: "registry.example.com:5000", Namespace: "team"}},
		{name: "plain HTTP", plan: func() (RegistryPlan, error) { return PlanBasic("http://10.0.0.1:5001/ci", "ci") },
			want: RegistryPlan{Kind: Basic, Host: "10.0.0.1:5001", Namespace: "ci", PlainHTTP: true}},
		{name: "ECR with a short account", plan: func() (RegistryPlan, error) { return PlanECR("12345", "eu-west-1", "") }, wantErr: "not an AWS account ID"},
		{name: "ECR with a bad region", plan: func() (RegistryPlan, error) { return PlanECR("123456789012", "Ireland", "") }, wantErr: "not an AWS region"},
		{name: "ECR with a bad namespace", plan: func() (RegistryPlan, error) { return PlanECR("123456789012", "eu-west-1", "Apps") }, wantErr: "namespace"},
		{name: "registry without username", plan: func() (RegistryPlan, error) { return PlanBasic("ghcr.io/x", "") }, wantErr: "username is empty"},
		{name: "bad host", plan: func() (RegistryPlan, error) { return PlanBasic("bad host/x", "u") }, wantErr: "not a registry host"},
		{name: "bad namespace", plan: func() (RegistryPlan, error) { return PlanBasic("ghcr.io/Upper", "u") }, wantErr: "namespace"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got, err := tc.plan()
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("error %v, want one mentioning %q", err, tc.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if got != tc.want {
				t.Fatalf("got %+v, want %+v", got, tc.want)
			}
		})
	}
}

func TestRepositoryNamesMatchTheChart(t *testing.T) {
	p := RegistryPlan{Kind: ECR, Host: "123456789012.dkr.ecr.eu-west-1.amazonaws.com"}
	if got := p.Repository(p.Host, "backend"); got != "123456789012.dkr.ecr.eu-west-1.amazonaws.com/taskboard-backend" {
		t.Fatal(got)
	}
	p.Namespace = "apps"
	if got := p.Repository("localhost:5000", "frontend"); got != "localhost:5000/apps/taskboard-frontend" {
		t.Fatal(got)
	}
}

func TestCheckGitSHA(t *testing.T) {
	for _, ok := range []string{"local", "0123abc", strings.Repeat("a", 40)} {
		if err := CheckGitSHA(ok); err != nil {
			t.Errorf("%s refused: %v", ok, err)
		}
	}
	for _, bad := range []string{"", "HEAD", "ABCDEF1", "0123ab", strings.Repeat("a", 41), "abc1234; rm -rf /"} {
		if err := CheckGitSHA(bad); err == nil {
			t.Errorf("%q accepted", bad)
		}
	}
}

func TestComponentsAndBuildMetadata(t *testing.T) {
	if c, err := FindComponent("backend"); err != nil || c.Context != "." || c.Dockerfile != "backend/Dockerfile" {
		t.Fatalf("backend: %+v %v", c, err)
	}
	if c, err := FindComponent("frontend"); err != nil || c.Context != "frontend" || c.Dockerfile != "Dockerfile" {
		t.Fatalf("frontend: %+v %v", c, err)
	}
	if _, err := FindComponent("postgres"); err == nil {
		t.Fatal("unknown component accepted")
	}
	args := map[string]string{}
	for _, kv := range BuildArgs("1.2.3", "abc1234", "2026-01-02T03:04:05Z") {
		args[kv[0]] = kv[1]
	}
	if args["VERSION"] != "1.2.3" || args["GIT_COMMIT"] != "abc1234" || args["BUILD_TIME"] != "2026-01-02T03:04:05Z" {
		t.Fatalf("build args %v", args)
	}
	ann := map[string]string{}
	for _, kv := range Annotations("frontend", "1.2.3", "abc1234", "2026-01-02T03:04:05Z") {
		ann[kv[0]] = kv[1]
	}
	if ann["org.opencontainers.image.revision"] != "abc1234" || ann["org.opencontainers.image.title"] != "taskboard-frontend" {
		t.Fatalf("annotations %v", ann)
	}
}

func TestSourceDateEpoch(t *testing.T) {
	got, err := SourceDateEpoch("2026-01-02T15:04:05+01:00")
	if err != nil || got.Unix() != 1767362645 {
		t.Fatalf("got %q, %v", got, err)
	}
	if _, err := SourceDateEpoch("yesterday"); err == nil || !strings.Contains(err.Error(), "RFC 3339") {
		t.Fatalf("want an RFC 3339 error, got %v", err)
	}
}

func TestPlansNameRepositoriesAndDescribeThemselves(t *testing.T) {
	throwaway := RegistryPlan{Kind: Throwaway}
	if got := throwaway.Repository("k3q8v1.abc.dagger.local:5000", "frontend"); got != "k3q8v1.abc.dagger.local:5000/taskboard-frontend" {
		t.Fatal(got)
	}
	if !strings.Contains(throwaway.Describe("x"), "throwaway") {
		t.Fatal(throwaway.Describe("x"))
	}
	ecr := RegistryPlan{Kind: ECR, Namespace: "apps"}
	if got := ecr.Repository("1.dkr", "backend"); got != "1.dkr/apps/taskboard-backend" || ecr.Describe("1.dkr") != "Amazon ECR 1.dkr" {
		t.Fatal(got)
	}
}
