package main

import (
	"context"
	"crypto/rand"
	"fmt"

	"dagger/pipeline/renovaterun"
	"dagger/pipeline/textlines"
	"dagger/pipeline/toolimages"
)

// renovateRunEnv holds a value new to every run, so that the engine runs Renovate again instead
// of answering from its cache: the platform and the registries change between two runs with the
// same flags, which the exec's cache key cannot see.
const renovateRunEnv = "TASKBOARD_RENOVATE_RUN"

// Renovate runs Renovate, renovate.json's dependency updates, with with-renovate's settings, in
// the Renovate image ci/toolimages pins, and returns its log. Renovate clones each repository,
// then opens or updates its pull requests (on renovate.json's schedule); a run whose log has an
// error fails. With --dry-run it writes nothing to the platform: a fork's first try.
// +cache="never"
func (p *Pipeline) Renovate(
	ctx context.Context,
	// A dry run, which logs what Renovate would do and writes nothing: extract (read the package
	// files, no network), lookup (also ask the registries for newer versions) or full (also work
	// out the branches and pull requests). With --platform local, lookup unless given; full
	// needs a platform.
	// +optional
	dryRun string,
) (string, error) {
	cmd, err := p.renovateSettings().Command(dryRun)
	if err != nil {
		return "", err
	}
	c := dag.Container().From(toolimages.Renovate).WithEnvVariable(renovateRunEnv, rand.Text())
	if cmd.TokenEnv != "" {
		c = c.WithSecretVariable(cmd.TokenEnv, p.RenovateToken)
	}
	if cmd.GithubTokenEnv != "" {
		c = c.WithSecretVariable(cmd.GithubTokenEnv, p.RenovateGithubToken)
	}
	if cmd.MountSource {
		c = c.WithMountedDirectory(renovaterun.Workdir, p.Source).WithWorkdir(renovaterun.Workdir)
	}
	// Through the image's entrypoint, as Renovate documents running its image.
	_, res, err := execTool(ctx, c, cmd.Args, true)
	if err != nil {
		return "", err
	}
	if res.ExitCode != 0 {
		return "", fmt.Errorf("renovate exited %d (an error in its log, or it could not run):\n%s", res.ExitCode, textlines.Tail(res.Combined(), 80))
	}
	return res.Combined(), nil
}
