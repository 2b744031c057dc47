package junit

import (
	"fmt"
	"regexp"
	"strings"

	"dagger/pipeline/kubeconformreport"
	"dagger/pipeline/trivyreport"
)

// The findings of the gating stages, one failed case each, so that the Tests tab lists every
// violation with its rule, its resource and how to fix it rather than one red stage.

var kyvernoViolation = regexp.MustCompile(`^policy (\S+) -> resource (\S+) failed:`)

// KyvernoViolations makes a case per "policy P -> resource R failed:" block of `kyverno apply`'s
// output, with the block's rule lines as the failure text.
func KyvernoViolations(stage, rendering, output string) Suite {
	suite := Suite{Name: stage + ": " + rendering}
	lines := strings.Split(output, "\n")
	for i := 0; i < len(lines); i++ {
		m := kyvernoViolation.FindStringSubmatch(lines[i])
		if m == nil {
			continue
		}
		var rules []string
		for i+1 < len(lines) && ruleLine.MatchString(lines[i+1]) {
			i++
			rules = append(rules, strings.TrimSpace(ruleLine.ReplaceAllString(lines[i], "")))
		}
		message := "violates " + m[1]
		if len(rules) > 0 {
			message = rules[0]
		}
		suite.Cases = append(suite.Cases, Case{
			Name: m[1] + " on " + m[2], Classname: stage,
			Failure: &Problem{Message: message, Type: "PolicyViolation", Text: fmt.Sprintf(
				"policy: %s\nresource: %s (%s)\n%s\nfix: change helm/app (templates or values) so that %s satisfies %s (helm/policies/templates)",
				m[1], m[2], rendering, strings.Join(rules, "\n"), m[2], m[1])},
		})
	}
	return suite
}

var ruleLine = regexp.MustCompile(`^\d+ - `)

// KubeconformErrors makes a case per invalid resource and per resource without a schema.
func KubeconformErrors(stage string, r *kubeconformreport.Report) Suite {
	suite := Suite{Name: stage + ": kubeconform"}
	for _, res := range r.Resources {
		var hint string
		switch res.Status {
		case kubeconformreport.StatusInvalid:
			hint = "fix the field in the chart's templates or values (values.schema.json says what is allowed)"
		case kubeconformreport.StatusError:
			hint = "add the kind's schema to the CRD schema location, or skip the kind with with-validation --skip-kinds (listed in the report)"
		default:
			continue
		}
		var text strings.Builder
		fmt.Fprintf(&text, "resource: %s/%s (%s, %s)\n%s\n", res.Kind, res.Name, res.Version, res.Filename, res.Msg)
		for _, ve := range res.ValidationErrors {
			fmt.Fprintf(&text, "at %s: %s\n", ve.Path, ve.Msg)
		}
		text.WriteString("fix: " + hint)
		message := res.Msg
		if len(res.ValidationErrors) > 0 {
			message = res.ValidationErrors[0].Path + ": " + res.ValidationErrors[0].Msg
		}
		suite.Cases = append(suite.Cases, Case{
			Name: fmt.Sprintf("%s/%s (%s)", res.Kind, res.Name, res.Filename), Classname: stage,
			Failure: &Problem{Message: message, Type: res.Status, Text: text.String()},
		})
	}
	return suite
}

// TrivyBlocking makes a case per finding that fails the gate.
func TrivyBlocking(stage string, v trivyreport.Verdict) Suite {
	suite := Suite{Name: stage + ": trivy at " + v.Severities.String()}
	for _, f := range v.Blocking {
		where := f.Target
		if f.Location != "" {
			where += ":" + f.Location
		}
		var text strings.Builder
		fmt.Fprintf(&text, "%s %s %s\nresource: %s\n", f.Severity, f.Kind, f.ID, where)
		if f.Package != "" {
			fmt.Fprintf(&text, "package: %s %s\n", f.Package, f.Version)
		}
		if f.URL != "" {
			text.WriteString(f.URL + "\n")
		}
		text.WriteString("fix: " + trivyHint(f) + "; or accept it in .trivyignore.yaml with a statement and an expired_at date")
		suite.Cases = append(suite.Cases, Case{
			Name: f.ID + " in " + where, Classname: stage,
			Failure: &Problem{Message: f.Severity.String() + ": " + f.Title, Type: string(f.Kind), Text: text.String()},
		})
	}
	return suite
}

func trivyHint(f trivyreport.Finding) string {
	switch {
	case f.Kind == trivyreport.KindSecret:
		return "remove the secret from the repository and rotate it"
	case f.Kind == trivyreport.KindMisconfiguration:
		return "change the configuration at " + f.Location + " as the check's page says"
	case f.Fixed != "":
		return fmt.Sprintf("upgrade %s to %s", f.Package, f.Fixed)
	}
	return "no fixed version yet: replace " + f.Package + " or set with-scan-policy --ignore-unfixed"
}
