// Package kyvernoreport reads the result line of `kyverno apply` and the violations it printed.
package kyvernoreport

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"

	"dagger/pipeline/textlines"
)

// Counts is the result line `kyverno apply` prints last:
// "pass: 12, fail: 0, warn: 0, error: 0, skip: 3".
type Counts struct {
	Pass, Fail, Warn, Error, Skip int
}

var countsLine = regexp.MustCompile(`(?m)^pass: (\d+), fail: (\d+), warn: (\d+), error: (\d+), skip: (\d+)\s*$`)

// Parse finds the result line in the CLI's output. Output without one is an error: the CLI
// stopped before it applied anything (a bad policy file, a crash).
func Parse(output string) (Counts, error) {
	m := countsLine.FindAllStringSubmatch(output, -1)
	if len(m) == 0 {
		return Counts{}, fmt.Errorf("kyverno apply printed no result line; output:\n%s", textlines.Tail(output, 30))
	}
	last := m[len(m)-1]
	n := make([]int, 5)
	for i := range n {
		n[i], _ = strconv.Atoi(last[i+1])
	}
	return Counts{Pass: n[0], Fail: n[1], Warn: n[2], Error: n[3], Skip: n[4]}, nil
}

// Add sums two results, for a policy set applied to several renderings one at a time.
func (c Counts) Add(o Counts) Counts {
	return Counts{c.Pass + o.Pass, c.Fail + o.Fail, c.Warn + o.Warn, c.Error + o.Error, c.Skip + o.Skip}
}

func (c Counts) String() string {
	return fmt.Sprintf("pass %d, fail %d, warn %d, error %d, skip %d", c.Pass, c.Fail, c.Warn, c.Error, c.Skip)
}

var ruleLine = regexp.MustCompile(`^\d+ - `)

// Violations returns the "policy X -> resource Y failed:" blocks of the output.
func Violations(output string) []string {
	var out []string
	lines := strings.Split(output, "\n")
	for i := 0; i < len(lines); i++ {
		if !strings.HasPrefix(lines[i], "policy ") || !strings.Contains(lines[i], " failed") {
			continue
		}
		block := []string{lines[i]}
		for i+1 < len(lines) && ruleLine.MatchString(lines[i+1]) {
			i++
			block = append(block, "  "+lines[i])
		}
		out = append(out, strings.Join(block, "\n"))
	}
	return out
}

// Gate fails on any violation or error, and when no rule passed at all (the policies matched
// nothing, which means the stage checked nothing).
func Gate(output string, exitCode int) (Counts, error) {
	c, err := Parse(output)
	if err != nil {
		return c, err
	}
	switch {
	case c.Fail > 0 || c.Error > 0:
		return c, fmt.Errorf("kyverno: %s\n%s", c, strings.Join(Violations(output), "\n"))
	case exitCode != 0:
		return c, fmt.Errorf("kyverno apply exited %d (%s):\n%s", exitCode, c, textlines.Tail(output, 30))
	case c.Pass == 0:
		return c, fmt.Errorf("kyverno: no rule passed (%s): the policies matched no resource", c)
	}
	return c, nil
}
