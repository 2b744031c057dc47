package trivyreport

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"path"
	"slices"
	"strings"
	"time"

	"gopkg.in/yaml.v3"
)

// IgnoreRule is one accepted finding. The YAML form is Trivy's own `.trivyignore.yaml` entry
// (id, paths, purls, statement, expired_at), so Trivy and this gate read the same file.
type IgnoreRule struct {
	ID        string    `yaml:"id"`
	Paths     []string  `yaml:"paths"`
	PURLs     []string  `yaml:"purls"`
	Statement string    `yaml:"statement"`
	ExpiredAt time.Time `yaml:"expired_at"`
	// Justification is the OpenVEX justification of a vulnerability exception, which becomes a
	// not_affected VEX statement (package vex). Trivy ignores the key; this gate requires it.
	Justification string `yaml:"justification"`
	Source        string `yaml:"-"` // file and line the rule came from, for the report
	Kind          Kind   `yaml:"-"` // empty: applies to every kind (plain .trivyignore)
}

// IgnoreConfig is the union of the repository's ignore files.
type IgnoreConfig struct {
	Rules []IgnoreRule
}

// ignoreYAML mirrors Trivy's IgnoreConfig (pkg/result/ignore.go): one list per scanner.
type ignoreYAML struct {
	Vulnerabilities   []IgnoreRule `yaml:"vulnerabilities"`
	Misconfigurations []IgnoreRule `yaml:"misconfigurations"`
	Secrets           []IgnoreRule `yaml:"secrets"`
	Licenses          []IgnoreRule `yaml:"licenses"`
}

// Justifications are OpenVEX's status justifications for not_affected (OpenVEX spec v0.2.0).
var Justifications = []string{
	"component_not_present",
	"vulnerable_code_not_present",
	"vulnerable_code_not_in_execute_path",
	"vulnerable_code_cannot_be_controlled_by_adversary",
	"inline_mitigations_already_exist",
}

