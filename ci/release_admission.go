package main

import (
	"context"
	"fmt"
	"strings"

	"dagger/pipeline/admission"
	"dagger/pipeline/releaseplan"
)

// checkAdmission stops a release to a real registry whose images the cluster would not run: the
// cluster must trust the key and find its signatures in the log it requires, its signature
// policy must cover the repositories, and the chart must pull from them (ci/admission). The throwaway registry feeds no cluster, so it is not
// checked. It runs before anything is built or pushed.
func (r *releaseRun) checkAdmission(ctx context.Context) (string, error) {
	if r.target.service != nil {
		return "not checked: the throwaway registry feeds no cluster", nil
	}
	check := admission.Release{PublicKey: string(r.keys.PublicKeyPEM), Ephemeral: r.keys.Ephemeral, RekorURL: r.rekorURL, Pushes: map[string]string{}}
	for _, c := range releaseplan.Components {
		check.Pushes[c.Name] = r.target.plan.Repository(r.target.host, c.Name)
	}
	var err error
	if check.PolicyValues, err = r.p.readValueFiles(ctx, r.p.PolicyValues); err != nil {
		return "", err
	}
	if check.AppValues, err = r.p.readValueFiles(ctx, r.p.AppValues); err != nil {
		return "", err
	}
	if err := admission.Check(check); err != nil {
		return "", err
	}
	return fmt.Sprintf("the cluster trusts the key and pulls from where the release pushes (%s; %s)",
		strings.Join(r.p.PolicyValues, ", "), strings.Join(r.p.AppValues, ", ")), nil
}

func (p *Pipeline) readValueFiles(ctx context.Context, paths []string) ([]admission.File, error) {
	files := make([]admission.File, 0, len(paths))
	for _, path := range paths {
		text, err := p.Source.File(path).Contents(ctx)
		if err != nil {
			return nil, fmt.Errorf("with-admission: %s: %w", path, err)
		}
		files = append(files, admission.File{Path: path, Data: []byte(text)})
	}
	return files, nil
}

// transparencyLog is the Rekor log the release records in: with-cosign-key's, or else, for a
// real registry, the one the cluster's policy requires (with-admission's values), so that a fork
// names its log once. A policy that cannot be read names none here: the admission stage reports
// why, with everything else it checks.
func (r *releaseRun) transparencyLog(ctx context.Context) (string, error) {
	if r.p.RekorURL != "" || r.target.service != nil {
		return r.p.RekorURL, nil
	}
	files, err := r.p.readValueFiles(ctx, r.p.PolicyValues)
	if err != nil {
		return "", err
	}
	policy, err := admission.ReadPolicy(files...)
	if err != nil {
		return "", nil
	}
	return policy.TransparencyLog, nil
}
