package trivyreport

import (
	"testing"

	"dagger/pipeline/summary"
)

func TestSeverityRowsOfARealScan(t *testing.T) {
	r := load(t, "config-real.json")
	v, err := Evaluate(r, Policy{Severities: mustSeverities(t, "HIGH,CRITICAL"), Now: gateDay})
	if err != nil {
		t.Fatal(err)
	}
	rows := SeverityRows(v)
	want := []summary.SeverityRow{
		{Severity: "CRITICAL", Found: 0, Blocking: 0, Accepted: 0},
		{Severity: "HIGH", Found: 4, Blocking: 4, Accepted: 0},
		{Severity: "MEDIUM", Found: 4, Blocking: 0, Accepted: 0},
		{Severity: "LOW", Found: 11, Blocking: 0, Accepted: 0},
		{Severity: "UNKNOWN", Found: 0, Blocking: 0, Accepted: 0},
	}
	if len(rows) != len(want) {
		t.Fatalf("rows = %+v", rows)
	}
	for i := range want {
		if rows[i] != want[i] {
			t.Errorf("row %d = %+v, want %+v", i, rows[i], want[i])
		}
	}
}
