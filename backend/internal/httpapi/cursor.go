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

func decodeCursor(s string) (int64, bool) {
	// Strict: the lax decoder also takes "djE6OB" for "djE6OA" (nonzero
	// trailing bits), which would give one position two cursors.
	raw, err := base64.RawURLEncoding.Strict().DecodeString(s)
	if err != nil {
		return 0, false
	}
	num, ok := strings.CutPrefix(string(raw), cursorPrefix)
	if !ok {
		return 0, false
	}
	id, err := strconv.ParseInt(num, 10, 64)
	if err != nil || id <= 0 || strconv.FormatInt(id, 10) != num {
		return 0, false
	}
	return id, true
}
