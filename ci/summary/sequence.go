package summary

import "fmt"

// RunInOrder runs the tasks one after another, each a stage of the summary, and stops at the
// first failure: a release must not push what failed its scan. The error names the task.
func (s *Summary) RunInOrder(tasks ...Task) error {
	for _, t := range tasks {
		st := Run(t.Name, t.Run)
		s.Stages = append(s.Stages, st)
		if st.Err != nil {
			return fmt.Errorf("%s: %w", t.Name, st.Err)
		}
	}
	return nil
}

// Skip records a stage that did not run, and why.
func (s *Summary) Skip(name, why string) {
	s.Stages = append(s.Stages, Stage{Name: name, Status: Skipped, Details: why})
}
