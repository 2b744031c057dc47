package app

import (
	"runtime/debug"
	"testing"
)

func TestTuneGCLeavesAnOperatorsGOGCAlone(t *testing.T) {
	defer debug.SetGCPercent(debug.SetGCPercent(100))
	for gogc, want := range map[string]int{"": defaultGCPercent, "150": 100, "off": 100} {
		debug.SetGCPercent(100) // as the runtime starts without GOGC
		tuneGC(func(name string) string {
			if name == "GOGC" {
				return gogc
			}
			return ""
		})
		if got := debug.SetGCPercent(100); got != want {
			t.Errorf("GOGC=%q: GC percent %d after tuneGC, want %d", gogc, got, want)
		}
	}
}
