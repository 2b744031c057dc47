package httpapi

import (
	"strconv"
	"unicode/utf8"

	"github.com/devsecops-reference/taskboard/backend/internal/task"
)

// appendTask and appendListResponse write what encoding/json writes for a
// task and a page, byte for byte (FuzzTaskJSON holds them to it), without
// reflection or time.Time's MarshalJSON, whose output encoding/json copies
// through its compactor: that was a third of the list's CPU (make
// bench-backend-profile). ok is false for a time outside years 0-9999, which
// encoding/json refuses: the caller falls back to it, refusal included.

func appendListResponse(b []byte, r listResponse) ([]byte, bool) {
	b = append(b, `{"items":[`...)
	for i, t := range r.Items {
		if i > 0 {
			b = append(b, ',')
		}
		var ok bool
		if b, ok = appendTask(b, t); !ok {
			return b, false
		}
	}
	b = append(b, `],"nextCursor":`...)
	if r.NextCursor == nil {
		b = append(b, "null"...)
	} else {
		b = appendJSONString(b, *r.NextCursor)
	}
	return append(b, '}'), true
}

func appendTask(b []byte, t task.Task) ([]byte, bool) {
	b = append(b, `{"id":`...)
	b = strconv.AppendInt(b, t.ID, 10)
	b = append(b, `,"title":`...)
	b = appendJSONString(b, t.Title)
	b = append(b, `,"done":`...)
	b = strconv.AppendBool(b, t.Done)
	b = append(b, `,"createdAt":`...)
	created := len(b)
	b, ok := appendJSONTime(b, t.CreatedAt)
	createdText := b[created:]
	b = append(b, `,"updatedAt":`...)
	if t.UpdatedAt == t.CreatedAt {
		// The same instant in the same Location (==, not Equal): the same
		// text. A task never updated, most of them, formats one time, not two.
		b = append(b, createdText...)
	} else {
		var ok2 bool
		b, ok2 = appendJSONTime(b, t.UpdatedAt)
		ok = ok && ok2
	}
	return append(b, '}'), ok
}

const hexDigits = "0123456789abcdef"

// appendJSONString quotes s as encoding/json does by default: HTML-safe
// (<, > and & escaped), invalid UTF-8 as U+FFFD, U+2028 and U+2029 escaped.
func appendJSONString(b []byte, s string) []byte {
	b = append(b, '"')
	start := 0
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			if c >= 0x20 && c != '"' && c != '\\' && c != '<' && c != '>' && c != '&' {
				i++
				continue
			}
			b = append(b, s[start:i]...)
			switch c {
			case '"', '\\':
				b = append(b, '\\', c)
			case '\b':
				b = append(b, '\\', 'b')
			case '\f':
				b = append(b, '\\', 'f')
			case '\n':
				b = append(b, '\\', 'n')
			case '\r':
				b = append(b, '\\', 'r')
			case '\t':
				b = append(b, '\\', 't')
			default:
				b = append(b, '\\', 'u', '0', '0', hexDigits[c>>4], hexDigits[c&0xF])
			}
			i++
			start = i
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 {
			b = append(b, s[start:i]...)
			b = append(b, `\ufffd`...)
			i += size
			start = i
			continue
		}
		if r == '\u2028' || r == '\u2029' {
			b = append(b, s[start:i]...)
			b = append(b, '\\', 'u', '2', '0', '2', hexDigits[r&0xF])
			i += size
			start = i
			continue
		}
		i += size
	}
	b = append(b, s[start:]...)
	return append(b, '"')
}
