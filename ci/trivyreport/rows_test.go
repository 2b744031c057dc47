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
	want := []summary.SeverityRow{{"CRITICAL", 0, 0, 0}, {"HIGH", 4, 4, 0}, {"MEDIUM", 4, 0, 0}, {"LOW", 11, 0, 0}, {"UNKNOWN", 0, 0, 0}}
	if len(rows) != len(want) {
		t.Fatalf("rows = %+v", rows)
	}
	for i := range want {
		if rows[i] != want[i] {
			t.Errorf("row %d = %+v, want %+v", i, rows[i], want[i])
		}
	}
}
