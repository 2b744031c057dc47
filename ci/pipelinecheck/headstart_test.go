package pipelinecheck

import (
	"strings"
	"testing"
)

// The pull-request pipeline gives a fresh agent's engine the Go build cache of an earlier run:
// Cache@2 restores it into GO_BUILD_CACHE_DIR, validate-reports starts from it (with-go-cache)
// when something was restored, and a run without an exact hit exports its own for Cache@2 to
// save. With a shared engine (daggerEngine), which is warm already, neither Cache@2 nor the
// export runs.
func TestPullRequestsGiveAFreshEngineTheGoBuildCache(t *testing.T) {
	steps, _ := load(t, "pr-validation.yml")
	const dir = "$(GO_BUILD_CACHE_DIR)"
	var restore, validate, export *Step
	for i, s := range steps {
		switch {
		case s.Task == "Cache@2":
			restore = &steps[i]
		case strings.Contains(s.Script, "validate-reports export --path"):
			validate = &steps[i]
		case strings.Contains(s.Script, "go-build-cache export"):
			export = &steps[i]
		}
	}
	if restore == nil || validate == nil || export == nil {
		t.Fatalf("want a Cache@2 step, the validate-reports step and the go-build-cache export: %v %v %v", restore, validate, export)
	}
	if restore.Inputs["path"] != dir || restore.Inputs["cacheHitVar"] != "GO_BUILD_CACHE_RESTORED" || !strings.Contains(restore.Inputs["key"], "go.sum") {
		t.Errorf("Cache@2 must restore %s, keyed by the go.sum files, into GO_BUILD_CACHE_RESTORED: %v", dir, restore.Inputs)
	}
	if !strings.Contains(validate.Script, `with-go-cache --build-cache "`+dir+`" validate-reports`) || !strings.Contains(validate.Script, `[ -d "`+dir+`" ]`) {
		t.Errorf("validate-reports must start from the restored cache when there is one:\n%s", validate.Script)
	}
	if !strings.Contains(export.Script, `--path "`+dir+`"`) || !strings.Contains(export.Condition, "ne(variables.GO_BUILD_CACHE_RESTORED, 'true')") {
		t.Errorf("the export must write %s when the cache did not hit exactly: condition %q\n%s", dir, export.Condition, export.Script)
	}
	for _, s := range []*Step{restore, export} {
		if !strings.Contains(s.Template, "parameters.daggerEngine") {
			t.Errorf("%s: must be left out with a shared engine (daggerEngine), has %q", s.DisplayName, s.Template)
		}
	}
}
