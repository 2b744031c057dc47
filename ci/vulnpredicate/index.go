package vulnpredicate

import (
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"dagger/pipeline/trivyreport"
)

// IndexReport is the Trivy report an image index is attested with: the reports of its
// platforms' images (reports[i] of platforms[i], in the index's order) as one report whose
// Results are all of theirs, each Target prefixed with its platform ("linux/arm64: ..."). A
// policy reading the index's scan, the image a pod names, then sees every platform's findings,
// not the first platform's alone. Each result is kept as Trivy wrote it, but for its Target; the
// per-image metadata (image ID, layers, OS) stays in each platform's own report. Every report
// must come from the same Trivy. One platform's report comes back unchanged.
func IndexReport(platforms []string, reports [][]byte) ([]byte, error) {
	if len(platforms) != len(reports) || len(reports) == 0 {
		return nil, fmt.Errorf("vulnpredicate: %d platforms, %d reports", len(platforms), len(reports))
	}
	if len(reports) == 1 {
		return reports[0], nil
	}
	var (
		version, artifactType string
		created               time.Time
		results               []json.RawMessage
	)
	for i, data := range reports {
		parsed, err := trivyreport.Parse(data)
		if err != nil {
			return nil, fmt.Errorf("vulnpredicate: %s: %w", platforms[i], err)
		}
		if i == 0 {
			version, artifactType = parsed.Trivy.Version, parsed.ArtifactType
		} else if parsed.Trivy.Version != version {
			return nil, fmt.Errorf("vulnpredicate: %s was scanned by Trivy %q, %s by %q", platforms[i], parsed.Trivy.Version, platforms[0], version)
		}
		if parsed.CreatedAt.After(created) {
			created = parsed.CreatedAt
		}
		var raw struct{ Results []map[string]json.RawMessage }
		if err := json.Unmarshal(data, &raw); err != nil {
			return nil, err
		}
		for _, res := range raw.Results {
			var target string
			if t, ok := res["Target"]; ok {
				if err := json.Unmarshal(t, &target); err != nil {
					return nil, fmt.Errorf("vulnpredicate: %s: a result's Target: %w", platforms[i], err)
				}
			}
			named, err := json.Marshal(strings.TrimSuffix(platforms[i]+": "+target, ": "))
			if err != nil {
				return nil, err
			}
			res["Target"] = named
			out, err := json.Marshal(res)
			if err != nil {
				return nil, err
			}
			results = append(results, out)
		}
	}
	if version == "" {
		return nil, errors.New("vulnpredicate: the reports name no Trivy version")
	}
	return json.Marshal(struct {
		SchemaVersion int
		Trivy         trivyreport.TrivyInfo
		CreatedAt     time.Time
		ArtifactName  string
		ArtifactType  string
		Metadata      struct{}
		Results       []json.RawMessage
	}{
		SchemaVersion: trivyreport.SupportedSchemaVersion, Trivy: trivyreport.TrivyInfo{Version: version},
		CreatedAt: created, ArtifactName: "image index: " + strings.Join(platforms, ", "), ArtifactType: artifactType,
		Results: results,
	})
}
