package task

import "testing"

func TestPageOfCutsAtTheLimitAndPointsPastIt(t *testing.T) {
	items := []Task{{ID: 9}, {ID: 7}, {ID: 4}}
	if p := PageOf(items, 2); len(p.Items) != 2 || p.Items[1].ID != 7 || p.NextAfterID != 7 {
		t.Fatalf("one task beyond the limit: %+v, want tasks 9 and 7, next after 7", p)
	}
	for _, limit := range []int{3, 5} {
		if p := PageOf(items, limit); len(p.Items) != 3 || p.NextAfterID != 0 {
			t.Fatalf("limit %d: %+v, want all three tasks and no next page", limit, p)
		}
	}
}
