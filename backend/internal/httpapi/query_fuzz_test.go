package httpapi

import (
	"net/url"
	"strconv"
	"testing"
)

// listQueryCodes are the only rejections a list query may get.
var listQueryCodes = map[string]bool{"invalid_query": true, "invalid_value": true, "invalid_cursor": true}

// FuzzListQuery feeds arbitrary query strings to the list's parser. Whatever
// the input, the outcome is a 400 with one of the list's codes, or a query
// within bounds that the parser reads back the same from a clean encoding.
// Seeds live in testdata/fuzz/FuzzListQuery.
func FuzzListQuery(f *testing.F) {
	f.Fuzz(func(t *testing.T, raw string) {
		q, e := parseListQuery(raw)
		if e != nil {
			checkRejection(t, e)
			if !listQueryCodes[e.Code] {
				t.Fatalf("list query %q rejected with code %q", raw, e.Code)
			}
			if _, err := url.ParseQuery(raw); (err != nil) != (e.Code == "invalid_query") {
				t.Fatalf("%q: code %q, but url.ParseQuery says %v", raw, e.Code, err)
			}
			return
		}
		if q.Limit < 1 || q.Limit > maxLimit || q.AfterID < 0 {
			t.Fatalf("%q gave out-of-bounds %+v", raw, q)
		}
		clean := url.Values{"limit": {strconv.Itoa(q.Limit)}}
		if q.AfterID > 0 {
			clean.Set("cursor", encodeCursor(q.AfterID))
		}
		if q.Done != nil {
			clean.Set("done", strconv.FormatBool(*q.Done))
		}
		again, e := parseListQuery(clean.Encode())
		if e != nil || again.Limit != q.Limit || again.AfterID != q.AfterID || (again.Done == nil) != (q.Done == nil) ||
			(q.Done != nil && *again.Done != *q.Done) {
			t.Fatalf("%q gave %+v, its clean encoding %q gave %+v, %v", raw, q, clean.Encode(), again, e)
		}
	})
}

// FuzzCursor: a cursor is accepted only in the exact form the API hands out,
// so each accepted cursor names one positive id and encodes back to itself.
func FuzzCursor(f *testing.F) {
	f.Fuzz(func(t *testing.T, s string) {
		id, ok := decodeCursor(s)
		if !ok {
			return
		}
		if id <= 0 {
			t.Fatalf("cursor %q accepted with id %d", s, id)
		}
		if again := encodeCursor(id); again != s {
			t.Fatalf("cursor %q (id %d) encodes back as %q: two cursors for one position", s, id, again)
		}
	})
}

// TestCursorRoundTrip: every id the store can hand out survives the cursor.
func TestCursorRoundTrip(t *testing.T) {
	for _, id := range []int64{1, 9, 10, 50, 1 << 31, 1<<63 - 1} {
		if got, ok := decodeCursor(encodeCursor(id)); !ok || got != id {
			t.Errorf("cursor of %d decodes to %d, %v", id, got, ok)
		}
	}
	if _, ok := decodeCursor(""); ok {
		t.Error("the empty cursor was accepted")
	}
}
