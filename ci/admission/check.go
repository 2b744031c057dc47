package admission

import (
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"
)

// Release is what a release is about to do, and the cluster's side of it.
type Release struct {
	// PublicKey is the release key's public half (cosign.pub); Ephemeral when no key was given.
	PublicKey string
	Ephemeral bool
	// RekorURL is the transparency log the release records in ("" for none).
	RekorURL string
	// Pushes maps each component (frontend, backend) to the repository it is pushed to.
	Pushes map[string]string
	// PolicyValues and AppValues are the two charts' values files, in the order Argo CD layers
	// them (helm/policies and helm/app: values.yaml, then values-production.yaml).
	PolicyValues, AppValues []File
}

// Check runs every check and reports all that fail at once, so a fork fixes its values in one
// go: the key is trusted, the release records in the log the policy requires, each pushed
// repository is covered by the signature policy, and the application chart pulls each
// component from where it is pushed.
func Check(r Release) error {
	var errs []error
	policy, err := ReadPolicy(r.PolicyValues...)
	if err != nil {
		errs = append(errs, err)
	} else {
		if err := policy.CheckKey(r.PublicKey, r.Ephemeral); err != nil {
			errs = append(errs, err)
		}
		if err := policy.CheckTransparencyLog(r.RekorURL); err != nil {
			errs = append(errs, err)
		}
	}
	app, err := readValues(r.AppValues)
	if err != nil {
		return errors.Join(append(errs, err)...)
	}
	for _, component := range slices.Sorted(maps.Keys(r.Pushes)) {
		repo := r.Pushes[component]
		if policy.where != "" && !policy.Covers(repo) {
			errs = append(errs, fmt.Errorf("%s: verifyImageSignatures.imageReferences %v do not match %s, where the release pushes %s: add %q",
				policy.where, policy.ImageReferences, repo, component, repo+"*"))
		}
		pulled, _ := app.lookup(component, "image", "repository").(string)
		if pulled != repo {
			errs = append(errs, fmt.Errorf("%s: %s.image.repository is %q, but the release pushes %s to %s: set it to %q",
				app.where(), component, pulled, component, repo, repo))
		}
	}
	if len(errs) > 0 {
		return fmt.Errorf("the cluster would not run this release (checked before anything is pushed):\n- %s", joinLines(errs))
	}
	return nil
}

func joinLines(errs []error) string {
	lines := make([]string, len(errs))
	for i, e := range errs {
		lines[i] = strings.ReplaceAll(e.Error(), "\n", "\n  ")
	}
	return strings.Join(lines, "\n- ")
}
