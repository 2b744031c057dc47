package main

import (
	"context"
	"fmt"
	"net/mail"
	"strings"

	"dagger/pipeline/gitops"
	"dagger/pipeline/internal/dagger"
	"dagger/pipeline/valuesfile"
)

// BumpValues sets backend.image.tag/digest and frontend.image.tag/digest in the values file
// (with-git-ops's, helm/app/values.yaml unless set) and returns the file. Only those lines change: comments, order, quoting and indentation
// stay. Malformed YAML is an error. With the same inputs a second time it changes nothing.
func (p *Pipeline) BumpValues(
	ctx context.Context,
	// The git SHA the images were built from: the new image tag.
	gitSha string,
	// The pushed backend digest, sha256:<64 hex>.
	backendDigest string,
	// The pushed frontend digest, sha256:<64 hex>.
	frontendDigest string,
) (*dagger.File, error) {
	out, _, err := p.bumpValues(ctx, valuesfile.Release(gitSha, backendDigest, frontendDigest))
	return out, err
}

func (p *Pipeline) bumpValues(ctx context.Context, images map[string]valuesfile.Image) (*dagger.File, bool, error) {
	valuesPath := p.ValuesPath
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

// gitPushValues commits the images to with-git-ops's repository.
func (p *Pipeline) gitPushValues(ctx context.Context, gitSha string, images map[string]valuesfile.Image) (gitops.Result, error) {
	if p.GitRepoURL == "" || p.GitToken == nil {
		return gitops.Result{}, fmt.Errorf("git push needs the GitOps repository: with-git-ops --repo-url URL --token env://GIT_TOKEN")
	}
	var token string
	if err := readSecrets(ctx, secret{"git token", p.GitToken, &token}); err != nil {
		return gitops.Result{}, err
	}
	author, err := mail.ParseAddress(p.GitAuthor)
	if err != nil {
		return gitops.Result{}, fmt.Errorf("git author %q: %w", p.GitAuthor, err)
	}
	target := gitops.Target{
		URL: p.GitRepoURL, Branch: p.GitBranch, Username: p.GitUsername, Token: token,
		AuthorName: author.Name, AuthorEmail: author.Address,
	}
	if p.GitCACertificate != nil {
		ca, err := p.GitCACertificate.Contents(ctx)
		if err != nil {
			return gitops.Result{}, fmt.Errorf("git CA certificate: %w", err)
		}
		target.CABundle = []byte(ca)
	}
	return gitops.Push(ctx, target, p.ValuesPath, gitops.CommitMessage(gitSha), func(cur []byte) ([]byte, bool, error) {
		return valuesfile.SetImages(cur, images)
	})
}

// GitPush records new images in with-git-ops's repository: it clones the branch over HTTPS (in the
// module process, with go-git), sets the image tags and digests in the values file, commits
// "ci: update image tags to <sha> [skip ci]" and pushes. A rejected push (someone pushed first)
// is retried on the new head with backoff, a bounded number of times; it is never forced.
// Nothing to change means no commit. Returns the commit hash, or "" when nothing changed.
//
// +cache="never"
func (p *Pipeline) GitPush(
	ctx context.Context,
	// The git SHA the images were built from: the new image tag.
	gitSha string,
	// The pushed backend digest, sha256:<64 hex>.
	backendDigest string,
	// The pushed frontend digest, sha256:<64 hex>.
	frontendDigest string,
) (string, error) {
	res, err := p.gitPushValues(ctx, gitSha, valuesfile.Release(gitSha, backendDigest, frontendDigest))
	if err != nil {
		return "", err
	}
	return res.Commit, nil
}
