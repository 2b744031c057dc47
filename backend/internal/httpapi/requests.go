package httpapi

import (
	"encoding/json"
	"net/http"

	"github.com/devsecops-reference/taskboard/backend/internal/task"
)

// optional records whether a JSON field was present, and refuses null:
// in a PATCH, "absent" means "keep", and null has no meaning.
type optional[T any] struct {
	Set   bool
	Value T
}

// fieldError is a present field with an unusable value.
type fieldError struct{ msg string }

func (e *fieldError) Error() string { return e.msg }

func (o *optional[T]) UnmarshalJSON(data []byte) error {
	if string(data) == "null" {
		return &fieldError{msg: "fields must not be null: omit a field instead"}
	}
	if err := json.Unmarshal(data, &o.Value); err != nil {
		return err
	}
	o.Set = true
	return nil
}

type createTaskRequest struct {
	Title optional[string] `json:"title"`
	Done  optional[bool]   `json:"done"`
}

type patchTaskRequest struct {
	Title optional[string] `json:"title"`
	Done  optional[bool]   `json:"done"`
}

// validate turns a decoded body into a task.New, or a 400.
func (req createTaskRequest) validate() (task.New, *apiError) {
	if !req.Title.Set {
		return task.New{}, errorf(http.StatusBadRequest, "invalid_value", "title is required")
	}
	title, err := task.NormalizeTitle(req.Title.Value)
	if err != nil {
		return task.New{}, errorf(http.StatusBadRequest, "invalid_value", err.Error())
	}
	return task.New{Title: title, Done: req.Done.Value}, nil
}

// validate turns a decoded body into a task.Patch, or a 400.
func (req patchTaskRequest) validate() (task.Patch, *apiError) {
	var p task.Patch
	if !req.Title.Set && !req.Done.Set {
		return p, errorf(http.StatusBadRequest, "invalid_value", `set at least one of "title" and "done"`)
	}
	if req.Title.Set {
		title, err := task.NormalizeTitle(req.Title.Value)
		if err != nil {
			return p, errorf(http.StatusBadRequest, "invalid_value", err.Error())
		}
		p.Title = &title
	}
	if req.Done.Set {
		done := req.Done.Value
		p.Done = &done
	}
	return p, nil
}

// decodeCreate and decodePatch are the whole path from body bytes to a
// validated value; the handlers and the fuzz targets share them.
func decodeCreate(body []byte) (task.New, *apiError) {
	var req createTaskRequest
	if e := decodeBody(body, &req); e != nil {
		return task.New{}, e
	}
	return req.validate()
}

func decodePatch(body []byte) (task.Patch, *apiError) {
	var req patchTaskRequest
	if e := decodeBody(body, &req); e != nil {
		return task.Patch{}, e
	}
	return req.validate()
}
