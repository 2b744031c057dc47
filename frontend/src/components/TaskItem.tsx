import { useEffect, useId, useRef, useState, type FormEvent, type KeyboardEvent } from "react";
import type { Task } from "../api/types";
import { checkTitle } from "../validation";

interface Props {
  task: Task;
  busy: boolean;
  onToggle: (task: Task, done: boolean) => void;
  onRename: (task: Task, title: string) => void;
  onDelete: (task: Task) => void;
}

/**
 * One task: a done checkbox labelled by its title, rename in place, delete.
 * While a change is in flight the controls are aria-disabled rather than
 * disabled, so keyboard focus stays where it is.
 */
export function TaskItem({ task, busy, onToggle, onRename, onDelete }: Props) {
  const [editing, setEditing] = useState(false);
  const [draft, setDraft] = useState(task.title);
  const [error, setError] = useState<string | null>(null);
  // Set when the editor closes: focus then returns to the Rename button, so keyboard users stay in place.
  const returnFocus = useRef(false);
  const renameRef = useRef<HTMLButtonElement>(null);
  const editRef = useRef<HTMLInputElement>(null);
  const checkboxId = useId();
  const editId = useId();
  const errorId = useId();

  useEffect(() => {
    if (editing) editRef.current?.focus();
    else if (returnFocus.current) {
      returnFocus.current = false;
      renameRef.current?.focus();
    }
  }, [editing]);

  function startEditing() {
    setDraft(task.title);
    setError(null);
    setEditing(true);
  }

  function stopEditing() {
    setEditing(false);
    setError(null);
    returnFocus.current = true;
  }

  function save(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const check = checkTitle(draft);
    if (!check.ok) {
      setError(check.message);
      editRef.current?.focus();
      return;
    }
    if (check.title !== task.title) onRename(task, check.title);
    stopEditing();
  }

  function cancelOnEscape(event: KeyboardEvent<HTMLInputElement>) {
    if (event.key === "Escape") {
      event.preventDefault();
      stopEditing();
    }
  }

  if (editing) {
    return (
      <li className="task task--editing">
        <form className="task__edit" onSubmit={save} noValidate>
          <label htmlFor={editId} className="visually-hidden">
            New title for “{task.title}”
          </label>
          <input
            id={editId}
            ref={editRef}
            className="input"
            type="text"
            value={draft}
            autoComplete="off"
            aria-invalid={error ? true : undefined}
            aria-describedby={error ? errorId : undefined}
            onChange={(e) => {
              setDraft(e.target.value);
              if (error) setError(null);
            }}
            onKeyDown={cancelOnEscape}
          />
          <button type="submit" className="button button--primary">
            Save
          </button>
          <button type="button" className="button" onClick={stopEditing}>
            Cancel
          </button>
          {error && (
            <p id={errorId} className="field-error" role="alert">
              {error}
            </p>
          )}
        </form>
      </li>
    );
  }

  return (
    <li className={task.done ? "task task--done" : "task"} aria-busy={busy || undefined}>
      <input
        id={checkboxId}
        className="task__check"
        type="checkbox"
        checked={task.done}
        aria-disabled={busy || undefined}
        onChange={(e) => !busy && onToggle(task, e.target.checked)}
      />
      <label htmlFor={checkboxId} className="task__title">
        {task.title}
      </label>
      <div className="task__actions">
        <button
          ref={renameRef}
          type="button"
          className="button button--quiet"
          aria-disabled={busy || undefined}
          aria-label={`Rename “${task.title}”`}
          onClick={() => !busy && startEditing()}
        >
          Rename
        </button>
        <button
          type="button"
          className="button button--danger"
          aria-disabled={busy || undefined}
          aria-label={`Delete “${task.title}”`}
          onClick={() => !busy && onDelete(task)}
        >
          Delete
        </button>
      </div>
    </li>
  );
}
