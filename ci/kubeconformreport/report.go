// Package kubeconformreport reads kubeconform's `-output json -summary -verbose` report and says
// whether the manifests passed, listing every skipped resource so none is skipped silently.
package kubeconformreport

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
)

// Statuses kubeconform writes (pkg/output/json.go).
const (
	StatusValid   = "statusValid"
	StatusInvalid = "statusInvalid"
	StatusError   = "statusError" // e.g. no schema found for the kind
	StatusSkipped = "statusSkipped"
)

// Resource is one validated document.
type Resource struct {
	Filename         string            `json:"filename"`
	Kind             string            `json:"kind"`
	Name             string            `json:"name"`
	Version          string            `json:"version"`
	Status           string            `json:"status"`
	Msg              string            `json:"msg"`
	ValidationErrors []ValidationError `json:"validationErrors,omitempty"`
}

// ValidationError locates one schema violation.
type ValidationError struct {
	Path string `json:"path"`
	Msg  string `json:"msg"`
}

// Summary is kubeconform's own count.
type Summary struct {
	Valid   int `json:"valid"`
	Invalid int `json:"invalid"`
	Errors  int `json:"errors"`
	Skipped int `json:"skipped"`
}

// Report is the whole JSON document.
type Report struct {
	Resources []Resource `json:"resources"`
	Summary   *Summary   `json:"summary"`
}

// Parse decodes a report. A report without its summary is an error: it means kubeconform was run
// without -summary or its output was cut.
func Parse(data []byte) (*Report, error) {
	if len(bytes.TrimSpace(data)) == 0 {
		return nil, errors.New("kubeconform report is empty")
	}
	var r Report
	if err := json.Unmarshal(data, &r); err != nil {
		return nil, fmt.Errorf("kubeconform report is not valid JSON: %w", err)
	}
	if r.Summary == nil {
		return nil, errors.New("kubeconform report has no summary (run it with -summary)")
	}
	return &r, nil
}

// Skipped lists the resources kubeconform skipped, as "Kind/name (file)".
func (r *Report) Skipped() []string {
	var out []string
	for _, res := range r.Resources {
		if res.Status == StatusSkipped {
			out = append(out, fmt.Sprintf("%s/%s (%s)", res.Kind, res.Name, res.Filename))
		}
	}
	return out
}

// Details is the one-line count for the summary table.
func (r *Report) Details() string {
	s := r.Summary
	return fmt.Sprintf("%d valid, %d invalid, %d errors, %d skipped", s.Valid, s.Invalid, s.Errors, s.Skipped)
}

// Err fails on any invalid resource or error (a missing schema is an error, not a pass), and
// when nothing at all was validated.
func (r *Report) Err() error {
	s := r.Summary
	var problems []string
	for _, res := range r.Resources {
		if res.Status != StatusInvalid && res.Status != StatusError {
			continue
		}
		line := fmt.Sprintf("%s %s/%s (%s): %s", res.Status, res.Kind, res.Name, res.Filename, res.Msg)
		for _, ve := range res.ValidationErrors {
			line += fmt.Sprintf("\n    %s: %s", ve.Path, ve.Msg)
		}
		problems = append(problems, line)
	}
	switch {
	case s.Invalid > 0 || s.Errors > 0:
		return fmt.Errorf("kubeconform: %s\n%s", r.Details(), strings.Join(problems, "\n"))
	case s.Valid == 0:
		return fmt.Errorf("kubeconform validated no resource (%s)", r.Details())
	}
	return nil
}
