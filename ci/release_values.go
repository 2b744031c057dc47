package main

import (
	"context"
	"fmt"
	"strings"

	"dagger/pipeline/gitops"
	"dagger/pipeline/internal/dagger"
	"dagger/pipeline/valuesfile"
)

// defaultValuesPath is the chart values file Argo CD deploys from.
const defaultValuesPath = "helm/app/values.yaml"

// releaseImages are the values a release records, keyed by component.
func releaseImages(gitSha, backendDigest, frontendDigest string) map[string]valuesfile.Image {
	return map[string]valuesfile.Image{
		"backend":  {Tag: gitSha, Digest: backendDigest},
		"frontend": {Tag: gitSha, Digest: frontendDigest},
	}
}

// BumpValues sets backend.image.tag/digest and frontend.image.tag/digest in the chart's values
// file and returns the file. Only those lines change: comments, order, quoting and indentation
// stay. Malformed YAML is an error. With the same inputs a second time it changes nothing.
func (p *Pipeline) BumpValues(
	ctx context.Context,
	// The git SHA the images were built from: the new image tag.
	gitSha string,
	// The pushed backend digest, sha256:<64 hex>.
	backendDigest string,
	// The pushed frontend digest, sha256:<64 hex>.
	frontendDigest string,
	// The values file, relative to the repository root.
	// +default="helm/app/values.yaml"
	valuesPath string,
) (*dagger.File, error) {
	out, _, err := p.bumpValues(ctx, valuesPath, releaseImages(gitSha, backendDigest, frontendDigest))
	return out, err
}

func (p *Pipeline) bumpValues(ctx context.Context, valuesPath string, images map[string]valuesfile.Image) (*dagger.File, bool, error) {
	if valuesPath == "" {
		valuesPath = defaultValuesPath
	}
	current, err := p.Source.File(valuesPath).Contents(ctx)
	if err != nil {
		return nil, false, fmt.Errorf("read %s: %w", valuesPath, err)
	}
	updated, changed, err := valuesfile.SetImages([]byte(current), images)
	if err != nil {
		return nil, false, fmt.Errorf("%s: %w", valuesPath, err)
	}
	name := valuesPath[strings.LastIndex(valuesPath, "/")+1:]
	return dag.Directory().WithNewFile(name, string(updated)).File(name), changed, nil
}

// gitPushFlags are the GitOps settings of a release.
type gitPushFlags struct {
	repoURL, branch, username string
	token                     *dagger.Secret
	authorName, authorEmail   string
	valuesPath                string
	caCertificate             *dagger.File
}

func gitPushValues(ctx context.Context, f gitPushFlags, gitSha string, images map[string]valuesfile.Image) (gitops.Result, error) {
	if f.token == nil {
		return gitops.Result{}, fmt.Errorf("git push needs --git-token")
	}
	token, err := f.token.Plaintext(ctx)
	if err != nil {
		return gitops.Result{}, fmt.Errorf("git token: %w", err)
	}
	if f.valuesPath == "" {
		f.valuesPath = defaultValuesPath
	}
	target := gitops.Target{
		URL: f.repoURL, Branch: f.branch, Username: f.username, Token: token,
		AuthorName: f.authorName, AuthorEmail: f.authorEmail,
	}
	if f.caCertificate != nil {
		ca, err := f.caCertificate.Contents(ctx)
		if err != nil {
			return gitops.Result{}, fmt.Errorf("git CA certificate: %w", err)
		}
		target.CABundle = []byte(ca)
	}
	return gitops.Push(ctx, target, f.valuesPath, gitops.CommitMessage(gitSha), func(cur []byte) ([]byte, bool, error) {
		return valuesfile.SetImages(cur, images)
	})
}

// GitPush records new images in the GitOps repository: it clones the branch over HTTPS (in the
// module process, with go-git), sets the image tags and digests in the values file, commits
// "ci: update image tags to <sha> [skip ci]" and pushes. A rejected push (someone pushed first)
// is retried on the new head with backoff, a bounded number of times; it is never forced.
// Nothing to change means no commit. Returns the commit hash, or "" when nothing changed.
//
// +cache="never"
func (p *Pipeline) GitPush(
	ctx context.Context,
	// The GitOps repository's HTTPS clone URL, without credentials.
	repoUrl string,
	// The access token (HTTP basic auth password), e.g. env://GIT_TOKEN.
	token *dagger.Secret,
	// The git SHA the images were built from: the new image tag.
	gitSha string,
	// The pushed backend digest, sha256:<64 hex>.
	backendDigest string,
	// The pushed frontend digest, sha256:<64 hex>.
	frontendDigest string,
	// The branch Argo CD follows.
	// +default="main"
	branch string,
	// The username that goes with the token; any non-empty name works for Azure DevOps and GitHub.
	// +default="x-access-token"
	username string,
	// Commit author name.
	// +default="Taskboard CI"
	authorName string,
	// Commit author email.
	// +default="ci@taskboard.invalid"
	authorEmail string,
	// The values file, relative to the repository root.
	// +default="helm/app/values.yaml"
	valuesPath string,
	// PEM certificates to trust for the Git server besides the system's (a private CA).
	// +optional
	caCertificate *dagger.File,
) (string, error) {
	res, err := gitPushValues(ctx, gitPushFlags{repoUrl, branch, username, token, authorName, authorEmail, valuesPath, caCertificate},
		gitSha, releaseImages(gitSha, backendDigest, frontendDigest))
	if err != nil {
		return "", err
	}
	return res.Commit, nil
}
