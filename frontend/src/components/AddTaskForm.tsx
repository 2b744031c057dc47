import { useId, useRef, useState, type FormEvent } from "react";
import { checkTitle, TITLE_MAX_LENGTH } from "../validation";

interface Props {
  /** Resolves to an error message, or null when the task was created. */
  onAdd: (title: string) => Promise<string | null>;
}

/** The "new task" form: validates the title before sending and keeps it when adding fails. */
export function AddTaskForm({ onAdd }: Props) {
  const [title, setTitle] = useState("");
  const [error, setError] = useState<string | null>(null);
  const [saving, setSaving] = useState(false);
  const inputRef = useRef<HTMLInputElement>(null);
  const inputId = useId();
  const errorId = useId();
  const hintId = useId();

  async function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    if (saving) return;
    const check = checkTitle(title);
    if (!check.ok) {
      setError(check.message);
      inputRef.current?.focus();
      return;
    }
    setSaving(true);
    setError(null);
    const failure = await onAdd(check.title);
    setSaving(false);
    if (failure) setError(`Could not add the task: ${failure}`);
    else setTitle("");
    inputRef.current?.focus();
  }

  return (
    <form className="add-task" onSubmit={submit} noValidate aria-label="Add a task">
      <label htmlFor={inputId} className="add-task__label">
        New task
      </label>
      <div className="add-task__row">
        <input
          id={inputId}
          ref={inputRef}
          className="input"
          type="text"
          name="title"
          autoComplete="off"
          value={title}
          readOnly={saving}
          aria-invalid={error ? true : undefined}
          aria-describedby={error ? `${errorId} ${hintId}` : hintId}
          onChange={(e) => {
            setTitle(e.target.value);
            if (error) setError(null);
          }}
        />
        <button type="submit" className="button button--primary" disabled={saving}>
          {saving ? "Adding…" : "Add task"}
        </button>
      </div>
      <p id={hintId} className="hint">
        Up to {TITLE_MAX_LENGTH} characters.
      </p>
      {error && (
        <p id={errorId} className="field-error" role="alert">
          {error}
        </p>
      )}
    </form>
  );
}
