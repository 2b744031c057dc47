package junit

import (
	"strings"

	"dagger/pipeline/summary"
)

// FromStages makes one suite with one case per stage: a failed stage is a failure whose message
// is the first line of its error and whose text is the whole error (each stage's error already
// ends with the tail of its tool's log); a skipped stage says why. findings are extra suites,
// e.g. one failed case per policy violation, appended after the stages.
func FromStages(name string, s summary.Summary, findings ...Suite) Suites {
	suite := Suite{Name: name}
	var total int64
	for _, st := range s.Stages {
		total += int64(st.Duration)
		tc := Case{Name: st.Name, Classname: name, Time: Seconds(st.Duration), SystemOut: st.Details}
		switch st.Status {
		case summary.Failed:
			text := "failed"
			if st.Err != nil {
				text = st.Err.Error()
			}
			tc.Failure = &Problem{Message: firstLine(text), Type: "StageFailed", Text: text}
		case summary.Skipped:
			tc.Skipped = &Problem{Message: st.Details}
		}
		suite.Cases = append(suite.Cases, tc)
	}
	out := Suites{Name: name, Suites: []Suite{suite}}
	for _, f := range findings {
		if len(f.Cases) > 0 {
			out.Suites = append(out.Suites, f)
		}
	}
	return out
}

func firstLine(s string) string {
	line, _, _ := strings.Cut(strings.TrimSpace(s), "\n")
	return line
}
