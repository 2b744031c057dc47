package releaseplan

import (
	"testing"
	"time"
)

func TestNewMetaDefaultsToTheSHAAndNow(t *testing.T) {
	now := time.Date(2026, 12, 1, 16, 0, 0, 0, time.FixedZone("CET", 3600))
	m, err := NewMeta("abc1234", "", "", now)
	if err != nil {
		t.Fatal(err)
	}
	if m.Version != "abc1234" || m.BuildTime != "2026-12-01T15:00:00Z" || !m.Epoch.Equal(now) {
		t.Fatalf("%+v", m)
	}
	if _, err := NewMeta("abc1234", "1.0", "yesterday", now); err == nil {
		t.Fatal("a build time that is not RFC 3339 was accepted")
	}
}
