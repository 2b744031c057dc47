package releaseplan

import (
	"strings"
	"testing"
)

func TestCheckPlatforms(t *testing.T) {
	got, err := CheckPlatforms(nil)
	if err != nil || strings.Join(got, ",") != "linux/amd64" {
		t.Fatalf("no platforms: %v %v", got, err)
	}
	got, err = CheckPlatforms([]string{"linux/arm64/v8", "linux/amd64"})
	if err != nil || strings.Join(got, ",") != "linux/arm64,linux/amd64" {
		t.Fatalf("the order given is kept, arm64/v8 is arm64: %v %v", got, err)
	}
	for given, want := range map[string][]string{
		"linux/s390x":               {`"linux/s390x" is not supported`, "linux/amd64, linux/arm64"},
		"windows/amd64":             {"not supported"},
		"linux/amd64,linux/amd64":   {"linux/amd64 is given twice"},
		"linux/arm64,linux/aarch64": {"linux/arm64 is given twice"},
	} {
		_, err := CheckPlatforms(strings.Split(given, ","))
		for _, w := range want {
			if err == nil || !strings.Contains(err.Error(), w) {
				t.Errorf("%s: %v, want %q", given, err, w)
			}
		}
	}
}

func TestBuildPlatformArgsNameTheEngine(t *testing.T) {
	args, err := BuildPlatformArgs("linux/amd64")
	if err != nil {
		t.Fatal(err)
	}
	m := map[string]string{}
	for _, kv := range args {
		if kv[1] == "" {
			t.Errorf("%s has no value: the engine refuses a build argument without one", kv[0])
		}
		m[kv[0]] = kv[1]
	}
	if m["BUILDPLATFORM"] != "linux/amd64" || m["BUILDOS"] != "linux" || m["BUILDARCH"] != "amd64" || len(m) != 3 {
		t.Fatalf("%v", m)
	}
	if args, _ := BuildPlatformArgs("linux/arm/v7"); args[3][1] != "v7" || args[0][1] != "linux/arm/v7" {
		t.Fatalf("%v", args)
	}
	if args, _ := BuildPlatformArgs("linux/arm64/v8"); args[0][1] != "linux/arm64" || len(args) != 3 {
		t.Fatalf("arm64/v8 is arm64, no variant: %v", args)
	}
	if _, err := BuildPlatformArgs("amd64"); err == nil {
		t.Fatal("a platform without an OS was accepted")
	}
}

func TestSmokeRunsTheEnginesOwnPlatform(t *testing.T) {
	if at, native := SmokePlatform([]string{"linux/arm64", "linux/amd64"}, "linux/amd64"); at != 1 || !native {
		t.Fatalf("got %d %v", at, native)
	}
	if at, native := SmokePlatform([]string{"linux/amd64", "linux/arm64"}, "linux/arm64/v8"); at != 1 || !native {
		t.Fatalf("arm64/v8 engine: got %d %v", at, native)
	}
	if at, native := SmokePlatform([]string{"linux/arm64"}, "linux/amd64"); at != 0 || native {
		t.Fatalf("no native platform: got %d %v", at, native)
	}
}

func TestCheckPushedHoldsTheIndexToThePlatformsBuilt(t *testing.T) {
	if err := CheckPushed([]string{"linux/amd64", "linux/arm64"}, []string{"linux/amd64", "linux/arm64/v8"}); err != nil {
		t.Fatal(err)
	}
	if err := CheckPushed([]string{"linux/amd64", "linux/arm64"}, []string{"linux/amd64", "linux/amd64"}); err == nil || !strings.Contains(err.Error(), "image 2 of the index is linux/amd64") {
		t.Fatalf("an arm64 build whose image says amd64: %v", err)
	}
	if err := CheckPushed([]string{"linux/amd64"}, []string{"linux/amd64", "linux/arm64"}); err == nil {
		t.Fatal("more images than platforms")
	}
}
