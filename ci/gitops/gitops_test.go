package gitops

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"dagger/pipeline/valuesfile"
)

const (
	token      = "gitops-token-never-logged"
	valuesPath = "helm/app/values.yaml"
	gitSHA     = "0123abcd4567ef890123abcd4567ef8901234567"
	initial    = `# Taskboard chart values
replicaCount: 2
frontend:
  image:
    repository: registry.example.com/taskboard/frontend
    tag: "latest" # Updated by CI/CD
    digest: "" # Updated by CI/CD
backend:
  image:
    repository: registry.example.com/taskboard/backend
    tag: "latest" # Updated by CI/CD
    digest: "" # Updated by CI/CD
`
)

var images = map[string]valuesfile.Image{
	"frontend": {Tag: gitSHA, Digest: "sha256:" + strings.Repeat("f", 64)},
	"backend":  {Tag: gitSHA, Digest: "sha256:" + strings.Repeat("b", 64)},
}

func setImages(current []byte) ([]byte, bool, error) { return valuesfile.SetImages(current, images) }

func target(s *gitServer) Target {
	return Target{
		URL: s.URL, Branch: "main", Token: token,
		AuthorName: "Taskboard CI", AuthorEmail: "ci@example.com",
		AllowHTTP: true, MaxAttempts: 3,
		Backoff: func(int) time.Duration { return 0 },
	}
}

func wantValues(t *testing.T) string {
	t.Helper()
	out, _, err := valuesfile.SetImages([]byte(initial), images)
	if err != nil {
		t.Fatal(err)
	}
	return string(out)
}

func TestPushCommitsTheValuesChange(t *testing.T) {
	s := newGitServer(t, token, map[string]string{valuesPath: initial, "README.md": "gitops\n"})
	res, err := Push(context.Background(), target(s), valuesPath, CommitMessage(gitSHA), setImages)
	if err != nil {
		t.Fatal(err)
	}
	if res.Attempts != 1 || len(res.Commit) != 40 || res.Commit != s.head() {
		t.Fatalf("result %+v, branch head %s", res, s.head())
	}
	if got := s.show(valuesPath); got+"\n" != wantValues(t) {
		t.Fatalf("values on the branch:\n%s", got)
	}
	if got := s.log(); len(got) != 2 || got[0] != "ci: update image tags to "+gitSHA+" [skip ci]" {
		t.Fatalf("log %q", got)
	}
	if author := s.git(s.bare, "log", "-1", "--format=%an <%ae>", "main"); author != "Taskboard CI <ci@example.com>" {
		t.Fatalf("author %q", author)
	}
	if files := s.git(s.bare, "show", "--name-only", "--format=", "main"); files != valuesPath {
		t.Fatalf("the commit touches %q", files)
	}

	// Running the release again: nothing to change, no commit, no push.
	pushesBefore := s.pushes()
	res, err = Push(context.Background(), target(s), valuesPath, CommitMessage(gitSHA), setImages)
	if err != nil {
		t.Fatal(err)
	}
	if res.Commit != "" || res.Attempts != 0 || s.pushes() != pushesBefore || len(s.log()) != 2 {
		t.Fatalf("second run did something: %+v, %d pushes, log %q", res, s.pushes()-pushesBefore, s.log())
	}
}

// TestPushOverHTTPSWithAPrivateCA is a Git server whose certificate no system trusts, as an
// internal server behind a company CA: the push works with the CA given, and fails without it.
func TestPushOverHTTPSWithAPrivateCA(t *testing.T) {
	s := newTLSGitServer(t, token, map[string]string{valuesPath: initial})
	tg := target(s)
	tg.AllowHTTP = false
	if _, err := Push(context.Background(), tg, valuesPath, CommitMessage(gitSHA), setImages); err == nil ||
		!strings.Contains(err.Error(), "certificate") {
		t.Fatalf("without the CA: %v, want a certificate error", err)
	}
	tg.CABundle = s.CA
	res, err := Push(context.Background(), tg, valuesPath, CommitMessage(gitSHA), setImages)
	if err != nil {
		t.Fatal(err)
	}
	if res.Commit == "" || s.show(valuesPath)+"\n" != wantValues(t) {
		t.Fatalf("with the CA: %+v, values:\n%s", res, s.show(valuesPath))
	}
}

func TestPushWithAWrongTokenFailsWithoutShowingIt(t *testing.T) {
	s := newGitServer(t, token, map[string]string{valuesPath: initial})
	before := s.head()
	tg := target(s)
	tg.Token = "wrong-token-never-logged"
	_, err := Push(context.Background(), tg, valuesPath, CommitMessage(gitSHA), setImages)
	if err == nil {
		t.Fatal("pushed with a wrong token")
	}
	if !strings.Contains(err.Error(), "token was refused") {
		t.Fatalf("error does not say the token was refused: %v", err)
	}
	if strings.Contains(err.Error(), tg.Token) || strings.Contains(err.Error(), token) {
		t.Fatalf("error shows a token: %v", err)
	}
	if s.head() != before {
		t.Fatal("the branch moved")
	}
}

