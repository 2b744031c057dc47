package releaseplan

import "time"

// Meta is what every image of one release records about itself.
type Meta struct {
	GitSHA, Version, BuildTime string
	// Epoch is BuildTime: no timestamp of a pushed image is later (ociimage.Clamp).
	Epoch time.Time
}

// NewMeta fills in the defaults: the version is the git SHA, the build time is now.
func NewMeta(gitSHA, version, buildTime string, now time.Time) (Meta, error) {
	if version == "" {
		version = gitSHA
	}
	if buildTime == "" {
		buildTime = now.UTC().Format(time.RFC3339)
	}
	epoch, err := SourceDateEpoch(buildTime)
	if err != nil {
		return Meta{}, err
	}
	return Meta{GitSHA: gitSHA, Version: version, BuildTime: buildTime, Epoch: epoch}, nil
}
