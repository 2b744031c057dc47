package releaseplan

import (
	"fmt"
	"strings"
)

// Platforms are the platforms a release builds images for: the Dockerfiles build both on either
// one without emulation (their build stages run on the build platform, Go cross-compiles, the
// runtime stages run nothing), and hack/airgap has both for every runtime base image.
var Platforms = []string{"linux/amd64", "linux/arm64"}

// DefaultPlatform is what a release builds when no platform is given.
const DefaultPlatform = "linux/amd64"

// NormalizePlatform spells a platform as the index and the reports do: linux/arm64 for
// linux/arm64/v8 or linux/aarch64, linux/amd64 for linux/x86_64.
func NormalizePlatform(p string) string {
	p = strings.ToLower(strings.TrimSpace(p))
	switch p {
	case "linux/arm64/v8", "linux/aarch64", "linux/aarch64/v8":
		return "linux/arm64"
	case "linux/x86_64", "linux/x86-64":
		return "linux/amd64"
	}
	return p
}

// CheckPlatforms accepts the platforms of --platforms (none: DefaultPlatform), each supported and
// given once, and returns them normalized, in the order given: the first one's SBOM is also the
// image index's.
func CheckPlatforms(platforms []string) ([]string, error) {
	if len(platforms) == 0 {
		return []string{DefaultPlatform}, nil
	}
	out := make([]string, 0, len(platforms))
	seen := map[string]bool{}
	for _, given := range platforms {
		p := NormalizePlatform(given)
		if !supported(p) {
			return nil, fmt.Errorf("--platforms: %q is not supported (supported: %s)", given, strings.Join(Platforms, ", "))
		}
		if seen[p] {
			return nil, fmt.Errorf("--platforms: %s is given twice", p)
		}
		seen[p] = true
		out = append(out, p)
	}
	return out, nil
}

func supported(p string) bool {
	for _, s := range Platforms {
		if s == p {
			return true
		}
	}
	return false
}

// BuildPlatformArgs are the build arguments that make a Dockerfile's $BUILDPLATFORM the engine's
// own platform (native, e.g. linux/amd64), whatever the image's platform.
//
// BuildKit's Dockerfile frontend sets BUILDPLATFORM to the machine that builds. Dagger v0.21's
// Directory.dockerBuild does not: it leaves the build platforms unset, and the Dockerfile
// converter then takes the target platform for the build platform, so `FROM
// --platform=$BUILDPLATFORM` stages would run, emulated, on the image's platform (fixed in
// Dagger 1.0, dagger/dagger 7c4d2d1c). The converter lets build arguments override the platform
// arguments, so the module names the build platform itself; on an engine that already sets it,
// these are the same values.
func BuildPlatformArgs(native string) ([][2]string, error) {
	p := NormalizePlatform(native)
	parts := strings.Split(p, "/")
	if len(parts) < 2 || len(parts) > 3 || parts[0] == "" || parts[1] == "" {
		return nil, fmt.Errorf("the engine's platform %q is not os/arch[/variant]", native)
	}
	args := [][2]string{
		{"BUILDPLATFORM", p},
		{"BUILDOS", parts[0]},
		{"BUILDARCH", parts[1]},
	}
	// Only a platform with a variant names one: the engine's API refuses a build argument
	// without a value, and the converter's own BUILDVARIANT is empty then too.
	if len(parts) == 3 {
		args = append(args, [2]string{"BUILDVARIANT", parts[2]})
	}
	return args, nil
}

// SmokePlatform is the position in platforms of the images the smoke test runs: the engine's own
// platform, which runs without emulation, or else the first (an engine that cannot run it fails
// the smoke stage, saying so). native says whether it is the engine's.
func SmokePlatform(platforms []string, engine string) (at int, native bool) {
	engine = NormalizePlatform(engine)
	for i, p := range platforms {
		if NormalizePlatform(p) == engine {
			return i, true
		}
	}
	return 0, false
}

// CheckPushed holds the platforms of the images a pushed index lists to the platforms built, in
// order: the scan and SBOMs of the i-th platform built are attested on the i-th image.
func CheckPushed(built, pushed []string) error {
	if len(built) != len(pushed) {
		return fmt.Errorf("the index lists %d images (%s) for %d platforms built (%s)", len(pushed), strings.Join(pushed, ", "), len(built), strings.Join(built, ", "))
	}
	for i := range built {
		if NormalizePlatform(built[i]) != NormalizePlatform(pushed[i]) {
			return fmt.Errorf("image %d of the index is %s, the platform built %s: an image's config names another platform than it was built for", i+1, pushed[i], built[i])
		}
	}
	return nil
}
