package toolimages

import (
	"encoding/json"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// The repository root, from this package's directory.
const repoRoot = "../.."

// renovateConfig is the part of renovate.json these tests read.
type renovateConfig struct {
	CustomManagers []struct {
		CustomType                string   `json:"customType"`
		ManagerFilePatterns       []string `json:"managerFilePatterns"`
		MatchStrings              []string `json:"matchStrings"`
		DatasourceTemplate        string   `json:"datasourceTemplate"`
		DepNameTemplate           string   `json:"depNameTemplate"`
		AutoReplaceStringTemplate string   `json:"autoReplaceStringTemplate"`
	} `json:"customManagers"`
	HelmValues     struct{ ManagerFilePatterns []string } `json:"helm-values"`
	AzurePipelines struct {
		Enabled             bool
		ManagerFilePatterns []string
	} `json:"azure-pipelines"`
}

func readRenovate(t *testing.T) (renovateConfig, []byte) {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(repoRoot, "renovate.json"))
	if err != nil {
		t.Fatal(err)
	}
	var cfg renovateConfig
	if err := json.Unmarshal(data, &cfg); err != nil {
		t.Fatalf("renovate.json: %v", err)
	}
	return cfg, data
}

// renovateRegexp compiles a pattern of renovate.json as Renovate does with RE2: "/.../" patterns
// and matchStrings, whose named groups (?<name>...) Go spells (?P<name>...). Go's regexp is RE2,
// so a pattern Renovate's RE2 would refuse fails here too.
func renovateRegexp(t *testing.T, pattern string) *regexp.Regexp {
	t.Helper()
	re, err := regexp.Compile(strings.ReplaceAll(pattern, "(?<", "(?P<"))
	if err != nil {
		t.Fatalf("renovate.json: %q is not an RE2 regexp: %v", pattern, err)
	}
	return re
}

// filePatterns compiles managerFilePatterns; only "/regex/" patterns are used here (Renovate also
// takes globs, which these tests do not interpret).
func filePatterns(t *testing.T, patterns []string) []*regexp.Regexp {
	t.Helper()
	var res []*regexp.Regexp
	for _, p := range patterns {
		if len(p) < 2 || !strings.HasPrefix(p, "/") || !strings.HasSuffix(p, "/") {
			t.Fatalf("renovate.json: managerFilePatterns %q: write it as /regex/ (these tests do not read globs)", p)
		}
		res = append(res, renovateRegexp(t, p[1:len(p)-1]))
	}
	return res
}

