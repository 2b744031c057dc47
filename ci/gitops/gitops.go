// Package gitops records a release in the GitOps repository that Argo CD watches: it clones the
// branch over HTTPS, changes one file, commits and pushes, in the module process with go-git
// (no git binary, no credential helper, the token never on a command line or on disk).
//
// Someone else may push to the branch between our clone and our push. A rejected push is never
// forced: the branch's new head is fetched (cloned afresh), the change re-applied on it, and the
// push retried with backoff, a bounded number of times.
package gitops

import (
	"context"
	"dagger/pipeline/redact"
	"errors"
	"fmt"
	"io"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/go-git/go-billy/v5/memfs"
	"github.com/go-git/go-git/v5"
	"github.com/go-git/go-git/v5/config"
	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/object"
	"github.com/go-git/go-git/v5/plumbing/protocol/packp/capability"
	"github.com/go-git/go-git/v5/plumbing/transport"
	githttp "github.com/go-git/go-git/v5/plumbing/transport/http"
	"github.com/go-git/go-git/v5/storage/memory"
)

// Change turns the current content of the file into the new one and says whether it changed.
// It must be pure: it is called again on the new head after a rejected push.
type Change func(current []byte) (updated []byte, changed bool, err error)

// Target is the repository, branch and identity to push with.
type Target struct {
	// URL is the repository's HTTPS clone URL, without credentials.
	URL string
	// Branch is the branch Argo CD follows, e.g. "main".
	Branch string
	// Username goes with the token in HTTP basic auth. Azure DevOps and GitHub accept any
	// non-empty name with a personal access token; empty means "x-access-token".
	Username string
	// Token is the access token. Never logged.
	Token string
	// AuthorName and AuthorEmail sign the commit.
	AuthorName  string
	AuthorEmail string

	// MaxAttempts bounds the pushes (default 5).
	MaxAttempts int
	// Backoff is the wait before attempt n+1 (n from 1). Default: 1s, 2s, 4s... capped at 30s.
	Backoff func(n int) time.Duration
	// CABundle holds PEM certificates to trust besides the system's: a Git server behind a
	// private certificate authority (Azure DevOps Server, an internal Gitea).
	CABundle []byte
	// AllowHTTP permits a plain-HTTP URL (tests); HTTPS is required otherwise.
	AllowHTTP bool
	// Now dates the commit (default time.Now).
	Now func() time.Time
}

// Result says what the push did.
type Result struct {
	// Commit is the hash of the pushed commit; empty when there was nothing to change.
	Commit string
	// Attempts is how many pushes were needed (0 when nothing changed).
	Attempts int
}

// CommitMessage is the message of a values commit. "[skip ci]" keeps the CI trigger on the
// branch from running the release again for its own commit.
func CommitMessage(gitSHA string) string {
	return fmt.Sprintf("ci: update image tags to %s [skip ci]", gitSHA)
}

// Push applies change to the file at path on the target branch and pushes one commit.
func Push(ctx context.Context, t Target, path, message string, change Change) (Result, error) {
	if err := t.validate(); err != nil {
		return Result{}, err
	}
	allowAzureDevOpsClones()
	auth := &githttp.BasicAuth{Username: t.Username, Password: t.Token}
	if auth.Username == "" {
		auth.Username = "x-access-token"
	}
	branch := plumbing.NewBranchReferenceName(t.Branch)

	for attempt := 1; ; attempt++ {
		// Every attempt starts from a fresh clone of the branch's current head: after a
		// rejection this is the "fetch" that takes the other writer's commits, and a full clone
		// is the only download go-git v5 does reliably against Azure DevOps (see below).
		repo, err := git.CloneContext(ctx, memory.NewStorage(), memfs.New(), &git.CloneOptions{
			URL:           t.URL,
			Auth:          auth,
			ReferenceName: branch,
			SingleBranch:  true,
			Tags:          git.NoTags,
			CABundle:      t.CABundle,
		})
		if err != nil {
			return Result{}, t.wrap("clone", err)
		}
		wt, err := repo.Worktree()
		if err != nil {
			return Result{}, err
		}
		commit, changed, err := commitChange(wt, t, path, message, change)
		if err != nil {
			return Result{}, err
		}
		if !changed {
			return Result{Attempts: attempt - 1}, nil
		}

		err = repo.PushContext(ctx, &git.PushOptions{
			RemoteName: "origin",
			Auth:       auth,
			RefSpecs:   []config.RefSpec{config.RefSpec(branch + ":" + branch)},
			CABundle:   t.CABundle,
		})
		if err == nil {
			return Result{Commit: commit.String(), Attempts: attempt}, nil
		}
		if !isRejection(err) {
			return Result{}, t.wrap("push", err)
		}
		if attempt >= t.maxAttempts() {
			return Result{}, fmt.Errorf("gitops: push to %s rejected %d times (the branch keeps moving); giving up without forcing: %w", t.Branch, attempt, t.scrub(err))
		}
		if err := sleep(ctx, t.backoff(attempt)); err != nil {
			return Result{}, err
		}
	}
}

