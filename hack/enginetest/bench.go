package main

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"dagger/pipeline/summary"
)

// figure is one measured number of make bench-pipeline, printed beside its goal with the stages
// that took longest (from the summary the call exported).
type figure struct {
	name   string
	took   time.Duration
	goal   time.Duration
	stages []stageTime
}

type stageTime struct {
	name string
	took time.Duration
}

// benchScenarios are issue 27's figures, in an order where each starts from what the previous
// left in the engine: the first on an engine whose state make bench-pipeline emptied.
var benchScenarios = []scenario{
	{"fresh engine: module load + validate-reports, the PR pipeline as written", benchFresh},
	{"warm engine, nothing changed", func(e *env) error { return e.benchValidate("warm engine, nothing changed", 10*time.Second, nil) }},
	{"warm engine, one backend file changed", func(e *env) error {
		return e.benchValidate("warm engine, one backend file changed", 45*time.Second, &backendChange)
	}},
	{"warm engine, one frontend file changed", func(e *env) error {
		return e.benchValidate("warm engine, one frontend file changed", 45*time.Second, &frontendChange)
	}},
	{"warm engine, only docs changed", func(e *env) error {
		return e.benchValidate("warm engine, only docs changed", 15*time.Second, &docsChange)
	}},
	{"release, warm engine, one backend file changed", benchRelease},
}

// benchFresh is the pull-request pipeline on the engine run.sh emptied. With ENGINE_RESET=true
// (no reset: a quick rerun of the warm figures) it is only the warm-up, and says so.
func benchFresh(e *env) error {
	if os.Getenv("ENGINE_EMPTIED") != "1" {
		return e.benchValidate("first run on this engine, NOT emptied (the warm-up)", 0, nil)
	}
	return e.benchValidate("fresh engine: PR pipeline (module load + validate-reports)", 4*time.Minute, nil)
}

// benchValidate runs the pull-request call on the shared clean tree, or on a copy with one
// change, and records its wall time.
func (e *env) benchValidate(name string, goal time.Duration, c *change) error {
	dir, err := e.clean()
	if err == nil && c != nil {
		if dir, err = e.copyOf("bench-" + c.kind); err == nil {
			err = c.apply(dir)
		}
	}
	if err != nil {
		return err
	}
	out := filepath.Join(e.work, "bench-reports-"+strings.ReplaceAll(name, " ", "-"))
	call := e.call(dir, nil, "validate-reports", "export", "--path", out)
	if call.err != nil {
		return call.err
	}
	if status, err := os.ReadFile(filepath.Join(out, "status")); err != nil || strings.TrimSpace(string(status)) != "passed" {
		return fmt.Errorf("validate-reports status %q (%v): a benchmark of a failing validation measures nothing", status, err)
	}
	return e.record(name, goal, call.took, filepath.Join(out, "summary.md"))
}

// benchRelease warms the engine with a release of the clean tree (printed, no goal), then
// releases a copy with one backend change: the main pipeline after a typical merge.
func benchRelease(e *env) error {
	dir, err := e.clean()
	if err != nil {
		return err
	}
	out := filepath.Join(e.work, "bench-release-clean")
	_, warm, err := e.release(dir, out, nil, nil)
	if err != nil {
		return err
	}
	if err := e.record("release, warm engine, nothing changed (the warm-up)", 0, warm.took, filepath.Join(out, "summary.md")); err != nil {
		return err
	}
	changed, err := e.copyOf("bench-release-backend")
	if err == nil {
		err = backendChange.apply(changed)
	}
	if err != nil {
		return err
	}
	out = filepath.Join(e.work, "bench-release-backend")
	_, c, err := e.release(changed, out, nil, nil)
	if err != nil {
		return err
	}
	return e.record("release, warm engine, one backend file changed", 75*time.Second, c.took, filepath.Join(out, "summary.md"))
}

func (e *env) record(name string, goal, took time.Duration, summaryPath string) error {
	md, err := os.ReadFile(summaryPath)
	if err != nil {
		return err
	}
	stages, err := stageTimes(string(md))
	if err != nil {
		return fmt.Errorf("%s: %w", summaryPath, err)
	}
	e.figures = append(e.figures, figure{name: name, took: took, goal: goal, stages: stages})
	return nil
}

// stageTimes reads the stage table of a summary (summary.Markdown), the first table, longest
// first.
func stageTimes(md string) ([]stageTime, error) {
	var out []stageTime
	inTable := false
	for _, line := range strings.Split(md, "\n") {
		if !strings.HasPrefix(line, "|") {
			if inTable {
				break // the stage table ended; the tables after it are not stages
			}
			continue
		}
		inTable = true
		// summary.Cell escapes a pipe inside a cell as \|.
		cells := strings.Split(strings.Trim(strings.ReplaceAll(strings.TrimSpace(line), `\|`, "/"), "|"), "|")
		if len(cells) != 4 {
			continue
		}
		d, err := time.ParseDuration(strings.TrimSpace(cells[3])) // FormatDuration's "12.3s", "2m05.0s"
		if err != nil {
			continue // the header and its rule
		}
		out = append(out, stageTime{strings.TrimSpace(cells[0]), d})
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("no stage table")
	}
	slices.SortStableFunc(out, func(a, b stageTime) int { return int(b.took - a.took) })
	return out, nil
}

// printFigures is the table make bench-pipeline ends with.
func printFigures(figures []figure) {
	fmt.Printf("bench-pipeline (load %s):\n", loadAverage())
	for _, f := range figures {
		verdict := ""
		if f.goal > 0 {
			verdict = fmt.Sprintf("  goal <= %s: %s", f.goal, map[bool]string{true: "met", false: "NOT met"}[f.took <= f.goal])
		}
		fmt.Printf("  %-62s %8s%s\n", f.name, f.took.Round(100*time.Millisecond), verdict)
		var top []string
		for i, s := range f.stages {
			if i == 3 {
				break
			}
			top = append(top, fmt.Sprintf("%s %s", s.name, summary.FormatDuration(s.took)))
		}
		var sum time.Duration
		for _, s := range f.stages {
			sum += s.took
		}
		// validate's stages run at once (the call lasts about its longest stage), the release's
		// one after another (about their sum): the rest is module load, session and export.
		fmt.Printf("      slowest stages: %s; all %d stages: longest %s, sum %s\n",
			strings.Join(top, ", "), len(f.stages), summary.FormatDuration(f.stages[0].took), summary.FormatDuration(sum))
	}
}

func loadAverage() string {
	data, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return "unknown"
	}
	return strings.Join(strings.Fields(string(data))[:3], " ")
}
