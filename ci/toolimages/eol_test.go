package toolimages

import (
	"testing"
	"time"
)

// TestPinnedRuntimesAreSupported fails once a runtime a pinned image carries is past its end of
// life (eol.go), and when a pinned image has no entry there, so a new pin cannot skip the table.
func TestPinnedRuntimesAreSupported(t *testing.T) {
	now := time.Now().UTC()
	pinned := map[string]bool{}
	for _, ref := range Pinned {
		pinned[ref] = true
		s, ok := pinSupport[ref]
		switch {
		case !ok:
			t.Errorf("%s is pinned but has no entry in eol.go's pinSupport: name the runtimes it carries, with their end-of-life dates", ref)
			continue
		case len(s.Runtimes) == 0 && s.NoDate == "":
			t.Errorf("%s: eol.go names no runtime and gives no reason for having none", ref)
		case len(s.Runtimes) > 0 && s.NoDate != "":
			t.Errorf("%s: eol.go names runtimes and a reason for having none", ref)
		}
		for _, r := range s.Runtimes {
			eol, err := time.Parse(time.DateOnly, r.EndOfLife)
			if err != nil || r.Name == "" {
				t.Errorf("%s: runtime %q has end of life %q: want a name and YYYY-MM-DD (%v)", ref, r.Name, r.EndOfLife, err)
				continue
			}
			// Supported through its last day.
			if !now.Before(eol.AddDate(0, 0, 1)) {
				t.Errorf("%s is past its end of life (%s): %s pins it; move the pin to a supported release line and update eol.go",
					r.Name, r.EndOfLife, ref)
			} else if left := eol.Sub(now); left < 90*24*time.Hour {
				t.Logf("%s (%s) reaches its end of life on %s, in %d days", r.Name, ref, r.EndOfLife, int(left.Hours()/24)+1)
			}
		}
	}
	for ref := range pinSupport {
		if !pinned[ref] {
			t.Errorf("eol.go has an entry for %s, which is not in Pinned", ref)
		}
	}
}
