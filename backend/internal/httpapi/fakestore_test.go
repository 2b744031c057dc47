package httpapi_test

import (
	"cmp"
	"context"
	"slices"
	"sync"
	"time"

	"github.com/devsecops-reference/taskboard/backend/internal/httpapi"
	"github.com/devsecops-reference/taskboard/backend/internal/task"
)

// fakeStore is httpapi.TaskStore in memory, for the handler tests that are
// about HTTP (routing, decoding, errors, paging as the client sees it) and
// not about SQL: the postgres package's own tests hold the real store to the
// same rules (newest first, keyset pages, the done filter, ErrNotFound).
// failWith, when set, is what every call returns instead.
type fakeStore struct {
	mu       sync.Mutex
	tasks    []task.Task // in id order
	lastID   int64
	failWith error
}

var _ httpapi.TaskStore = (*fakeStore)(nil)

func (s *fakeStore) fail(err error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.failWith = err
}

// List pages newest first: ids below AfterID (all when 0), one more row than
// the limit read to know whether a next page exists, as the SQL does.
func (s *fakeStore) List(_ context.Context, q task.ListQuery) (task.Page, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.failWith != nil {
		return task.Page{}, s.failWith
	}
	var items []task.Task
	for _, t := range slices.Backward(s.tasks) {
		if q.AfterID > 0 && t.ID >= q.AfterID || q.Done != nil && t.Done != *q.Done {
			continue
		}
		if items = append(items, t); len(items) > q.Limit {
			break
		}
	}
	return task.PageOf(items, q.Limit), nil
}

func (s *fakeStore) Create(_ context.Context, n task.New) (task.Task, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.failWith != nil {
		return task.Task{}, s.failWith
	}
	s.lastID++
	now := time.Now().UTC()
	t := task.Task{ID: s.lastID, Title: n.Title, Done: n.Done, CreatedAt: now, UpdatedAt: now}
	s.tasks = append(s.tasks, t)
	return t, nil
}

func (s *fakeStore) Get(_ context.Context, id int64) (task.Task, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.failWith != nil {
		return task.Task{}, s.failWith
	}
	if i, ok := s.find(id); ok {
		return s.tasks[i], nil
	}
	return task.Task{}, task.ErrNotFound
}

func (s *fakeStore) Update(_ context.Context, id int64, p task.Patch) (task.Task, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.failWith != nil {
		return task.Task{}, s.failWith
	}
	i, ok := s.find(id)
	if !ok {
		return task.Task{}, task.ErrNotFound
	}
	t := &s.tasks[i]
	if p.Title != nil {
		t.Title = *p.Title
	}
	if p.Done != nil {
		t.Done = *p.Done
	}
	t.UpdatedAt = time.Now().UTC()
	return *t, nil
}

func (s *fakeStore) Delete(_ context.Context, id int64) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.failWith != nil {
		return s.failWith
	}
	i, ok := s.find(id)
	if !ok {
		return task.ErrNotFound
	}
	s.tasks = slices.Delete(s.tasks, i, i+1)
	return nil
}

func (s *fakeStore) find(id int64) (int, bool) {
	return slices.BinarySearchFunc(s.tasks, id, func(t task.Task, id int64) int { return cmp.Compare(t.ID, id) })
}
