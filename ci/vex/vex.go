// Package vex turns the repository's accepted vulnerability exceptions (.trivyignore.yaml, read
// by trivyreport) into an OpenVEX v0.2.0 document about one image: every live exception becomes
// a not_affected statement with its justification and statement, the image's purl as product.
// The same document is attested next to the image (cosign's openvex type) and handed to Trivy
// with --vex, so that a finding accepted in one place is accepted everywhere.
//
// Only vulnerabilities exist in OpenVEX, and Trivy applies a VEX to vulnerabilities only:
// exceptions for misconfigurations, secrets and licenses stay in .trivyignore.yaml alone.
//
// Trivy matches a statement's product against the image's purl, which it knows only when it
// scans from a registry (Metadata.RepoDigests); scanning a tarball (--input), it matches the
// package products alone, so there only exceptions with purls apply. The gate reads the same
// .trivyignore.yaml (trivyreport), so the verdict is the same either way.
package vex

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"os"
	"sort"
	"strings"
	"time"

	"github.com/google/go-containerregistry/pkg/name"

	"dagger/pipeline/trivyreport"
)

const (
	// Context is the OpenVEX version this package writes.
	Context = "https://openvex.dev/ns/v0.2.0"
	// PredicateType is the in-toto predicate type of an OpenVEX attestation (cosign --type openvex).
	PredicateType = "https://openvex.dev/ns"
	// StatusNotAffected is the one status an accepted exception can claim.
	StatusNotAffected = "not_affected"
)

// Document is an OpenVEX document.
type Document struct {
	Context    string      `json:"@context"`
	ID         string      `json:"@id"`
	Author     string      `json:"author"`
	Timestamp  time.Time   `json:"timestamp"`
	Version    int         `json:"version"`
	Tooling    string      `json:"tooling,omitempty"`
	Statements []Statement `json:"statements"` // never null: an empty list is a valid document
}

// Statement says how one vulnerability affects the products.
type Statement struct {
	Vulnerability   Vulnerability `json:"vulnerability"`
	Products        []Product     `json:"products"`
	Status          string        `json:"status"`
	Justification   string        `json:"justification,omitempty"`
	ImpactStatement string        `json:"impact_statement,omitempty"`
	StatusNotes     string        `json:"status_notes,omitempty"`
}

// Vulnerability names a vulnerability (CVE or GHSA id, as Trivy reports it).
type Vulnerability struct {
	Name string `json:"name"`
}

// Product is the image, with Subcomponents narrowing a statement to packages (the rule's
// purls), or one of those packages itself.
type Product struct {
	ID            string      `json:"@id"`
	Subcomponents []Component `json:"subcomponents,omitempty"`
}

// Component is a package inside the product, by purl.
type Component struct {
	ID string `json:"@id"`
}

// Options say about what and by whom the document is.
type Options struct {
	Products []string  // purls of the image (ImagePURL), one per digest that is scanned or attested
	Author   string    // who accepted the exceptions, e.g. the repository's security contact
	Now      time.Time // exceptions expired at Now are left out; also the document's timestamp
	// Timestamp, when set, is the document's timestamp instead of Now: a document that is an
	// input of a cached step (the filesystem scan's) is dated by the day, not the second.
	Timestamp time.Time
}

// FromIgnores builds the document from the live vulnerability exceptions of cfg (nil: none).
// Plain .trivyignore lines are left out: they carry no justification, so they cannot claim
// not_affected.
func FromIgnores(cfg *trivyreport.IgnoreConfig, o Options) (Document, error) {
	if len(o.Products) == 0 {
		return Document{}, errors.New("vex: no product: pass the image's purl (ImagePURL)")
	}
	if strings.TrimSpace(o.Author) == "" || o.Now.IsZero() {
		return Document{}, errors.New("vex: Author and Now are required")
	}
	timestamp := o.Now
	if !o.Timestamp.IsZero() {
		timestamp = o.Timestamp
	}
	doc := Document{Context: Context, Author: o.Author, Timestamp: timestamp.UTC(), Version: 1,
		Tooling: "taskboard ci/vex", Statements: []Statement{}}
	if cfg != nil {
		for _, r := range cfg.Rules {
			if r.Kind != trivyreport.KindVulnerability || r.Expired(o.Now) {
				continue
			}
			doc.Statements = append(doc.Statements, statement(r, o.Products))
		}
	}
	sort.SliceStable(doc.Statements, func(i, j int) bool {
		return doc.Statements[i].Vulnerability.Name < doc.Statements[j].Vulnerability.Name
	})
	id, err := contentID(doc)
	if err != nil {
		return Document{}, err
	}
	doc.ID = id
	return doc, nil
}

func statement(r trivyreport.IgnoreRule, products []string) Statement {
	var subs []Component
	for _, p := range r.PURLs {
		subs = append(subs, Component{ID: p})
	}
	st := Statement{Vulnerability: Vulnerability{Name: r.ID}, Status: StatusNotAffected,
		Justification: r.Justification, ImpactStatement: strings.TrimSpace(r.Statement)}
	for _, p := range products {
		st.Products = append(st.Products, Product{ID: p, Subcomponents: subs})
	}
	// The packages as products too: a scan of an image tarball (trivy image --input, as the
	// release scans before it pushes) knows no registry digest, so Trivy gives the image no purl
	// and only a package product can match. Same scope as the rule's purls in .trivyignore.yaml.
	for _, c := range subs {
		st.Products = append(st.Products, Product{ID: c.ID})
	}
	// OpenVEX has no file paths: say so rather than drop the rule's restriction silently.
	notes := []string{"accepted in " + r.Source + " until " + r.ExpiredAt.UTC().Format("2006-01-02")}
	if len(r.Paths) > 0 {
		notes = append(notes, "the gate limits it to paths "+strings.Join(r.Paths, ", "))
	}
	st.StatusNotes = strings.Join(notes, "; ")
	return st
}

// contentID names the document by what it says, so the same exceptions give the same @id.
func contentID(doc Document) (string, error) {
	doc.ID = ""
	data, err := json.Marshal(doc)
	if err != nil {
		return "", err
	}
	sum := sha256.Sum256(data)
	return "urn:taskboard:openvex:sha256:" + hex.EncodeToString(sum[:]), nil
}

// ImagePURL is the purl Trivy gives an image it scans from a registry (pkg/purl, TypeOCI):
// pkg:oci/<last path element>@<digest>?repository_url=<registry/repository>. ref must be by digest.
func ImagePURL(ref string) (string, error) {
	d, err := name.NewDigest(ref)
	if err != nil {
		return "", fmt.Errorf("vex: %q is not a by-digest image reference: %w", ref, err)
	}
	repo := strings.ToLower(d.RepositoryStr())
	last := repo[strings.LastIndex(repo, "/")+1:]
	return "pkg:oci/" + last + "@" + strings.Replace(d.DigestStr(), ":", "%3A", 1) +
		"?repository_url=" + url.QueryEscape(d.Context().Name()), nil
}

// JSON is the document as written to a file or attested.
func (d Document) JSON() ([]byte, error) {
	return json.MarshalIndent(d, "", "  ")
}

// WriteFile writes the document for `trivy --vex path`.
func WriteFile(path string, d Document) error {
	data, err := d.JSON()
	if err != nil {
		return err
	}
	return os.WriteFile(path, append(data, '\n'), 0o644)
}
