package trivyreport

import (
	"go/ast"
	"go/parser"
	"go/token"
	"path/filepath"
	"strings"
	"testing"
)

func TestCommandsScanOfflineAndKeepEveryFinding(t *testing.T) {
	for name, args := range map[string][]string{
		"fs":    FSArgs("/cache", "/reports", ""),
		"image": ImageArgs("/image.tar", "/cache", "/reports/trivy-image.json"),
	} {
		line := strings.Join(args, " ")
		for _, want := range []string{"--skip-db-update", "--skip-check-update", "--cache-dir /cache", "--exit-code 0", "--format json"} {
			if !strings.Contains(line, want) {
				t.Errorf("%s: %q lacks %s", name, line, want)
			}
		}
		if strings.Contains(line, "--severity") {
			t.Errorf("%s: the scan filters severities; the gate must see every finding", name)
		}
	}
	fs := strings.Join(FSArgs("/cache", "/reports", ""), " ")
	if !strings.HasSuffix(fs, " --skip-dirs helm/*/tests .") || !strings.Contains(fs, "--output /reports/"+FSJSON) {
		t.Fatal(fs)
	}
	if withVEX := strings.Join(FSArgs("/cache", "/reports", "/vex/openvex.json"), " "); !strings.HasSuffix(withVEX, " --vex /vex/openvex.json .") {
		t.Fatal(withVEX)
	}
	if got := strings.Join(SARIFArgs("/reports"), " "); got != "trivy convert --format sarif --output /reports/trivy-fs.sarif /reports/trivy-fs.json" {
		t.Fatal(got)
	}
}

func TestDBSnapshotScript(t *testing.T) {
	s := DBSnapshotScript("/root/.cache/trivy", "/snap", true)
	for _, want := range []string{`--db-repository "$TRIVY_DB_REPOSITORIES" --insecure`, `cp -a "/root/.cache/trivy/db" "/snap/db"`,
		`--skip-check-update`} {
		if !strings.Contains(s, want) {
			t.Errorf("%s\nlacks %s", s, want)
		}
	}
	if strings.Contains(DBSnapshotScript("/c", "/s", false), "--insecure") {
		t.Error("insecure without being asked")
	}
}

// scansChecks are Trivy's subcommands that can run misconfiguration checks (v0.74.0's
// pkg/commands/app.go: the commands with the Rego and misconfiguration flag groups).
var scansChecks = map[string]bool{"image": true, "fs": true, "filesystem": true, "rootfs": true, "repo": true,
	"repository": true, "config": true, "client": true, "kubernetes": true, "k8s": true, "vm": true}

// runsNoChecks are the subcommands that read files and scan nothing; Trivy gives them no
// --skip-check-update to take.
var runsNoChecks = map[string]bool{"convert": true, "version": true}

// everyCommand is each Trivy command line this package builds, by builder: argv ones joined,
// scripts as they are (one command a line).
func everyCommand() map[string][]string {
	j := func(argv []string) string { return strings.Join(argv, " ") }
	return map[string][]string{
		"FSArgs":               {j(FSArgs("/cache", "/reports", "")), j(FSArgs("/cache", "/reports", "/vex.json"))},
		"ImageArgs":            {j(ImageArgs("/image.tar", "/cache", "/reports/trivy-image.json"))},
		"SARIFArgs":            {j(SARIFArgs("/reports"))},
		"VersionArgs":          {j(VersionArgs("/cache"))},
		"DBSnapshotScript":     {DBSnapshotScript("/cache", "/snap", false), DBSnapshotScript("/cache", "/snap", true)},
		"ChecksSnapshotScript": {ChecksSnapshotScript("/scratch", "/snap", false), ChecksSnapshotScript("/scratch", "/snap", true)},
	}
}

// Every Trivy command that can run misconfiguration checks runs the pinned ones: with
// --skip-check-update, or, for the one download of a bundle with-scan-policy named, from that
// reference (CheckChecksBundle refused a moving one). No command names another bundle.
func TestEveryTrivyCommandPinsTheChecks(t *testing.T) {
	for builder, outputs := range everyCommand() {
		for _, out := range outputs {
			trivyLines := 0
			for _, line := range strings.Split(out, "\n") {
				fields := strings.Fields(line)
				if len(fields) < 2 || fields[0] != "trivy" {
					continue
				}
				trivyLines++
				sub, args := fields[1], " "+strings.Join(fields[2:], " ")+" "
				pinned := strings.Contains(args, " "+PinnedChecks+" ")
				fromNamedBundle := strings.Contains(args, ` --checks-bundle-repository "$`+ChecksBundleEnv+`" `)
				switch {
				case strings.Contains(args, "--checks-bundle-repository") && !fromNamedBundle:
					t.Errorf("%s: %q names a checks bundle of its own", builder, line)
				case scansChecks[sub] && pinned == fromNamedBundle:
					t.Errorf("%s: %q must either skip the checks update or download the named bundle", builder, line)
				case !scansChecks[sub] && !runsNoChecks[sub]:
					t.Errorf("%s: trivy %s is neither a scan nor a known command without checks: add it to one list", builder, sub)
				}
			}
			if trivyLines == 0 {
				t.Errorf("%s builds no trivy command: %q", builder, out)
			}
		}
	}
}

// The table above covers every builder of the package: a new one must be added there.
func TestEveryCommandBuilderIsChecked(t *testing.T) {
	names, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	covered, fset := everyCommand(), token.NewFileSet()
	for _, name := range names {
		if strings.HasSuffix(name, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(fset, name, nil, 0)
		if err != nil {
			t.Fatal(err)
		}
		for _, decl := range f.Decls {
			fn, ok := decl.(*ast.FuncDecl)
			if !ok || fn.Recv != nil || !fn.Name.IsExported() {
				continue
			}
			if n := fn.Name.Name; (strings.HasSuffix(n, "Args") || strings.HasSuffix(n, "Script")) && covered[n] == nil {
				t.Errorf("%s builds a command that TestEveryTrivyCommandPinsTheChecks does not check", n)
			}
		}
	}
}

func TestDBCacheKey(t *testing.T) {
	a, b := DBCacheKey("mirror.gcr.io/aquasec/trivy-db:2,ghcr.io/aquasecurity/trivy-db:2"), DBCacheKey("db.example.com/trivy-db:2")
	if len(a) != 12 || a == b || a != DBCacheKey("mirror.gcr.io/aquasec/trivy-db:2,ghcr.io/aquasecurity/trivy-db:2") {
		t.Fatalf("%q %q", a, b)
	}
}
