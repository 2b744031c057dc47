package main

import (
	"fmt"
	"maps"
	"slices"
	"strings"
)

// stageInputsHold changes one file of each kind in its own copy and reads `stage-inputs` (the
// digest of what each validate stage mounts): exactly the stages that read the file see a new
// digest; every other stage keeps its own, so its cached result answers.
func stageInputsHold(e *env) error {
	dir, err := e.clean()
	if err != nil {
		return err
	}
	before, err := e.stageDigests(dir)
	if err != nil {
		return err
	}
	for _, c := range []change{backendChange, frontendChange, docsChange} {
		copyDir, err := e.copyOf("inputs-" + c.kind)
		if err != nil {
			return err
		}
		if err := c.apply(copyDir); err != nil {
			return err
		}
		after, err := e.stageDigests(copyDir)
		if err != nil {
			return err
		}
		var changed []string
		for stage, digest := range before {
			if after[stage] != digest {
				changed = append(changed, stage)
			}
		}
		slices.Sort(changed)
		if !slices.Equal(changed, c.stages) {
			return fmt.Errorf("a %s change (%s) changed the inputs of %q, want %q", c.kind, c.file, changed, c.stages)
		}
	}
	return nil
}

// stageDigests is `dagger call stage-inputs` as stage -> digest.
func (e *env) stageDigests(dir string) (map[string]string, error) {
	c := e.call(dir, nil, "stage-inputs")
	if c.err != nil {
		return nil, c.err
	}
	digests := map[string]string{}
	for _, line := range strings.Split(strings.TrimSpace(c.stdout), "\n") {
		digest, stage, ok := strings.Cut(line, "  ")
		if !ok || !strings.HasPrefix(digest, "sha256:") {
			return nil, fmt.Errorf("stage-inputs printed %q", line)
		}
		// The charts' row names three stages; the scenario compares what each change reaches.
		for _, s := range strings.Split(stage, ", ") {
			digests[s] = digest
		}
	}
	if len(digests) < 5 {
		return nil, fmt.Errorf("stage-inputs printed %d stages: %v", len(digests), slices.Sorted(maps.Keys(digests)))
	}
	return digests, nil
}
