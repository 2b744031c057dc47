// Package renovaterun turns with-renovate's settings and renovate's --dry-run into the command
// that runs Renovate in its image, and refuses a setting Renovate would run without or misread:
// a misconfigured run stops before the container starts, naming the flag to give, instead of
// Renovate guessing (autodiscovering every repository the token reaches, or dry-running on its
// own when a platform cannot be used).
//
// The tokens are never part of the command: Command names the environment variables the module
// sets from the *dagger.Secret values (Renovate reads them there), so they reach neither argv nor
// a cached layer.
package renovaterun

import (
	"fmt"
	"net/mail"
	"net/url"
	"slices"
	"strings"
)

// The flags of with-renovate and renovate, as the refusals name them.
const (
	FlagToken        = "--token"
	FlagPlatform     = "--platform"
	FlagEndpoint     = "--endpoint"
	FlagRepositories = "--repositories"
	FlagGithubToken  = "--github-token"
	FlagGitAuthor    = "--git-author"
	FlagDryRun       = "--dry-run"
)

const (
	// DefaultPlatform is the platform with-renovate uses unless given: Azure DevOps, where this
	// repository's pipelines run.
	DefaultPlatform = "azure"
	// Local is Renovate's platform that reads the repository in its working directory and only
	// ever dry-runs: nothing to log in to, no token, no pull request.
	Local = "local"

	// TokenEnv is where Renovate reads the platform's token.
	TokenEnv = "RENOVATE_TOKEN"
	// GithubTokenEnv is where Renovate reads a github.com token, used only to read release notes
	// and GitHub-hosted datasources (lib/workers/global/config/parse/env.ts).
	GithubTokenEnv = "RENOVATE_GITHUB_COM_TOKEN"
	// Workdir is the working directory of Renovate's image (upstream's WORKDIR); the local
	// platform reads the repository mounted there.
	Workdir = "/usr/src/app"
)

// Platforms are the platforms Renovate 44 knows (lib/modules/platform/api.ts).
var Platforms = []string{"azure", "bitbucket", "bitbucket-server", "codecommit", "forgejo", "gerrit", "gitea", "github", "gitlab", Local, "scm-manager"}

// DryRuns are the values of Renovate's dryRun: extract only reads the package files (no
// network), lookup also asks the datasources for new versions, full also computes the branches
// and pull requests; none of them writes to the platform.
var DryRuns = []string{"extract", "lookup", "full"}

// Settings are with-renovate's flags: the platform, where it is, which repositories, and which
// secrets were given (a secret's value is never read here).
type Settings struct {
	Platform     string
	Endpoint     string
	Repositories []string
	Token        bool
	GithubToken  bool
	GitAuthor    string
}

// Check refuses settings Renovate cannot run with, naming the flag to give or drop: a platform
// it does not know, a missing token or repository, an endpoint that is not https:// (the token
// would travel in clear), and, with --platform local, anything the local platform would ignore.
// Repositories are always named: Renovate never autodiscovers what the token can reach.
func (s Settings) Check() error {
	if s.Platform == "" {
		return fmt.Errorf("with-renovate: no %s: give %s azure (Azure DevOps), another of %s, or %s for a dry run of this repository",
			FlagPlatform, FlagPlatform, strings.Join(Platforms, ", "), Local)
	}
	if !slices.Contains(Platforms, s.Platform) {
		return fmt.Errorf("with-renovate: %s %q is not a Renovate platform: one of %s", FlagPlatform, s.Platform, strings.Join(Platforms, ", "))
	}
	if s.GitAuthor != "" {
		if _, err := mail.ParseAddress(s.GitAuthor); err != nil {
			return fmt.Errorf("with-renovate: %s %q is not \"Name <email>\": %w", FlagGitAuthor, s.GitAuthor, err)
		}
	}
	if s.Platform == Local {
		var extra []string
		if s.Token {
			extra = append(extra, FlagToken)
		}
		if s.Endpoint != "" {
			extra = append(extra, FlagEndpoint)
		}
		if len(s.Repositories) > 0 {
			extra = append(extra, FlagRepositories)
		}
		if len(extra) > 0 {
			return fmt.Errorf("with-renovate: %s %s reads the repository given to the module and never logs in: drop %s",
				FlagPlatform, Local, strings.Join(extra, " and "))
		}
		return nil
	}
	if !s.Token {
		return fmt.Errorf("with-renovate: no %s: %s %s needs the token Renovate logs in with, e.g. %s env://RENOVATE_TOKEN",
			FlagToken, FlagPlatform, s.Platform, FlagToken)
	}
	if err := checkEndpoint(s.Platform, s.Endpoint); err != nil {
		return err
	}
	if len(s.Repositories) == 0 {
		example := "OWNER/REPOSITORY"
		if s.Platform == "azure" {
			example = "PROJECT/REPOSITORY"
		}
		return fmt.Errorf("with-renovate: no %s: name each repository Renovate updates, as %s (Renovate is never left to discover what the token reaches)",
			FlagRepositories, example)
	}
	seen := map[string]bool{}
	for _, repo := range s.Repositories {
		if err := checkRepository(s.Platform, repo); err != nil {
			return err
		}
		if seen[repo] {
			return fmt.Errorf("with-renovate: %s names %q twice", FlagRepositories, repo)
		}
		seen[repo] = true
	}
	return nil
}

