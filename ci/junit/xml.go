package junit

import (
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
)

// Marshal renders the document with every suite's and the root's counts filled in from the
// cases, so the attributes can never disagree with what the file holds.
func Marshal(s Suites) ([]byte, error) {
	var total Counts
	for i := range s.Suites {
		c := s.Suites[i].Count()
		s.Suites[i].Tests, s.Suites[i].Failures, s.Suites[i].Errors, s.Suites[i].Skipped = c.Tests, c.Failures, c.Errors, c.Skipped
		total = total.add(c)
	}
	s.Tests, s.Failures, s.Errors, s.Skipped = total.Tests, total.Failures, total.Errors, total.Skipped
	out, err := xml.MarshalIndent(s, "", "  ")
	if err != nil {
		return nil, err
	}
	return append([]byte(xml.Header), append(out, '\n')...), nil
}

// Parse reads a JUnit file whose root is <testsuites> or a single <testsuite>. A file without
// any suite is an error: the writer stopped before it recorded anything.
func Parse(data []byte) (Suites, error) {
	var root struct{ XMLName xml.Name }
	if err := xml.Unmarshal(data, &root); err != nil {
		return Suites{}, fmt.Errorf("junit: %w", err)
	}
	var s Suites
	switch root.XMLName.Local {
	case "testsuites":
		if err := xml.NewDecoder(bytes.NewReader(data)).Decode(&s); err != nil {
			return Suites{}, fmt.Errorf("junit: %w", err)
		}
	case "testsuite":
		var one Suite
		if err := xml.Unmarshal(data, &one); err != nil {
			return Suites{}, fmt.Errorf("junit: %w", err)
		}
		s.Suites = []Suite{one}
	default:
		return Suites{}, fmt.Errorf("junit: root element is <%s>, want <testsuites> or <testsuite>", root.XMLName.Local)
	}
	if len(s.Suites) == 0 {
		return Suites{}, errors.New("junit: no <testsuite> in the file")
	}
	return s, nil
}
