package admission

import (
	"bytes"
	"fmt"
	"strings"
)

// Policy is what the cluster's signature policy trusts and covers, read from helm/policies'
// values files in the order Argo CD layers them.
type Policy struct {
	// Keys are the DER of every trusted public key (verifyImageSignatures.publicKeys).
	Keys [][]byte
	// ImageReferences are the repositories whose images must be signed, each a prefix and "*".
	ImageReferences []string
	// TransparencyLog is the Rekor log every signature must be recorded in
	// (verifyImageSignatures.transparencyLog.url), "" when the policy ignores logs.
	TransparencyLog string
	where           string
}

// ReadPolicy reads verifyImageSignatures from the policies chart's values files. A policy that
// is off, trusts no key or covers no image is refused: such a cluster verifies nothing.
func ReadPolicy(files ...File) (Policy, error) {
	v, err := readValues(files)
	if err != nil {
		return Policy{}, err
	}
	p := Policy{where: v.where()}
	if on, _ := v.lookup("verifyImageSignatures", "enabled").(bool); !on {
		return Policy{}, fmt.Errorf("%s: verifyImageSignatures.enabled is not true: the cluster would verify no signature, so there is nothing to release to", p.where)
	}
	keys, err := v.strings("verifyImageSignatures", "publicKeys")
	if err != nil {
		return Policy{}, err
	}
	if len(keys) == 0 {
		return Policy{}, fmt.Errorf("%s: verifyImageSignatures.publicKeys is empty: put the release key's public half (cosign.pub) there", p.where)
	}
	for i, k := range keys {
		der, err := PublicKey(k)
		if err != nil {
			return Policy{}, fmt.Errorf("%s: verifyImageSignatures.publicKeys[%d]: %w", p.where, i, err)
		}
		p.Keys = append(p.Keys, der)
	}
	if p.ImageReferences, err = v.strings("verifyImageSignatures", "imageReferences"); err != nil {
		return Policy{}, err
	}
	if len(p.ImageReferences) == 0 {
		return Policy{}, fmt.Errorf("%s: verifyImageSignatures.imageReferences is empty: list the repositories the release pushes to", p.where)
	}
	if on, _ := v.lookup("verifyImageSignatures", "transparencyLog", "enabled").(bool); on {
		p.TransparencyLog, _ = v.lookup("verifyImageSignatures", "transparencyLog", "url").(string)
		if p.TransparencyLog == "" {
			return Policy{}, fmt.Errorf("%s: verifyImageSignatures.transparencyLog.url is empty while the log is enabled: name the Rekor log the release records in", p.where)
		}
	}
	return p, nil
}

// CheckTransparencyLog refuses a release that records its signatures in another log than the
// one the cluster requires (rekorURL "" records in none): the cluster would refuse every image.
func (p Policy) CheckTransparencyLog(rekorURL string) error {
	if p.TransparencyLog == "" || sameURL(p.TransparencyLog, rekorURL) {
		return nil
	}
	if rekorURL == "" {
		return fmt.Errorf("%s verifyImageSignatures.transparencyLog requires every signature and attestation in the log %s, and the release records in none: give with-cosign-key --rekor-url %s",
			p.where, p.TransparencyLog, p.TransparencyLog)
	}
	return fmt.Errorf("%s verifyImageSignatures.transparencyLog requires entries in the log %s, but the release records in %s: give with-cosign-key --rekor-url %s, or set transparencyLog.url (and its tuf) to the release's log",
		p.where, p.TransparencyLog, rekorURL, p.TransparencyLog)
}

func sameURL(a, b string) bool { return strings.TrimSuffix(a, "/") == strings.TrimSuffix(b, "/") }

// CheckKey refuses a release key the cluster does not trust. publicKey may be spelled in any
// form PublicKey reads.
func (p Policy) CheckKey(publicKey string, ephemeral bool) error {
	der, err := PublicKey(publicKey)
	if err != nil {
		return fmt.Errorf("the release key: %w", err)
	}
	for _, k := range p.Keys {
		if bytes.Equal(k, der) {
			return nil
		}
	}
	if ephemeral {
		return fmt.Errorf("the release signs with an ephemeral key (no with-cosign-key), which %s does not trust: give with-cosign-key the key whose public half is in verifyImageSignatures.publicKeys", p.where)
	}
	return fmt.Errorf("the release key is not one of the %d key(s) in %s verifyImageSignatures.publicKeys, so the cluster would refuse every image it signs: add this public key there (or sign with the key that is):\n%s",
		len(p.Keys), p.where, PEM(der))
}

// Covers says whether the signature policy matches images of repository: one of its
// references, read as a prefix, starts the image reference (the registry policy reads them the
// same way, and the schema allows nothing else).
func (p Policy) Covers(repository string) bool {
	image := repository + ":tag"
	for _, ref := range p.ImageReferences {
		prefix, ok := strings.CutSuffix(ref, "*")
		if ok && !strings.ContainsAny(prefix, "*?[]{}") && strings.HasPrefix(image, prefix) {
			return true
		}
	}
	return false
}