// ParseIgnoreYAML reads a `.trivyignore.yaml`. It is stricter than Trivy on purpose: every entry
// must say why (statement) and until when (expired_at), a vulnerability entry also which OpenVEX
// justification applies, and unknown keys are errors, so that an exception is always justified,
// reviewed and temporary.
func ParseIgnoreYAML(name string, data []byte) (*IgnoreConfig, error) {
	var doc ignoreYAML
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	// An empty file decodes as io.EOF: no exceptions, which is fine.
	if err := dec.Decode(&doc); err != nil && !errors.Is(err, io.EOF) {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	cfg := &IgnoreConfig{}
	lists := []struct {
		key   string
		kind  Kind
		rules []IgnoreRule
	}{
		{"vulnerabilities", KindVulnerability, doc.Vulnerabilities},
		{"misconfigurations", KindMisconfiguration, doc.Misconfigurations},
		{"secrets", KindSecret, doc.Secrets},
		{"licenses", KindLicense, doc.Licenses},
	}
	for _, l := range lists {
		for i, r := range l.rules {
			where := fmt.Sprintf("%s: %s[%d]", name, l.key, i)
			switch {
			case strings.TrimSpace(r.ID) == "":
				return nil, fmt.Errorf("%s: id is required", where)
			case strings.TrimSpace(r.Statement) == "":
				return nil, fmt.Errorf("%s (%s): statement is required: say why the finding is accepted", where, r.ID)
			case r.ExpiredAt.IsZero():
				return nil, fmt.Errorf("%s (%s): expired_at is required: every exception must expire", where, r.ID)
			case l.kind == KindVulnerability && !slices.Contains(Justifications, r.Justification):
				return nil, fmt.Errorf("%s (%s): justification %q: want one of OpenVEX's %s (the exception becomes a not_affected VEX statement)",
					where, r.ID, r.Justification, strings.Join(Justifications, ", "))
			case l.kind != KindVulnerability && r.Justification != "":
				return nil, fmt.Errorf("%s (%s): justification applies to vulnerabilities only", where, r.ID)
			}
			for _, p := range r.Paths {
				if _, err := path.Match(strings.ReplaceAll(p, "**", "*"), ""); err != nil {
					return nil, fmt.Errorf("%s (%s): bad path pattern %q: %w", where, r.ID, p, err)
				}
			}
			r.Source = where
			r.Kind = l.kind
			cfg.Rules = append(cfg.Rules, r)
		}
	}
	return cfg, nil
}

// ParseIgnoreFile reads Trivy's plain `.trivyignore`: one id per line, an optional
// `exp:YYYY-MM-DD`, `#` comments. As in Trivy, its ids apply to every scanner. A malformed date
// is an error here (Trivy only warns and drops the line).
func ParseIgnoreFile(name string, data []byte) (*IgnoreConfig, error) {
	cfg := &IgnoreConfig{}
	sc := bufio.NewScanner(bytes.NewReader(data))
	lineNo := 0
	for sc.Scan() {
		lineNo++
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		fields := strings.Fields(line)
		r := IgnoreRule{ID: fields[0], Source: fmt.Sprintf("%s:%d", name, lineNo)}
		for _, f := range fields[1:] {
			if d, ok := strings.CutPrefix(f, "exp:"); ok {
				t, err := time.Parse("2006-01-02", d)
				if err != nil {
					return nil, fmt.Errorf("%s:%d: bad expiry %q (want exp:YYYY-MM-DD)", name, lineNo, f)
				}
				r.ExpiredAt = t
			}
		}
		cfg.Rules = append(cfg.Rules, r)
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	return cfg, nil
}

// Merge returns a config holding the rules of every given config (nil ones are skipped).
func Merge(configs ...*IgnoreConfig) *IgnoreConfig {
	out := &IgnoreConfig{}
	for _, c := range configs {
		if c != nil {
			out.Rules = append(out.Rules, c.Rules...)
		}
	}
	return out
}

// Expired reports whether the rule no longer applies at now (Trivy: ExpiredAt before now).
func (r IgnoreRule) Expired(now time.Time) bool {
	return !r.ExpiredAt.IsZero() && r.ExpiredAt.Before(now)
}

// Matches reports whether the rule covers the finding, ignoring expiry.
func (r IgnoreRule) Matches(f Finding) bool {
	if r.Kind != "" && r.Kind != f.Kind {
		return false
	}
	if r.ID != f.ID && !contains(f.Aliases, r.ID) {
		return false
	}
	if len(r.Paths) > 0 && !anyGlobAny(r.Paths, matchedPaths(f)) {
		return false
	}
	if len(r.PURLs) > 0 && f.PURL != "" && !contains(r.PURLs, f.PURL) {
		return false
	}
	return true
}

// matchedPaths are what a rule's paths are matched against, as in Trivy: the target, and for a
// vulnerability also the package's path; for a license only the license file's path (so a
// package's license never matches a paths rule).
func matchedPaths(f Finding) []string {
	switch {
	case f.Kind == KindLicense:
		return []string{f.File}
	case f.Kind == KindVulnerability && f.File != "":
		return []string{f.Target, f.File}
	}
	return []string{f.Target}
}

func anyGlobAny(patterns, targets []string) bool {
	for _, t := range targets {
		if anyGlob(patterns, t) {
			return true
		}
	}
	return false
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}

func anyGlob(patterns []string, target string) bool {
	for _, p := range patterns {
		if matchGlob(p, target) {
			return true
		}
	}
	return false
}

// matchGlob matches slash-separated paths where `**` spans any number of segments and the other
// segments use path.Match syntax, like the doublestar patterns Trivy accepts in `paths`.
func matchGlob(pattern, name string) bool {
	return matchSegments(strings.Split(pattern, "/"), strings.Split(name, "/"))
}

func matchSegments(pat, name []string) bool {
	for len(pat) > 0 {
		if pat[0] == "**" {
			for i := 0; i <= len(name); i++ {
				if matchSegments(pat[1:], name[i:]) {
					return true
				}
			}
			return false
		}
		if len(name) == 0 {
			return false
		}
		if ok, _ := path.Match(pat[0], name[0]); !ok {
			return false
		}
		pat, name = pat[1:], name[1:]
	}
	return len(name) == 0
}
