package renovaterun

import (
	"slices"
	"strings"
	"testing"
)

// azure is the pipeline's setting: Azure DevOps, its organization, one repository, a token.
func azure() Settings {
	return Settings{
		Platform: "azure", Endpoint: "https://dev.azure.com/contoso/", Repositories: []string{"Taskboard/taskboard"}, Token: true,
	}
}

func TestCommandOfTheAzurePipeline(t *testing.T) {
	s := azure()
	s.GithubToken = true
	s.GitAuthor = "Renovate Bot <renovate@contoso.example>"
	got, err := s.Command("")
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"renovate", "--platform=azure", "--endpoint=https://dev.azure.com/contoso/",
		"--git-author=Renovate Bot <renovate@contoso.example>", "Taskboard/taskboard"}
	if !slices.Equal(got.Args, want) {
		t.Errorf("args\n got %q\nwant %q", got.Args, want)
	}
	if got.TokenEnv != "RENOVATE_TOKEN" || got.GithubTokenEnv != "RENOVATE_GITHUB_COM_TOKEN" || got.MountSource {
		t.Errorf("secrets in %q and %q, source mounted %v; want RENOVATE_TOKEN, RENOVATE_GITHUB_COM_TOKEN, no mount",
			got.TokenEnv, got.GithubTokenEnv, got.MountSource)
	}
}

// A dry run is one flag more, and nothing else changes: the same login, the same repositories.
func TestDryRunIsOneFlag(t *testing.T) {
	for _, mode := range DryRuns {
		got, err := azure().Command(mode)
		if err != nil {
			t.Fatalf("%s: %v", mode, err)
		}
		want := []string{"renovate", "--platform=azure", "--endpoint=https://dev.azure.com/contoso/", "--dry-run=" + mode, "Taskboard/taskboard"}
		if !slices.Equal(got.Args, want) || got.TokenEnv != TokenEnv || got.GithubTokenEnv != "" {
			t.Errorf("%s: %q (token in %q, github token in %q), want %q", mode, got.Args, got.TokenEnv, got.GithubTokenEnv, want)
		}
	}
	if _, err := azure().Command("true"); err == nil || !strings.Contains(err.Error(), "--dry-run \"true\"") {
		t.Errorf("--dry-run true (Renovate's old boolean) must be refused, naming the flag: %v", err)
	}
}

// The tokens are named, never carried: nothing in argv comes from a secret, and a repository
// list can be several repositories.
func TestSecretsStayOutOfArgv(t *testing.T) {
	s := azure()
	s.Repositories = []string{"Taskboard/taskboard", "Taskboard/infra"}
	got, err := s.Command("lookup")
	if err != nil {
		t.Fatal(err)
	}
	for _, a := range got.Args {
		if strings.Contains(strings.ToLower(a), "token") {
			t.Errorf("argv word %q names a token", a)
		}
	}
	if !slices.Equal(got.Args[len(got.Args)-2:], []string{"Taskboard/taskboard", "Taskboard/infra"}) {
		t.Errorf("repositories at the end of argv, in order: %q", got.Args)
	}
}

// The local platform reads the module's repository and dry-runs it: lookup unless extract is
// asked for; no login, nothing cloned.
func TestLocalPlatformDryRunsTheModulesRepository(t *testing.T) {
	s := Settings{Platform: Local, GithubToken: true}
	for dryRun, want := range map[string][]string{
		"":        {"renovate", "--platform=local", "--dry-run=lookup"},
		"lookup":  {"renovate", "--platform=local", "--dry-run=lookup"},
		"extract": {"renovate", "--platform=local", "--dry-run=extract"},
	} {
		got, err := s.Command(dryRun)
		if err != nil {
			t.Fatalf("%q: %v", dryRun, err)
		}
		if !slices.Equal(got.Args, want) || !got.MountSource || got.TokenEnv != "" || got.GithubTokenEnv != GithubTokenEnv {
			t.Errorf("--dry-run %q: %+v, want args %q, the source mounted, only the github token", dryRun, got, want)
		}
	}
}

