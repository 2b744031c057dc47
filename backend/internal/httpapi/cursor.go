package httpapi

import (
	"encoding/base64"
	"strconv"
	"strings"
)

// The cursor is opaque to clients: base64url of "v1:<last id seen>". The
// version prefix lets the format change without misreading old cursors.
const cursorPrefix = "v1:"

func encodeCursor(afterID int64) string {
	return base64.RawURLEncoding.EncodeToString([]byte(cursorPrefix + strconv.FormatInt(afterID, 10)))
}

// decodeCursor accepts a cursor only in the exact form encodeCursor hands
// out. The decoder alone would give one position several cursors: it skips
// \r and \n anywhere ("djE6N\nA" for "djE6NA"), and, lax, takes nonzero
// trailing bits ("djE6OB" for "djE6OA").
func decodeCursor(s string) (int64, bool) {
	raw, err := base64.RawURLEncoding.Strict().DecodeString(s)
	if err != nil {
		return 0, false
	}
	num, ok := strings.CutPrefix(string(raw), cursorPrefix)
	if !ok {
		return 0, false
	}
	id, err := strconv.ParseInt(num, 10, 64)
	if err != nil || id <= 0 || encodeCursor(id) != s {
		return 0, false
	}
	return id, true
}
