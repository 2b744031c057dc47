package main

import (
	"fmt"
	"strings"

	"dagger/pipeline/toolimages"
)

// renovateExtracts runs Renovate the way a fork tries it first, on its own checkout with no
// platform and no token: `with-renovate --platform local renovate --dry-run extract`. Renovate
// must read renovate.json and find the pins its custom managers promise, its own image's among
// them. Without with-renovate, renovate is refused before any container starts.
func renovateExtracts(e *env) error {
	dir, err := e.clean()
	if err != nil {
		return err
	}
	c := e.call(dir, nil, "with-renovate", "--platform", "local", "renovate", "--dry-run", "extract")
	if c.err != nil {
		return c.err
	}
	image, version, _ := strings.Cut(toolimages.Renovate, ":")
	for _, want := range []string{image, version, "scripts/tool-renovate.sh", "ci/toolimages/toolimages.go"} {
		if !strings.Contains(c.stdout, want) {
			return fmt.Errorf("renovate's extract does not mention %q:\n%s", want, tail(c.stdout, 40))
		}
	}
	return e.failsWith(dir, []string{"renovate"}, "with-renovate")
}
