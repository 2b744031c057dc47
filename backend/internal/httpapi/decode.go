package httpapi

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"reflect"
	"strings"
)

// maxBodyBytes caps request bodies at 1 MiB; larger ones get 413.
const maxBodyBytes = 1 << 20

// readJSON returns the request body after checking the media type (415) and
// the size (413); decodeBody then parses it.
func readJSON(w http.ResponseWriter, r *http.Request) ([]byte, *apiError) {
	mediaType, _, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if err != nil || mediaType != "application/json" {
		return nil, errorf(http.StatusUnsupportedMediaType, "unsupported_media_type",
			"Content-Type must be application/json")
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxBodyBytes))
	if err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			return nil, errorf(http.StatusRequestEntityTooLarge, "payload_too_large",
				fmt.Sprintf("request body must be at most %d bytes", maxBodyBytes))
		}
		return nil, errorf(http.StatusBadRequest, "invalid_json", "could not read request body")
	}
	return body, nil
}

// decodeBody reads exactly one JSON object into dst, refusing malformed JSON,
// unknown fields, null values and trailing data (400).
func decodeBody(body []byte, dst any) *apiError {
	if len(bytes.TrimSpace(body)) == 0 {
		return errorf(http.StatusBadRequest, "invalid_json", "request body must be a JSON object")
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.DisallowUnknownFields()
	if err := dec.Decode(dst); err != nil {
		return jsonError(err)
	}
	if _, err := dec.Token(); err != io.EOF {
		return errorf(http.StatusBadRequest, "invalid_json", "request body must hold a single JSON object")
	}
	return exactFieldNames(body, dst)
}

// exactFieldNames refuses keys that encoding/json matched case-insensitively
// ("TITLE" for "title"): a field is known only under its exact name.
func exactFieldNames(body []byte, dst any) *apiError {
	var keys map[string]json.RawMessage
	if err := json.Unmarshal(body, &keys); err != nil {
		return errorf(http.StatusBadRequest, "invalid_json", "request body must be a JSON object")
	}
	known := map[string]bool{}
	t := reflect.TypeOf(dst).Elem()
	for i := range t.NumField() {
		name, _, _ := strings.Cut(t.Field(i).Tag.Get("json"), ",")
		known[name] = true
	}
	for k := range keys {
		if !known[k] {
			return errorf(http.StatusBadRequest, "unknown_field", fmt.Sprintf("unknown field %q", k))
		}
	}
	return nil
}

// jsonError explains a decoding failure without echoing the body back.
func jsonError(err error) *apiError {
	var syntax *json.SyntaxError
	var typeErr *json.UnmarshalTypeError
	var fieldErr *fieldError
	switch {
	case errors.As(err, &fieldErr):
		return errorf(http.StatusBadRequest, "invalid_value", fieldErr.Error())
	case errors.As(err, &syntax):
		return errorf(http.StatusBadRequest, "invalid_json", fmt.Sprintf("malformed JSON at byte %d", syntax.Offset))
	case errors.As(err, &typeErr):
		if typeErr.Field == "" {
			return errorf(http.StatusBadRequest, "invalid_json", "request body must be a JSON object")
		}
		return errorf(http.StatusBadRequest, "invalid_value",
			fmt.Sprintf("field %q must be a JSON %s", typeErr.Field, jsonKind(typeErr.Type.Kind().String())))
	case errors.Is(err, io.ErrUnexpectedEOF):
		return errorf(http.StatusBadRequest, "invalid_json", "malformed JSON: unexpected end of input")
	case strings.HasPrefix(err.Error(), "json: unknown field "):
		field := strings.TrimPrefix(err.Error(), "json: unknown field ")
		return errorf(http.StatusBadRequest, "unknown_field", "unknown field "+field)
	}
	return errorf(http.StatusBadRequest, "invalid_json", "malformed JSON")
}

func jsonKind(goKind string) string {
	switch goKind {
	case "bool":
		return "boolean"
	case "string":
		return "string"
	}
	return "value of the right type"
}
