// Package task is the domain of the API: a task, what a client may send, and the rules a title obeys.
package task

import (
	"errors"
	"time"
)

// Task is one row of the tasks table as the API shows it.
type Task struct {
	ID        int64     `json:"id"`
	Title     string    `json:"title"`
	Done      bool      `json:"done"`
	CreatedAt time.Time `json:"createdAt"`
	UpdatedAt time.Time `json:"updatedAt"`
}

// New is a validated request to create a task.
type New struct {
	Title string
	Done  bool
}

// Patch is a validated partial update; nil fields stay as they are.
type Patch struct {
	Title *string
	Done  *bool
}

// ListQuery selects one page of tasks, newest first.
type ListQuery struct {
	Limit int
	// AfterID continues after this id (exclusive); 0 starts at the newest task.
	AfterID int64
	// Done filters on completion when not nil.
	Done *bool
}

// Page is one page of a listing; NextAfterID is 0 on the last page.
type Page struct {
	Items       []Task
	NextAfterID int64
}

// PageOf is the page a store makes of up to limit+1 tasks, newest first,
// read past the cursor: a task beyond limit only says that another page
// follows, which continues after the page's last task.
func PageOf(items []Task, limit int) Page {
	if len(items) <= limit {
		return Page{Items: items}
	}
	return Page{Items: items[:limit], NextAfterID: items[limit-1].ID}
}

var (
	// ErrNotFound means no task has the requested id.
	ErrNotFound = errors.New("task not found")
	// ErrUnavailable means the database cannot be reached right now.
	ErrUnavailable = errors.New("database unavailable")
)
