package httpapi

import (
	"testing"
	"time"
)

// TestUTCTimesAsTheStandardLibrary holds the UTC encoder to the standard
// library: civilDate on every day of years 0-9999, the whole encoding on
// every 97th day (each at another time of day and fraction), and on the
// edges of days, years and fractions.
func TestUTCTimesAsTheStandardLibrary(t *testing.T) {
	check := func(tm time.Time) {
		t.Helper()
		if got, want := string(appendRFC3339NanoUTC(nil, tm)), tm.Format(time.RFC3339Nano); got != want {
			t.Fatalf("%d s %d ns: got %s, want %s", tm.Unix(), tm.Nanosecond(), got, want)
		}
	}
	first := time.Date(0, time.January, 1, 0, 0, 0, 0, time.UTC).Unix() / secondsPerDay
	last := time.Date(9999, time.December, 31, 0, 0, 0, 0, time.UTC).Unix() / secondsPerDay
	if days := last - first + 1; days != 3652425 { // 10,000 Gregorian years
		t.Fatalf("%d days in years 0-9999", days)
	}
	for d := first; d <= last; d++ {
		tm := time.Unix(d*secondsPerDay, 0).UTC()
		wy, wm, wd := tm.Date()
		if y, m, day := civilDate(d); y != wy || m != int(wm) || day != wd {
			t.Fatalf("day %d: civilDate %04d-%02d-%02d, want %s", d, y, m, day, tm.Format(time.DateOnly))
		}
		if d%97 == 0 {
			check(time.Unix(d*secondsPerDay+(d*7919)%secondsPerDay, (d*104729)%1e9).UTC())
		}
	}
	for _, s := range []string{
		"0000-01-01T00:00:00Z", "0000-02-29T23:59:59.999999999Z", "1969-12-31T23:59:59.999999999Z",
		"1970-01-01T00:00:00Z", "1970-01-01T00:00:00.1Z", "2000-02-29T12:00:00.000000001Z",
		"2026-12-01T16:03:37.12345Z", "9999-12-31T23:59:59.999999999Z",
	} {
		tm, err := time.Parse(time.RFC3339Nano, s)
		if err != nil {
			t.Fatal(err)
		}
		check(tm)
	}
}

// A time in another zone, or outside years 0-9999, keeps encoding/json's answer.
func TestJSONTimeOtherZonesAndRange(t *testing.T) {
	tm := time.Date(2026, 3, 4, 5, 6, 7, 8000, time.FixedZone("", -(3*3600+30*60)))
	if got, ok := appendJSONTime(nil, tm); !ok || string(got) != `"2026-03-04T05:06:07.000008-03:30"` {
		t.Fatalf("fixed zone: %s, %v", got, ok)
	}
	for _, y := range []int{-1, 10000} {
		if _, ok := appendJSONTime(nil, time.Date(y, 1, 1, 0, 0, 0, 0, time.UTC)); ok {
			t.Fatalf("year %d accepted", y)
		}
	}
	// The UTC path's bounds, to the nanosecond.
	for _, c := range []struct {
		t  time.Time
		ok bool
	}{
		{time.Date(0, 1, 1, 0, 0, 0, 0, time.UTC), true},
		{time.Date(0, 1, 1, 0, 0, 0, 0, time.UTC).Add(-time.Nanosecond), false},
		{time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC).Add(-time.Nanosecond), true},
		{time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC), false},
	} {
		if _, ok := appendJSONTime(nil, c.t); ok != c.ok {
			t.Errorf("%s: ok %v, want %v", c.t.Format(time.RFC3339Nano), ok, c.ok)
		}
	}
}