var azureOnce sync.Once

// allowAzureDevOpsClones lets go-git clone from Azure DevOps, which refuses clients that do not
// announce multi_ack (TF401041). go-git v5 implements multi_ack only well enough for a full
// clone, not for incremental fetches; Push therefore only ever makes full clones. This is the
// change go-git's own Azure DevOps example makes, once, for this process.
func allowAzureDevOpsClones() {
	azureOnce.Do(func() {
		transport.UnsupportedCapabilities = []capability.Capability{capability.ThinPack}
	})
}

// commitChange applies the change to the worktree and commits it, unless it changes nothing.
func commitChange(wt *git.Worktree, t Target, path, message string, change Change) (plumbing.Hash, bool, error) {
	f, err := wt.Filesystem.Open(path)
	if err != nil {
		return plumbing.ZeroHash, false, fmt.Errorf("gitops: %s is not in the repository: %w", path, err)
	}
	current, err := io.ReadAll(f)
	f.Close()
	if err != nil {
		return plumbing.ZeroHash, false, err
	}
	updated, changed, err := change(current)
	if err != nil || !changed {
		return plumbing.ZeroHash, false, err
	}

	out, err := wt.Filesystem.Create(path)
	if err != nil {
		return plumbing.ZeroHash, false, err
	}
	if _, err := out.Write(updated); err != nil {
		out.Close()
		return plumbing.ZeroHash, false, err
	}
	if err := out.Close(); err != nil {
		return plumbing.ZeroHash, false, err
	}
	if _, err := wt.Add(path); err != nil {
		return plumbing.ZeroHash, false, fmt.Errorf("gitops: stage %s: %w", path, err)
	}
	now := time.Now
	if t.Now != nil {
		now = t.Now
	}
	sig := &object.Signature{Name: t.AuthorName, Email: t.AuthorEmail, When: now()}
	hash, err := wt.Commit(message, &git.CommitOptions{Author: sig, Committer: sig})
	if err != nil {
		return plumbing.ZeroHash, false, fmt.Errorf("gitops: commit: %w", err)
	}
	return hash, true, nil
}

// isRejection says whether the server (or go-git's own check against the advertised refs)
// refused the push because the branch moved: the retryable case. Any other refusal of
// receive-pack ("ng <ref> <reason>"), such as a branch policy (Azure DevOps' TF402455) or a
// hook, is final: retrying cannot change the server's mind, and its reason is what to fix.
func isRejection(err error) bool {
	msg := err.Error()
	if strings.Contains(msg, "non-fast-forward") {
		return true
	}
	if !strings.Contains(msg, "command error on refs/heads/") {
		return false
	}
	for _, moved := range []string{"fetch first", "cannot lock ref", "failed to lock", "failed to update ref", "stale info"} {
		if strings.Contains(msg, moved) {
			return true
		}
	}
	return false
}

func (t Target) validate() error {
	u, err := url.Parse(t.URL)
	switch {
	case err != nil || u.Host == "":
		return errors.New("gitops: the repository URL is not a URL")
	case u.User != nil:
		return errors.New("gitops: the repository URL must not carry credentials; pass the token as a secret")
	case u.Scheme != "https" && !(t.AllowHTTP && u.Scheme == "http"):
		return fmt.Errorf("gitops: the repository URL must be https, not %s", u.Scheme)
	case t.Branch == "" || strings.ContainsAny(t.Branch, " ~^:?*[\\") || strings.HasPrefix(t.Branch, "-"):
		return fmt.Errorf("gitops: %q is not a branch name", t.Branch)
	case t.Token == "":
		return errors.New("gitops: a token is required to push")
	case t.AuthorName == "" || t.AuthorEmail == "":
		return errors.New("gitops: the commit author name and email are required")
	}
	return nil
}

func (t Target) maxAttempts() int {
	if t.MaxAttempts > 0 {
		return t.MaxAttempts
	}
	return 5
}

func (t Target) backoff(n int) time.Duration {
	if t.Backoff != nil {
		return t.Backoff(n)
	}
	d := time.Second << (n - 1)
	if d <= 0 || d > 30*time.Second {
		d = 30 * time.Second
	}
	return d
}

func (t Target) wrap(op string, err error) error {
	if errors.Is(err, transport.ErrAuthenticationRequired) || errors.Is(err, transport.ErrAuthorizationFailed) {
		return fmt.Errorf("gitops: %s %s: the token was refused: %w", op, t.URL, t.scrub(err))
	}
	return fmt.Errorf("gitops: %s %s: %w", op, t.URL, t.scrub(err))
}

// scrub hides the token in an error message while keeping the error chain.
func (t Target) scrub(err error) error { return redact.Error(err, t.Token) }

func sleep(ctx context.Context, d time.Duration) error {
	if d <= 0 {
		return ctx.Err()
	}
	timer := time.NewTimer(d)
	defer timer.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-timer.C:
		return nil
	}
}
