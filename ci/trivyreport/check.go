package trivyreport

import (
	"fmt"
	"strings"
)

// IgnoreFileNames are the exception files a repository may hold at its root, in the order they
// are read: Trivy's YAML format (every entry with a statement and an expiry), then its plain one.
var IgnoreFileNames = []string{".trivyignore.yaml", ".trivyignore.yml", ".trivyignore"}

// ParseIgnoreFiles parses the exception files present, keyed by name, into one configuration.
func ParseIgnoreFiles(files map[string][]byte) (*IgnoreConfig, error) {
	var configs []*IgnoreConfig
	for _, name := range IgnoreFileNames {
		data, ok := files[name]
		if !ok {
			continue
		}
		parse := ParseIgnoreFile
		if strings.HasSuffix(name, ".yaml") || strings.HasSuffix(name, ".yml") {
			parse = ParseIgnoreYAML
		}
		cfg, err := parse(name, data)
		if err != nil {
			return nil, fmt.Errorf("bad Trivy ignore file: %w", err)
		}
		configs = append(configs, cfg)
	}
	return Merge(configs...), nil
}

// Outcome is one gated scan, as a pipeline stage reports it.
type Outcome struct {
	Verdict Verdict
	// Markdown is the gate's verdict (RenderMarkdown).
	Markdown string
	// Details is one line for the summary table.
	Details string
}

// Check parses a Trivy JSON report and applies the policy: the one gate of filesystem and
// image scans.
func Check(raw []byte, p Policy) (Outcome, error) {
	report, err := Parse(raw)
	if err != nil {
		return Outcome{}, err
	}
	v, err := Evaluate(report, p)
	if err != nil {
		return Outcome{}, err
	}
	details := fmt.Sprintf("findings: %s; blocking at %s: %d; accepted: %d",
		CountBySeverity(v.All), p.Severities, len(v.Blocking), len(v.Ignored))
	if len(v.ExpiredRules) > 0 {
		details += fmt.Sprintf("; %d expired exception(s)", len(v.ExpiredRules))
	}
	return Outcome{Verdict: v, Markdown: RenderMarkdown(v), Details: details}, nil
}

// Err is nil when the gate passed, else the failure followed by the findings table.
func (o Outcome) Err() error {
	if err := o.Verdict.Err(); err != nil {
		return fmt.Errorf("%w\n\n%s", err, o.Markdown)
	}
	return nil
}