// repoFiles lists the repository's files, relative to its root with slashes, without .git and
// node_modules.
func repoFiles(t *testing.T) []string {
	t.Helper()
	var files []string
	err := filepath.WalkDir(repoRoot, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && (d.Name() == ".git" || d.Name() == "node_modules") {
			return filepath.SkipDir
		}
		if d.Type().IsRegular() {
			rel, err := filepath.Rel(repoRoot, path)
			if err != nil {
				return err
			}
			files = append(files, filepath.ToSlash(rel))
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return files
}

func matchesAny(res []*regexp.Regexp, path string) bool {
	for _, re := range res {
		if re.MatchString(path) {
			return true
		}
	}
	return false
}

// extracted is one dependency a custom manager finds, as Renovate's regex manager extracts it.
type extracted struct {
	file, depName, datasource, currentValue, currentDigest, match string
	valueStart, valueEnd                                          int
}

// extractCustom runs every regex custom manager of renovate.json over the files its
// managerFilePatterns select, as Renovate does (each matchString over the whole file, every
// match), and returns what they extract, and which files each manager reads.
func extractCustom(t *testing.T, cfg renovateConfig) ([]extracted, map[string]bool) {
	t.Helper()
	files := repoFiles(t)
	read := map[string]bool{}
	var deps []extracted
	for i, m := range cfg.CustomManagers {
		if m.CustomType != "regex" {
			t.Fatalf("customManagers[%d]: customType %q; these tests read regex managers only", i, m.CustomType)
		}
		pats := filePatterns(t, m.ManagerFilePatterns)
		var res []*regexp.Regexp
		for _, s := range m.MatchStrings {
			res = append(res, renovateRegexp(t, s))
		}
		for _, f := range files {
			if !matchesAny(pats, f) {
				continue
			}
			read[f] = true
			data, err := os.ReadFile(filepath.Join(repoRoot, f))
			if err != nil {
				t.Fatal(err)
			}
			text := string(data)
			for _, re := range res {
				for _, loc := range re.FindAllStringSubmatchIndex(text, -1) {
					group := func(name string) (string, int, int) {
						i := re.SubexpIndex(name)
						if i < 0 || loc[2*i] < 0 {
							return "", -1, -1
						}
						return text[loc[2*i]:loc[2*i+1]], loc[2*i], loc[2*i+1]
					}
					d := extracted{file: f, match: text[loc[0]:loc[1]], depName: m.DepNameTemplate, datasource: m.DatasourceTemplate}
					if v, _, _ := group("depName"); v != "" {
						d.depName = v
					}
					if v, _, _ := group("datasource"); v != "" {
						d.datasource = v
					}
					d.currentValue, d.valueStart, d.valueEnd = group("currentValue")
					d.currentDigest, _, _ = group("currentDigest")
					if d.depName == "" || d.datasource == "" || d.currentValue == "" {
						t.Errorf("%s: %q: customManagers[%d] extracts depName %q, datasource %q, currentValue %q: all three are needed",
							f, d.match, i, d.depName, d.datasource, d.currentValue)
					}
					if m.AutoReplaceStringTemplate != "" {
						if got := renderReplace(t, m.AutoReplaceStringTemplate, d); got != d.match {
							t.Errorf("%s: autoReplaceStringTemplate gives %q for the unchanged %q", f, got, d.match)
						}
					}
					deps = append(deps, d)
				}
			}
		}
	}
	return deps, read
}

// renderReplace renders the few handlebars constructs the autoReplaceStringTemplate uses, with
// the current value and digest as the new ones: the string Renovate would write back unchanged.
func renderReplace(t *testing.T, tmpl string, d extracted) string {
	t.Helper()
	ifDigest := regexp.MustCompile(`\{\{#if newDigest\}\}(.*?)\{\{/if\}\}`)
	out := ifDigest.ReplaceAllStringFunc(tmpl, func(s string) string {
		if d.currentDigest == "" {
			return ""
		}
		return ifDigest.FindStringSubmatch(s)[1]
	})
	out = strings.NewReplacer("{{{depName}}}", d.depName, "{{{newValue}}}", d.currentValue, "{{{newDigest}}}", d.currentDigest).Replace(out)
	if strings.Contains(out, "{{") {
		t.Fatalf("autoReplaceStringTemplate %q: a construct this test does not render", tmpl)
	}
	return out
}

// TestRenovateMatchesEveryToolImage: the custom manager of ci/toolimages finds every pinned image
// exactly once, as the reference Pinned holds (digest included), and nothing else.
func TestRenovateMatchesEveryToolImage(t *testing.T) {
	cfg, _ := readRenovate(t)
	deps, _ := extractCustom(t, cfg)
	found := map[string]int{}
	for _, d := range deps {
		if d.file != "ci/toolimages/toolimages.go" {
			continue
		}
		ref := d.depName + ":" + d.currentValue
		if d.currentDigest != "" {
			ref += "@" + d.currentDigest
		}
		if d.datasource != "docker" {
			t.Errorf("ci/toolimages: %s extracted with datasource %q, want docker", ref, d.datasource)
		}
		found[ref]++
	}
	pinned := map[string]bool{}
	for _, ref := range Pinned {
		pinned[ref] = true
		if found[ref] != 1 {
			t.Errorf("renovate.json's custom managers find %s in ci/toolimages/toolimages.go %d times, want once", ref, found[ref])
		}
	}
	for ref := range found {
		if !pinned[ref] {
			t.Errorf("renovate.json's custom managers find %s in ci/toolimages/toolimages.go, which Pinned does not hold", ref)
		}
	}
}

// versionLiteral is what counts as a tool version in scripts/tool-*.sh: x.y.z, with or without a
// leading v.
var versionLiteral = regexp.MustCompile(`\bv?[0-9]+\.[0-9]+\.[0-9]+\b`)

// TestRenovateMatchesEveryToolScriptVersion: every version written in a scripts/tool-*.sh
// (outside comments) is extracted by exactly one custom manager, with a datasource and a
// depName, and nothing else in those scripts is; a new script's version cannot go unnoticed.
func TestRenovateMatchesEveryToolScriptVersion(t *testing.T) {
	cfg, _ := readRenovate(t)
	deps, read := extractCustom(t, cfg)
	scripts, err := filepath.Glob(filepath.Join(repoRoot, "scripts", "tool-*.sh"))
	if err != nil || len(scripts) == 0 {
		t.Fatalf("no scripts/tool-*.sh (%v)", err)
	}
	datasources := map[string]bool{"go": true, "npm": true, "golang-version": true, "docker": true}
	for _, path := range scripts {
		rel := "scripts/" + filepath.Base(path)
		if !read[rel] {
			t.Errorf("%s: no custom manager of renovate.json reads it", rel)
		}
		data, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		text := string(data)
		covered := map[[2]int]int{}
		for _, d := range deps {
			if d.file != rel {
				continue
			}
			if !versionLiteral.MatchString(d.currentValue) || versionLiteral.FindString(d.currentValue) != d.currentValue {
				t.Errorf("%s: %q extracted as a version, which is not x.y.z", rel, d.currentValue)
			}
			if !datasources[d.datasource] {
				t.Errorf("%s: %s has datasource %q, not one of go, npm, golang-version, docker", rel, d.depName, d.datasource)
			}
			covered[[2]int{d.valueStart, d.valueEnd}]++
		}
		offset := 0
		for _, line := range strings.SplitAfter(text, "\n") {
			if !strings.HasPrefix(strings.TrimSpace(line), "#") {
				for _, loc := range versionLiteral.FindAllStringIndex(line, -1) {
					span := [2]int{offset + loc[0], offset + loc[1]}
					if n := covered[span]; n != 1 {
						t.Errorf("%s: version %s (line %q) is extracted %d times by renovate.json's custom managers, want once",
							rel, line[loc[0]:loc[1]], strings.TrimSpace(line), n)
					}
					delete(covered, span)
				}
			}
			offset += len(line)
		}
		for span := range covered {
			t.Errorf("%s: %q is extracted, but is not a version outside a comment", rel, text[span[0]:span[1]])
		}
	}
}

// TestRenovateManagersReadTheirFiles: the helm-values manager reads every helm/**/values*.yaml,
// the azure-pipelines manager is on and reads every file of .azure-pipelines/, and every /regex/
// in renovate.json is one RE2 compiles.
func TestRenovateManagersReadTheirFiles(t *testing.T) {
	cfg, data := readRenovate(t)
	helm := filePatterns(t, cfg.HelmValues.ManagerFilePatterns)
	azure := filePatterns(t, cfg.AzurePipelines.ManagerFilePatterns)
	if !cfg.AzurePipelines.Enabled {
		t.Error(`renovate.json: the azure-pipelines manager is off by default; it needs "enabled": true`)
	}
	var values, pipelines int
	for _, f := range repoFiles(t) {
		if strings.HasPrefix(f, "helm/") && strings.HasPrefix(filepath.Base(f), "values") && strings.HasSuffix(f, ".yaml") {
			values++
			if !matchesAny(helm, f) {
				t.Errorf("renovate.json: helm-values does not read %s", f)
			}
		}
		if strings.HasPrefix(f, ".azure-pipelines/") && strings.HasSuffix(f, ".yml") {
			pipelines++
			if !matchesAny(azure, f) {
				t.Errorf("renovate.json: azure-pipelines does not read %s", f)
			}
		}
	}
	if values < 2 || pipelines < 2 {
		t.Errorf("found %d helm values files and %d pipelines, want both", values, pipelines)
	}
	var doc any
	if err := json.Unmarshal(data, &doc); err != nil {
		t.Fatal(err)
	}
	var walk func(v any)
	walk = func(v any) {
		switch v := v.(type) {
		case map[string]any:
			for _, e := range v {
				walk(e)
			}
		case []any:
			for _, e := range v {
				walk(e)
			}
		case string:
			if len(v) > 2 && strings.HasPrefix(v, "/") && strings.HasSuffix(v, "/") && !strings.Contains(v, " ") {
				renovateRegexp(t, v[1:len(v)-1])
			}
		}
	}
	walk(doc)
}
