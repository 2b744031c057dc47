// Package junit writes and reads JUnit XML, the format Azure DevOps' PublishTestResults@2 shows
// in the Tests tab. The module writes its own stages with it; the Go and Vitest files come from
// gotestsum and Vitest's junit reporter and are read back with Parse (tests, summary counts).
package junit

import (
	"encoding/xml"
	"fmt"
	"time"
)

// Suites is the document root, <testsuites>.
type Suites struct {
	XMLName  xml.Name `xml:"testsuites"`
	Name     string   `xml:"name,attr,omitempty"`
	Tests    int      `xml:"tests,attr"`
	Failures int      `xml:"failures,attr"`
	Errors   int      `xml:"errors,attr"`
	Skipped  int      `xml:"skipped,attr"`
	Time     string   `xml:"time,attr,omitempty"`
	Suites   []Suite  `xml:"testsuite"`
}

// Suite is one <testsuite>.
type Suite struct {
	Name      string `xml:"name,attr"`
	Tests     int    `xml:"tests,attr"`
	Failures  int    `xml:"failures,attr"`
	Errors    int    `xml:"errors,attr"`
	Skipped   int    `xml:"skipped,attr"`
	Time      string `xml:"time,attr,omitempty"`
	Timestamp string `xml:"timestamp,attr,omitempty"`
	Cases     []Case `xml:"testcase"`
}

// Case is one <testcase>; at most one of Failure, Error and Skipped is set.
type Case struct {
	Name      string   `xml:"name,attr"`
	Classname string   `xml:"classname,attr"`
	Time      string   `xml:"time,attr,omitempty"`
	Failure   *Problem `xml:"failure"`
	Error     *Problem `xml:"error"`
	Skipped   *Problem `xml:"skipped"`
	SystemOut string   `xml:"system-out,omitempty"`
}

// Problem is a <failure>, <error> or <skipped>: a one-line message and the details as text.
type Problem struct {
	Message string `xml:"message,attr,omitempty"`
	Type    string `xml:"type,attr,omitempty"`
	Text    string `xml:",chardata"`
}

// Counts are what a file holds, counted from its test cases (not from the attributes a writer
// claims).
type Counts struct {
	Tests, Failures, Errors, Skipped int
}

func (c Counts) String() string {
	return fmt.Sprintf("%d tests, %d failures, %d errors, %d skipped", c.Tests, c.Failures, c.Errors, c.Skipped)
}

// Count counts the cases of every suite.
func (s Suites) Count() Counts {
	var c Counts
	for _, suite := range s.Suites {
		c = c.add(suite.Count())
	}
	return c
}

// Count counts the suite's cases.
func (s Suite) Count() Counts {
	c := Counts{Tests: len(s.Cases)}
	for _, tc := range s.Cases {
		switch {
		case tc.Failure != nil:
			c.Failures++
		case tc.Error != nil:
			c.Errors++
		case tc.Skipped != nil:
			c.Skipped++
		}
	}
	return c
}

func (c Counts) add(o Counts) Counts {
	return Counts{c.Tests + o.Tests, c.Failures + o.Failures, c.Errors + o.Errors, c.Skipped + o.Skipped}
}

// Seconds renders a duration the way JUnit readers expect: seconds with a decimal point.
func Seconds(d time.Duration) string {
	return fmt.Sprintf("%.3f", d.Seconds())
}
