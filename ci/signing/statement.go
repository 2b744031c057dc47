package signing

import (
	"bytes"
	"encoding/json"
	"fmt"
	"time"

	"github.com/sigstore/cosign/v2/pkg/cosign/attestation"
)

// StatementV1 is the in-toto Statement v1 type the provenance, vulnerability and VEX
// attestations use. The SBOM attestations keep the v0.1 statements cosign generates, as before;
// cosign and Kyverno read both.
const StatementV1 = "https://in-toto.io/Statement/v1"

type statementV1 struct {
	Type          string          `json:"_type"`
	Subject       []Subject       `json:"subject"`
	PredicateType string          `json:"predicateType"`
	Predicate     json.RawMessage `json:"predicate"`
}

// statementBody is the JSON statement of the predicate about the image digest hex in repo, then
// the more subjects.
// cosign's statement generator checks every predicate (an SPDX document must be SPDX, a SLSA
// provenance must have its required fields); for the v1 kinds the predicate is then kept byte for
// byte, since cosign's typed decoding would drop fields it does not know (the vuln predicate's
// db.updatedAt).
func statementBody(kind PredicateKind, predicateType string, predicate []byte, hex, repo string, more []Subject) ([]byte, error) {
	if err := checkSubjects(more); err != nil {
		return nil, err
	}
	generated, err := attestation.GenerateStatement(attestation.GenerateOpts{
		Predicate: bytes.NewReader(predicate),
		Type:      string(kind),
		Digest:    hex,
		Repo:      repo,
		Time:      time.Now,
	})
	if err != nil {
		return nil, fmt.Errorf("signing: the %s predicate: %w", kind, err)
	}
	var body []byte
	switch kind {
	case SPDXJSON, CycloneDX:
		if len(more) > 0 {
			return nil, fmt.Errorf("signing: a %s statement is about one image, not %d more", kind, len(more))
		}
		body, err = json.Marshal(generated)
	default:
		var compact bytes.Buffer
		if err := json.Compact(&compact, predicate); err != nil {
			return nil, err
		}
		body, err = json.Marshal(statementV1{
			Type:          StatementV1,
			Subject:       append([]Subject{{Name: repo, Digest: map[string]string{"sha256": hex}}}, more...),
			PredicateType: predicateType,
			Predicate:     compact.Bytes(),
		})
	}
	if err != nil {
		return nil, fmt.Errorf("signing: in-toto statement: %w", err)
	}
	return body, nil
}

// checkSubjects refuses a further subject without a sha256 digest: subjects are matched by it.
func checkSubjects(more []Subject) error {
	for _, s := range more {
		if len(s.Digest["sha256"]) != 64 {
			return fmt.Errorf("signing: subject %q has no sha256 digest", s.Name)
		}
	}
	return nil
}
