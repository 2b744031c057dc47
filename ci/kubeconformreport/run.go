package kubeconformreport

import (
	"fmt"
	"strings"

	"dagger/pipeline/textlines"
)

// Args is the kubeconform command: strict, a JSON report of every resource, the Kubernetes
// version, the schema locations in order, the kinds to skip, then the manifests' directory.
func Args(kubernetesVersion string, schemaLocations, skipKinds []string, dir string) []string {
	args := []string{"-strict", "-summary", "-output", "json", "-verbose", "-kubernetes-version", kubernetesVersion}
	for _, l := range schemaLocations {
		args = append(args, "-schema-location", l)
	}
	if len(skipKinds) > 0 {
		args = append(args, "-skip", strings.Join(skipKinds, ","))
	}
	return append(args, dir)
}

// Outcome is one kubeconform run as a stage reports it.
type Outcome struct {
	Report  *Report // nil when stdout was no report
	Details string
	Err     error
}

// Judge reads a run's report and exit code. A failing exit code with a clean report is an
// error too: kubeconform failed in a way its report does not show.
func Judge(stdout, stderr string, exitCode int, kubernetesVersion string) Outcome {
	report, err := Parse([]byte(stdout))
	if err != nil {
		return Outcome{Err: fmt.Errorf("%w\nkubeconform exited %d:\n%s", err, exitCode, textlines.Tail(stdout+"\n"+stderr, 30))}
	}
	o := Outcome{Report: report, Details: fmt.Sprintf("Kubernetes %s: %s", kubernetesVersion, report.Details()), Err: report.Err()}
	if skipped := report.Skipped(); len(skipped) > 0 {
		o.Details += "; skipped: " + strings.Join(skipped, ", ")
	}
	if o.Err == nil && exitCode != 0 {
		o.Err = fmt.Errorf("kubeconform exited %d although its report shows no failure:\n%s", exitCode, textlines.Tail(stderr, 30))
	}
	return o
}
