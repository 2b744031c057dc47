package main

import (
	"strings"
	"testing"
)

// Every image is built on the engine's own platform, whatever platform it is for: buildImage
// names the engine as the Dockerfiles' $BUILDPLATFORM (Dagger v0.21 would take the image's, and
// the build stages would run emulated), and each caller asks the engine which platform it is.
func TestImagesBuildOnTheEnginesPlatform(t *testing.T) {
	bodies := funcBodies(t, "release_build.go", "smoke.go", "release.go")
	if !strings.Contains(bodies["buildImage"], "releaseplan.BuildPlatformArgs(string(native))") {
		t.Error("buildImage must pass the engine's platform as BUILDPLATFORM (releaseplan.BuildPlatformArgs)")
	}
	for _, fn := range []string{"Build", "SmokeTest", "checkInputs"} {
		if !strings.Contains(bodies[fn], "dag.DefaultPlatform(ctx)") {
			t.Errorf("%s must ask the engine for its platform", fn)
		}
	}
}

// A release of several platforms signs the index and every image under it, scans and gates
// every platform's image, and checks that the index lists the platforms built, in order.
func TestEveryPlatformsImageIsScannedSignedAndAttested(t *testing.T) {
	bodies := funcBodies(t, "release.go", "release_attest.go")
	for fn, wants := range map[string][]string{
		"scan":              {"range r.images[component]", "errors.Join(failed...)"},
		"push":              {"releaseplan.CheckPushed(names, pushed)", "img.PlatformImages = append("},
		"sign":              {"range img.Signed()"},
		"attestSBOMs":       {"range r.images[c.Name]", "attestations.SBOMTargets("},
		"attestSupplyChain": {"range r.scans[c.Name]", "Platforms: r.platformImages(c.Name)", ".Targets()"},
		"attest":            {"d.More...", "releasereport.PlatformDir(component, t.Platform)"},
	} {
		for _, want := range wants {
			if !strings.Contains(bodies[fn], want) {
				t.Errorf("%s lacks %q", fn, want)
			}
		}
	}
}
