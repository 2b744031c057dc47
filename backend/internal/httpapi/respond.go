package httpapi

import (
	"encoding/json"
	"net/http"
	"strconv"
	"sync"

	"github.com/devsecops-reference/taskboard/backend/internal/task"
)

// apiError is an error the client sees as {"error":{"code","message"}}.
type apiError struct {
	Status  int    `json:"-"`
	Code    string `json:"code"`
	Message string `json:"message"`
}

func (e *apiError) Error() string { return e.Code + ": " + e.Message }

func errorf(status int, code, message string) *apiError {
	return &apiError{Status: status, Code: code, Message: message}
}

func writeJSON(w http.ResponseWriter, status int, body any) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("X-Content-Type-Options", "nosniff")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(body)
}

// encodeBuffers recycles the buffers of writeTask and writeList: a page of 50
// is about 7 KB, and allocating it per request showed in the profiles.
var encodeBuffers = sync.Pool{New: func() any { b := make([]byte, 0, 8<<10); return &b }}

// writeEncoded sends what appendBody wrote, or falls back to encoding/json
// (which then refuses the value just as before) when appendBody cannot.
func writeEncoded(w http.ResponseWriter, status int, body any, appendBody func([]byte) ([]byte, bool)) {
	buf := encodeBuffers.Get().(*[]byte)
	defer encodeBuffers.Put(buf)
	b, ok := appendBody((*buf)[:0])
	if !ok {
		writeJSON(w, status, body)
		return
	}
	b = append(b, '\n') // as json.Encoder ends each value
	*buf = b
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("X-Content-Type-Options", "nosniff")
	w.Header().Set("Content-Length", strconv.Itoa(len(b)))
	w.WriteHeader(status)
	_, _ = w.Write(b)
}

func writeTask(w http.ResponseWriter, status int, t task.Task) {
	writeEncoded(w, status, t, func(b []byte) ([]byte, bool) { return appendTask(b, t) })
}

func writeList(w http.ResponseWriter, r listResponse) {
	writeEncoded(w, http.StatusOK, r, func(b []byte) ([]byte, bool) { return appendListResponse(b, r) })
}

func writeError(w http.ResponseWriter, e *apiError) {
	writeJSON(w, e.Status, map[string]*apiError{"error": e})
}
