package pipelinecheck

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"gopkg.in/yaml.v3"
)

// Schedule is one entry of a pipeline's `schedules:`.
type Schedule struct {
	Cron     string
	Branches []string // branches.include
	Always   bool
}

// Schedules returns a pipeline's scheduled triggers, in file order.
func Schedules(data []byte) ([]Schedule, error) {
	var doc struct {
		Schedules []struct {
			Cron     string `yaml:"cron"`
			Branches struct {
				Include []string `yaml:"include"`
			} `yaml:"branches"`
			Always bool `yaml:"always"`
		} `yaml:"schedules"`
	}
	if err := yaml.Unmarshal(data, &doc); err != nil {
		return nil, fmt.Errorf("pipeline YAML: %w", err)
	}
	var out []Schedule
	for _, s := range doc.Schedules {
		out = append(out, Schedule{Cron: s.Cron, Branches: s.Branches.Include, Always: s.Always})
	}
	return out, nil
}

// Weekly reads a cron that fires once a week, "MINUTE HOUR * * DAY" (Azure's cron is UTC; DAY is
// 0-6 from Sunday, or Sun-Sat). Anything else (ranges, lists, steps, several days) is refused:
// a check of the time it fires must see exactly one time.
func Weekly(cron string) (day time.Weekday, hour, minute int, err error) {
	f := strings.Fields(cron)
	if len(f) != 5 || f[2] != "*" || f[3] != "*" {
		return 0, 0, 0, fmt.Errorf("cron %q: want MINUTE HOUR * * DAY, once a week", cron)
	}
	if minute, err = strconv.Atoi(f[0]); err != nil || minute < 0 || minute > 59 {
		return 0, 0, 0, fmt.Errorf("cron %q: minute %q is not 0-59", cron, f[0])
	}
	if hour, err = strconv.Atoi(f[1]); err != nil || hour < 0 || hour > 23 {
		return 0, 0, 0, fmt.Errorf("cron %q: hour %q is not 0-23", cron, f[1])
	}
	if n, err := strconv.Atoi(f[4]); err == nil && n >= 0 && n <= 6 {
		return time.Weekday(n), hour, minute, nil
	}
	for d := time.Sunday; d <= time.Saturday; d++ {
		if strings.EqualFold(f[4], d.String()[:3]) {
			return d, hour, minute, nil
		}
	}
	return 0, 0, 0, fmt.Errorf("cron %q: day %q is not one day, 0-6 or Sun-Sat", cron, f[4])
}
