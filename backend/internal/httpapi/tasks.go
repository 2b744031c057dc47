package httpapi

import (
	"errors"
	"net/http"
	"strconv"

	"github.com/devsecops-reference/taskboard/backend/internal/task"
)

const (
	defaultLimit = 50
	maxLimit     = 200
)

type listResponse struct {
	Items      []task.Task `json:"items"`
	NextCursor *string     `json:"nextCursor"`
}

func handleListTasks(store TaskStore) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		q, e := parseListQuery(r.URL.RawQuery)
		if e != nil {
			writeError(w, e)
			return
		}
		page, err := store.List(r.Context(), q)
		if err != nil {
			writeStoreError(w, r, err)
			return
		}
		resp := listResponse{Items: page.Items}
		if resp.Items == nil {
			resp.Items = []task.Task{}
		}
		if page.NextAfterID > 0 {
			c := encodeCursor(page.NextAfterID)
			resp.NextCursor = &c
		}
		writeList(w, resp)
	})
}

// parseListQuery turns the list's query string into a task.ListQuery, or a 400.
// The handler and the fuzz target share it.
func parseListQuery(rawQuery string) (task.ListQuery, *apiError) {
	q := task.ListQuery{Limit: defaultLimit}
	values, e := parseQuery(rawQuery)
	if e != nil {
		return q, e
	}
	if raw := values.Get("limit"); raw != "" {
		n, err := strconv.Atoi(raw)
		if err != nil || n < 1 || n > maxLimit {
			return q, errorf(http.StatusBadRequest, "invalid_value",
				"limit must be a whole number between 1 and "+strconv.Itoa(maxLimit))
		}
		q.Limit = n
	}
	if raw := values.Get("cursor"); raw != "" {
		id, ok := decodeCursor(raw)
		if !ok {
			return q, errorf(http.StatusBadRequest, "invalid_cursor", "cursor is not one this API returned")
		}
		q.AfterID = id
	}
	if raw := values.Get("done"); raw != "" {
		done, err := strconv.ParseBool(raw)
		if err != nil || (raw != "true" && raw != "false") {
			return q, errorf(http.StatusBadRequest, "invalid_value", "done must be true or false")
		}
		q.Done = &done
	}
	return q, nil
}

func handleCreateTask(store TaskStore) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, e := readJSON(w, r)
		if e != nil {
			writeError(w, e)
			return
		}
		n, e := decodeCreate(body)
		if e != nil {
			writeError(w, e)
			return
		}
		t, err := store.Create(r.Context(), n)
		if err != nil {
			writeStoreError(w, r, err)
			return
		}
		w.Header().Set("Location", "/api/tasks/"+strconv.FormatInt(t.ID, 10))
		writeTask(w, http.StatusCreated, t)
	})
}

func handleGetTask(store TaskStore) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		id, e := taskID(r)
		if e != nil {
			writeError(w, e)
			return
		}
		t, err := store.Get(r.Context(), id)
		if err != nil {
			writeStoreError(w, r, err)
			return
		}
		writeTask(w, http.StatusOK, t)
	})
}

func handlePatchTask(store TaskStore) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		id, e := taskID(r)
		if e != nil {
			writeError(w, e)
			return
		}
		body, e := readJSON(w, r)
		if e != nil {
			writeError(w, e)
			return
		}
		p, e := decodePatch(body)
		if e != nil {
			writeError(w, e)
			return
		}
		t, err := store.Update(r.Context(), id, p)
		if err != nil {
			writeStoreError(w, r, err)
			return
		}
		writeTask(w, http.StatusOK, t)
	})
}

func handleDeleteTask(store TaskStore) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		id, e := taskID(r)
		if e != nil {
			writeError(w, e)
			return
		}
		if err := store.Delete(r.Context(), id); err != nil {
			writeStoreError(w, r, err)
			return
		}
		w.WriteHeader(http.StatusNoContent)
	})
}

func taskID(r *http.Request) (int64, *apiError) {
	raw := r.PathValue("id")
	id, err := strconv.ParseInt(raw, 10, 64)
	if err != nil || id <= 0 {
		return 0, errorf(http.StatusBadRequest, "invalid_value", "task id must be a positive whole number")
	}
	return id, nil
}

// writeStoreError maps storage errors to statuses; unexpected ones are logged, not shown.
func writeStoreError(w http.ResponseWriter, r *http.Request, err error) {
	switch {
	case errors.Is(err, task.ErrNotFound):
		writeError(w, errorf(http.StatusNotFound, "not_found", "task not found"))
	case errors.Is(err, task.ErrUnavailable):
		loggerFrom(r.Context(), nil).Warn("database unavailable", "error", err.Error())
		w.Header().Set("Retry-After", "1")
		writeError(w, errorf(http.StatusServiceUnavailable, "unavailable", "the database is unavailable, try again shortly"))
	default:
		loggerFrom(r.Context(), nil).Error("store failed", "error", err.Error())
		writeError(w, errorf(http.StatusInternalServerError, "internal", "internal error"))
	}
}