func TestPushRetriesOnTopOfAConcurrentWriter(t *testing.T) {
	for _, when := range []string{"before the ref advertisement", "while the pack is sent"} {
		t.Run(when, func(t *testing.T) {
			s := newGitServer(t, token, map[string]string{valuesPath: initial, "README.md": "gitops\n"})
			once := func() {
				// One other writer, once: it changes another line of the same file.
				s.beforeAdvert, s.beforeReceive = nil, nil
				s.concurrentCommit(valuesPath, "scale to 3", func(v string) string {
					return strings.Replace(v, "replicaCount: 2", "replicaCount: 3", 1)
				})
			}
			if when == "before the ref advertisement" {
				s.beforeAdvert = func() { once() }
			} else {
				s.beforeReceive = func() { once() }
			}

			res, err := Push(context.Background(), target(s), valuesPath, CommitMessage(gitSHA), setImages)
			if err != nil {
				t.Fatal(err)
			}
			if res.Attempts != 2 {
				t.Fatalf("%d attempts, want 2 (the first must be rejected)", res.Attempts)
			}
			log := s.log()
			if len(log) != 3 || log[0] != CommitMessage(gitSHA) || log[1] != "scale to 3" {
				t.Fatalf("both commits must be on the branch, ours on top: %q", log)
			}
			want := strings.Replace(wantValues(t), "replicaCount: 2", "replicaCount: 3", 1)
			if got := s.show(valuesPath) + "\n"; got != want {
				t.Fatalf("values on the branch:\n%s\nwant:\n%s", got, want)
			}
		})
	}
}

func TestPushGivesUpWithoutForcingWhenTheBranchKeepsMoving(t *testing.T) {
	s := newGitServer(t, token, map[string]string{valuesPath: initial, "README.md": "gitops\n"})
	n := 0
	s.beforeReceive = func() {
		n++
		s.concurrentCommit("README.md", "other change", func(v string) string { return v + "x\n" })
	}
	_, err := Push(context.Background(), target(s), valuesPath, CommitMessage(gitSHA), setImages)
	if err == nil || !strings.Contains(err.Error(), "rejected 3 times") {
		t.Fatalf("want a give-up error after 3 attempts, got %v", err)
	}
	log := s.log()
	if len(log) != 1+n || log[0] != "other change" {
		t.Fatalf("the other writer's commits must all stay and ours must not be there: %q", log)
	}
}

// A refusal that is not the branch moving (a branch policy, as Azure DevOps' TF402455 when the
// token may not bypass it, or a hook) stops at once with the server's reason: retrying would
// only end in "the branch keeps moving", which names the wrong fix.
func TestPushStopsAtOnceWhenTheServerRefusesThePush(t *testing.T) {
	s := newGitServer(t, token, map[string]string{valuesPath: initial})
	hook := filepath.Join(s.bare, "hooks", "pre-receive")
	script := "#!/bin/sh\necho 'TF402455: Pushes to this branch are not permitted; you must use a pull request to update this branch.' >&2\nexit 1\n"
	// A git without its templates (the pinned golang image's) makes a bare repository with no hooks/.
	if err := os.MkdirAll(filepath.Dir(hook), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(hook, []byte(script), 0o755); err != nil {
		t.Fatal(err)
	}
	before := s.head()
	_, err := Push(context.Background(), target(s), valuesPath, CommitMessage(gitSHA), setImages)
	if err == nil || strings.Contains(err.Error(), "rejected") || !strings.Contains(err.Error(), "declined") {
		t.Fatalf("want the server's refusal at once, got %v", err)
	}
	if s.pushes() != 1 || s.head() != before {
		t.Fatalf("%d pushes, head %s (was %s): want one refused push", s.pushes(), s.head(), before)
	}
	if strings.Contains(err.Error(), token) {
		t.Fatalf("the error shows the token: %v", err)
	}
}

func TestPushNothingToChange(t *testing.T) {
	s := newGitServer(t, token, map[string]string{valuesPath: wantValues(t)})
	before := s.head()
	res, err := Push(context.Background(), target(s), valuesPath, CommitMessage(gitSHA), setImages)
	if err != nil {
		t.Fatal(err)
	}
	if res.Commit != "" || s.pushes() != 0 || s.head() != before {
		t.Fatalf("pushed although nothing changed: %+v", res)
	}
}

func TestPushRefusesBadTargetsAndBadFiles(t *testing.T) {
	s := newGitServer(t, token, map[string]string{valuesPath: "frontend: [broken\n"})
	before := s.head()
	if _, err := Push(context.Background(), target(s), valuesPath, CommitMessage(gitSHA), setImages); err == nil ||
		!strings.Contains(err.Error(), "malformed YAML") {
		t.Fatalf("malformed values accepted: %v", err)
	}
	if _, err := Push(context.Background(), target(s), "missing.yaml", CommitMessage(gitSHA), setImages); err == nil {
		t.Fatal("missing file accepted")
	}
	if s.head() != before {
		t.Fatal("the branch moved")
	}

	for name, mutate := range map[string]func(*Target){
		"credentials in the URL": func(tg *Target) { tg.URL = strings.Replace(tg.URL, "http://", "http://user:"+token+"@", 1) },
		"plain HTTP":             func(tg *Target) { tg.AllowHTTP = false },
		"no token":               func(tg *Target) { tg.Token = "" },
		"bad branch":             func(tg *Target) { tg.Branch = "main:other" },
		"no author":              func(tg *Target) { tg.AuthorEmail = "" },
	} {
		t.Run(name, func(t *testing.T) {
			tg := target(s)
			mutate(&tg)
			_, err := Push(context.Background(), tg, valuesPath, CommitMessage(gitSHA), setImages)
			if err == nil {
				t.Fatal("accepted")
			}
			if strings.Contains(err.Error(), token) {
				t.Fatalf("error shows the token: %v", err)
			}
		})
	}
}