// Every misconfiguration stops before a container starts, and the message names the flag.
func TestMisconfigurationIsRefusedNamingTheFlag(t *testing.T) {
	for name, tc := range map[string]struct {
		edit   func(*Settings)
		dryRun string
		want   string
	}{
		"no with-renovate at all":      {edit: func(s *Settings) { *s = Settings{} }, want: "call with-renovate first"},
		"unknown platform":             {edit: func(s *Settings) { s.Platform = "azure-devops" }, want: `--platform "azure-devops" is not a Renovate platform`},
		"no token":                     {edit: func(s *Settings) { s.Token = false }, want: "no --token"},
		"no endpoint on azure":         {edit: func(s *Settings) { s.Endpoint = "" }, want: "no --endpoint"},
		"plain http endpoint":          {edit: func(s *Settings) { s.Endpoint = "http://dev.azure.com/contoso/" }, want: "--endpoint \"http://dev.azure.com/contoso/\" is not an https:// URL"},
		"endpoint without scheme":      {edit: func(s *Settings) { s.Endpoint = "dev.azure.com/contoso" }, want: "is not an https:// URL"},
		"credentials in the endpoint":  {edit: func(s *Settings) { s.Endpoint = "https://pat@dev.azure.com/contoso/" }, want: "--endpoint carries credentials"},
		"no repositories":              {edit: func(s *Settings) { s.Repositories = nil }, want: "no --repositories"},
		"repository without a project": {edit: func(s *Settings) { s.Repositories = []string{"taskboard"} }, want: `--repositories "taskboard" is not`},
		"empty part":                   {edit: func(s *Settings) { s.Repositories = []string{"Taskboard//taskboard"} }, want: "is not OWNER/REPOSITORY"},
		"flag-like repository":         {edit: func(s *Settings) { s.Repositories = []string{"--autodiscover/x"} }, want: "is not OWNER/REPOSITORY"},
		"three parts on azure":         {edit: func(s *Settings) { s.Repositories = []string{"org/Taskboard/taskboard"} }, want: "Azure DevOps names a repository PROJECT/REPOSITORY"},
		"repository twice":             {edit: func(s *Settings) { s.Repositories = []string{"P/r", "P/r"} }, want: `names "P/r" twice`},
		"author without email":         {edit: func(s *Settings) { s.GitAuthor = "Renovate Bot" }, want: "--git-author \"Renovate Bot\""},
		"unknown dry run":              {dryRun: "yes", want: "--dry-run \"yes\""},
		"local with a token":           {edit: func(s *Settings) { *s = Settings{Platform: Local, Token: true} }, want: "drop --token"},
		"local with azure's settings":  {edit: func(s *Settings) { s.Platform = Local; s.Token = false }, want: "drop --endpoint and --repositories"},
		"local full dry run":           {edit: func(s *Settings) { *s = Settings{Platform: Local} }, dryRun: "full", want: "--dry-run full needs a platform"},
	} {
		t.Run(name, func(t *testing.T) {
			s := azure()
			if tc.edit != nil {
				tc.edit(&s)
			}
			got, err := s.Command(tc.dryRun)
			if err == nil {
				t.Fatalf("accepted: %q", got.Args)
			}
			if !strings.Contains(err.Error(), tc.want) {
				t.Errorf("error %q does not say %q", err, tc.want)
			}
		})
	}
}

// Other platforms keep Renovate's own default endpoint, and their repositories may nest
// (GitLab groups); an Azure DevOps project name may hold spaces.
func TestOtherPlatformsAndNames(t *testing.T) {
	gitlab := Settings{Platform: "gitlab", Token: true, Repositories: []string{"group/subgroup/project"}}
	got, err := gitlab.Command("")
	if err != nil {
		t.Fatal(err)
	}
	if want := []string{"renovate", "--platform=gitlab", "group/subgroup/project"}; !slices.Equal(got.Args, want) {
		t.Errorf("gitlab: %q, want %q", got.Args, want)
	}
	s := azure()
	s.Repositories = []string{"Task Board/taskboard"}
	if err := s.Check(); err != nil {
		t.Errorf("a project name with a space: %v", err)
	}
}
