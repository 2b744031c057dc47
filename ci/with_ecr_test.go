package main

import (
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"strings"
	"testing"

	"dagger/pipeline/callcheck"
	"dagger/pipeline/ecrauth"
	"dagger/pipeline/internal/dagger"
)

// with-ecr takes a role and its web identity token, or keys: both, neither or half of one is
// refused when the flags are given, naming them.
func TestWithEcrTakesExactlyOneWayToAWS(t *testing.T) {
	token, key, secretKey := &dagger.Secret{}, &dagger.Secret{}, &dagger.Secret{}
	role := "arn:aws:iam::123456789012:role/taskboard-release"
	p := New(nil, "", "", "", "")
	for name, tc := range map[string]struct {
		role               string
		token, key, secret *dagger.Secret
		duration           string
		want               string // empty: accepted
	}{
		"role":                    {role: role, token: token, duration: "2h"},
		"keys":                    {key: key, secret: secretKey},
		"neither":                 {want: "no AWS credentials"},
		"both":                    {role: role, token: token, key: key, secret: secretKey, want: "not both"},
		"role without its token":  {role: role, want: "--web-identity-token missing"},
		"key without its secret":  {key: key, want: "--secret-access-key missing"},
		"duration with keys":      {key: key, secret: secretKey, duration: "2h", want: "not both"},
		"duration not a duration": {role: role, token: token, duration: "7200", want: "--session-duration"},
	} {
		t.Run(name, func(t *testing.T) {
			got, err := p.WithEcr("123456789012", "eu-west-1", tc.role, tc.token, tc.duration, tc.key, tc.secret, nil, "")
			if tc.want == "" {
				if err != nil {
					t.Fatal(err)
				}
				if got.RegistryKind != "ecr" || got.AwsRoleARN != tc.role || got.AwsWebIdentityToken != tc.token ||
					got.AwsAccessKeyID != tc.key || got.AwsSessionDuration != tc.duration {
					t.Fatalf("settings not kept: %+v", got)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tc.want) || !strings.HasPrefix(err.Error(), "with-ecr: ") {
				t.Fatalf("error %v, want with-ecr's, mentioning %q", err, tc.want)
			}
		})
	}

	ecr, err := p.WithEcr("123456789012", "eu-west-1", role, token, "2h", nil, nil, nil, "")
	if err != nil {
		t.Fatal(err)
	}
	other := ecr.WithRegistry("registry.example.com", "ci", &dagger.Secret{})
	if other.AwsRoleARN != "" || other.AwsWebIdentityToken != nil || other.AwsSessionDuration != "" || other.AwsAccountID != "" {
		t.Fatalf("with-registry kept with-ecr's role: %+v", other)
	}
}

// The flags ecrauth's errors tell a user to give are with-ecr's real flags.
func TestEcrauthNamesWithEcrsFlags(t *testing.T) {
	module, err := callcheck.Load(".", mainTypeName(t))
	if err != nil {
		t.Fatal(err)
	}
	fn, ok := module.Objects[module.Main].Functions["with-ecr"]
	if !ok {
		t.Fatal("no with-ecr function")
	}
	for _, flag := range []string{ecrauth.FlagRoleARN, ecrauth.FlagWebIdentityToken, ecrauth.FlagSessionDuration,
		ecrauth.FlagAccessKeyID, ecrauth.FlagSecretAccessKey, ecrauth.FlagSessionToken} {
		if _, ok := fn.Args[strings.TrimPrefix(flag, "--")]; !ok {
			t.Errorf("ecrauth names %s, which with-ecr does not take", flag)
		}
	}
}

// The release assumes the role (with-ecr's login) in its inputs stage, which runs before any
// build: a refused or expired web identity token stops it before anything is built.
func TestReleaseLogsInToECRBeforeBuilding(t *testing.T) {
	bodies := funcBodies(t, "release.go", "registry.go")
	run, inputs := bodies["run"], bodies["checkInputs"]
	if i, j := strings.Index(run, "r.checkInputs(ctx)"), strings.Index(run, "buildVariants("); i < 0 || j < 0 || i > j {
		t.Fatal("release's run must check its inputs before it builds")
	}
	if !strings.Contains(inputs, "r.p.openRegistry(ctx") {
		t.Fatal("checkInputs must open the registry")
	}
	if !strings.Contains(bodies["openRegistry"], "p.openECR(ctx") || !strings.Contains(bodies["openECR"], "ecrauth.Login(ctx") {
		t.Fatal("opening an ECR registry must log in (and so assume the role) at once")
	}
}

// funcBodies is the source of every function of the given files, by name.
func funcBodies(t *testing.T, files ...string) map[string]string {
	t.Helper()
	fset := token.NewFileSet()
	out := map[string]string{}
	for _, name := range files {
		f, err := parser.ParseFile(fset, name, nil, 0)
		if err != nil {
			t.Fatal(err)
		}
		src := fset.File(f.Pos())
		data, err := os.ReadFile(name)
		if err != nil {
			t.Fatal(err)
		}
		for _, decl := range f.Decls {
			if fn, ok := decl.(*ast.FuncDecl); ok && fn.Body != nil {
				out[fn.Name.Name] = string(data[src.Offset(fn.Body.Pos()):src.Offset(fn.Body.End())])
			}
		}
	}
	return out
}
