package main

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
)

// workingCopy copies the repository as it is (tracked and untracked files that git does not
// ignore, uncommitted changes included) into a fresh git repository under dir, so that
// scenarios can break a copy, or give it a .env, without touching the checkout.
func workingCopy(repo, dir string) (string, error) {
	out, err := exec.Command("git", "-C", repo, "ls-files", "-z", "--cached", "--others", "--exclude-standard").Output()
	if err != nil {
		return "", fmt.Errorf("git ls-files: %w", err)
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return "", err
	}
	for _, name := range strings.Split(strings.TrimRight(string(out), "\x00"), "\x00") {
		src := filepath.Join(repo, name)
		info, err := os.Lstat(src)
		if os.IsNotExist(err) {
			continue // deleted in the work tree
		}
		if err != nil {
			return "", err
		}
		if info.IsDir() {
			continue
		}
		if err := copyFile(src, filepath.Join(dir, name), info); err != nil {
			return "", err
		}
	}
	if out, err := exec.Command("git", "-C", dir, "init", "--quiet", "--initial-branch=main").CombinedOutput(); err != nil {
		return "", fmt.Errorf("git init: %v: %s", err, out)
	}
	return dir, commitAll(dir, "working copy")
}

func copyFile(src, dst string, info os.FileInfo) error {
	if err := os.MkdirAll(filepath.Dir(dst), 0o755); err != nil {
		return err
	}
	if info.Mode()&os.ModeSymlink != 0 {
		target, err := os.Readlink(src)
		if err != nil {
			return err
		}
		return os.Symlink(target, dst)
	}
	data, err := os.ReadFile(src)
	if err != nil {
		return err
	}
	return os.WriteFile(dst, data, info.Mode().Perm())
}

// edit rewrites one file of a working copy and commits it, failing when old is not there.
func edit(dir, name, old, new string) error {
	p := filepath.Join(dir, name)
	data, err := os.ReadFile(p)
	if err != nil {
		return err
	}
	if !strings.Contains(string(data), old) {
		return fmt.Errorf("%s does not contain %q", name, old)
	}
	return writeAndCommit(dir, name, strings.Replace(string(data), old, new, 1))
}

// writeAndCommit writes a file of a working copy and commits it.
func writeAndCommit(dir, name, content string) error {
	p := filepath.Join(dir, name)
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		return err
	}
	if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
		return err
	}
	return commitAll(dir, "change "+name)
}

// commitAll commits everything in dir, as a fixed author.
func commitAll(dir, msg string) error {
	for _, args := range [][]string{
		{"add", "-A"},
		{"-c", "user.name=enginetest", "-c", "user.email=enginetest@invalid", "commit", "--quiet", "--allow-empty", "-m", msg},
	} {
		if out, err := exec.Command("git", append([]string{"-C", dir}, args...)...).CombinedOutput(); err != nil {
			return fmt.Errorf("git %s: %v: %s", strings.Join(args, " "), err, out)
		}
	}
	return nil
}
