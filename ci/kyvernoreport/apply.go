package kyvernoreport

import (
	"errors"
	"fmt"
	"strings"

	"dagger/pipeline/charts"
	"dagger/pipeline/manifests"
)

// Policies is what `kyverno apply` gets from the rendered policies chart: every document of
// every rendering once, without the image-signature policies (they need a registry and signed
// images; release verifies signatures), which are named in Excluded.
type Policies struct {
	Bundle   []byte
	Count    int
	Excluded []string
}

// PreparePolicies splits and filters the renderings of helm/policies, in their order, so that
// the same charts always give the same bundle (and the engine's cache hits).
func PreparePolicies(renderings []charts.Rendering) (Policies, error) {
	var docs []manifests.Document
	for _, r := range renderings {
		split, err := manifests.Split([]byte(r.Manifests))
		if err != nil {
			return Policies{}, fmt.Errorf("rendered %s: %w", r.Run.Label(), err)
		}
		docs = append(docs, split...)
	}
	kept, excluded := manifests.WithoutImageSignaturePolicies(manifests.Dedupe(docs))
	if len(kept) == 0 {
		return Policies{}, fmt.Errorf("helm/policies rendered no policy to apply (left out: %v)", excluded)
	}
	return Policies{Bundle: manifests.Join(kept), Count: len(kept), Excluded: excluded}, nil
}

// Applies collects the `kyverno apply` runs of a stage, one per rendering of the app.
type Applies struct {
	Policies Policies
	text     strings.Builder
	total    Counts
	runs     int
	errs     []error
}

// Add records one run: its command, output and exit code, gated.
func (a *Applies) Add(label string, args []string, output string, exitCode int) {
	a.runs++
	fmt.Fprintf(&a.text, "\n$ kyverno %s\n%s", strings.Join(args, " "), output)
	counts, err := Gate(output, exitCode)
	a.total = a.total.Add(counts)
	if err != nil {
		a.errs = append(a.errs, fmt.Errorf("%s: %w", label, err))
	}
}

// Report is kyverno-apply.txt: what was left out, then every run.
func (a *Applies) Report() string {
	note := "No image-signature policy was left out.\n"
	if len(a.Policies.Excluded) > 0 {
		note = "Left out (image signatures need registry access; release verifies them): " + strings.Join(a.Policies.Excluded, ", ") + "\n"
	}
	return note + a.text.String()
}

// Details is the stage's row in the summary.
func (a *Applies) Details() string {
	d := fmt.Sprintf("%d policies on %d rendering(s): %s", a.Policies.Count, a.runs, a.total)
	if len(a.Policies.Excluded) > 0 {
		d += "; left out: " + strings.Join(a.Policies.Excluded, ", ")
	}
	return d
}

// Err joins every run's failure.
func (a *Applies) Err() error { return errors.Join(a.errs...) }