// checkEndpoint accepts no endpoint (Renovate's default for the platform) except on Azure DevOps,
// which has none, and otherwise an https:// URL without credentials in it.
func checkEndpoint(platform, endpoint string) error {
	if endpoint == "" {
		if platform == "azure" {
			return fmt.Errorf("with-renovate: no %s: %s azure needs the organization's URL, e.g. %s https://dev.azure.com/ORGANIZATION/",
				FlagEndpoint, FlagPlatform, FlagEndpoint)
		}
		return nil
	}
	u, err := url.Parse(endpoint)
	if err != nil || u.Scheme != "https" || u.Host == "" {
		return fmt.Errorf("with-renovate: %s %q is not an https:// URL: the token must not travel in clear", FlagEndpoint, endpoint)
	}
	if u.User != nil {
		return fmt.Errorf("with-renovate: %s carries credentials: give the URL without them, and the token with %s", FlagEndpoint, FlagToken)
	}
	return nil
}

// checkRepository accepts a repository as the platforms name them: slash-separated, no empty
// part (GitLab's groups nest, Azure DevOps has exactly a project and a repository; an Azure
// DevOps project name may hold spaces).
func checkRepository(platform, repo string) error {
	parts := strings.Split(repo, "/")
	bad := repo == "" || strings.TrimSpace(repo) != repo || strings.HasPrefix(repo, "-") || len(parts) < 2
	for _, p := range parts {
		bad = bad || p == "" || p == "." || p == ".." || strings.TrimSpace(p) != p
	}
	switch {
	case bad:
		return fmt.Errorf("with-renovate: %s %q is not OWNER/REPOSITORY (PROJECT/REPOSITORY on Azure DevOps)", FlagRepositories, repo)
	case platform == "azure" && len(parts) != 2:
		return fmt.Errorf("with-renovate: %s %q: Azure DevOps names a repository PROJECT/REPOSITORY", FlagRepositories, repo)
	}
	return nil
}

// Command is how the module runs Renovate: the argv (the image's `renovate`, its flags, the
// repositories) and the environment variables it sets from the secrets.
type Command struct {
	Args []string
	// TokenEnv and GithubTokenEnv are the variables to set from --token and --github-token;
	// empty when that secret was not given.
	TokenEnv, GithubTokenEnv string
	// MountSource says that Renovate reads the module's repository, mounted at Workdir (the
	// local platform); other platforms clone the repositories themselves.
	MountSource bool
}

// Command checks the settings and builds the run. dryRun is renovate's --dry-run: empty for a
// real run, else one of DryRuns. The local platform always dry-runs: lookup unless extract is
// asked for, and full is refused (Renovate would quietly run lookup instead).
func (s Settings) Command(dryRun string) (Command, error) {
	if s.Platform == "" {
		return Command{}, fmt.Errorf("renovate: Renovate has no settings: call with-renovate first, e.g. with-renovate %s env://RENOVATE_TOKEN %s https://dev.azure.com/ORGANIZATION/ %s PROJECT/REPOSITORY renovate, or with-renovate %s %s renovate for a dry run of this repository",
			FlagToken, FlagEndpoint, FlagRepositories, FlagPlatform, Local)
	}
	if err := s.Check(); err != nil {
		return Command{}, err
	}
	if dryRun != "" && !slices.Contains(DryRuns, dryRun) {
		return Command{}, fmt.Errorf("renovate: %s %q: one of %s (or no %s for a real run)", FlagDryRun, dryRun, strings.Join(DryRuns, ", "), FlagDryRun)
	}
	if s.Platform == Local {
		switch dryRun {
		case "full":
			return Command{}, fmt.Errorf("renovate: %s full needs a platform to compute pull requests against; %s %s dry-runs extract or lookup", FlagDryRun, FlagPlatform, Local)
		case "":
			dryRun = "lookup"
		}
	}
	c := Command{Args: []string{"renovate", "--platform=" + s.Platform}}
	if s.Endpoint != "" {
		c.Args = append(c.Args, "--endpoint="+s.Endpoint)
	}
	if s.GitAuthor != "" {
		c.Args = append(c.Args, "--git-author="+s.GitAuthor)
	}
	if dryRun != "" {
		c.Args = append(c.Args, "--dry-run="+dryRun)
	}
	c.Args = append(c.Args, s.Repositories...)
	if s.Token {
		c.TokenEnv = TokenEnv
	}
	if s.GithubToken {
		c.GithubTokenEnv = GithubTokenEnv
	}
	c.MountSource = s.Platform == Local
	return c, nil
}
