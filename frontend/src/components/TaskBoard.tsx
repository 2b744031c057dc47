import { useRef } from "react";
import type { Task } from "../api/types";
import { useTaskBoard } from "../state/useTaskBoard";
import { AddTaskForm } from "./AddTaskForm";
import { EmptyBoard, LoadError, Loading, Notice } from "./StatusViews";
import { TaskItem } from "./TaskItem";

interface Props {
  /** Called when the person retries loading, so others (the footer) can refresh too. */
  onRetry?: () => void;
}

/** The task board: add form, list with "load more", and every loading/error state. */
export function TaskBoard({ onRetry }: Props) {
  const board = useTaskBoard();
  const { state } = board;
  const headingRef = useRef<HTMLHeadingElement>(null);

  function retry() {
    board.reload();
    onRetry?.();
  }

  function deleteTask(task: Task) {
    // The row disappears at once; keep keyboard focus inside the board.
    headingRef.current?.focus();
    void board.remove(task);
  }

  return (
    <section className="board" aria-labelledby="board-heading">
      <AddTaskForm onAdd={board.addTask} />
      <h2 id="board-heading" className="board__heading" ref={headingRef} tabIndex={-1}>
        Tasks
      </h2>
      {state.notice && <Notice message={state.notice} onDismiss={board.dismissNotice} />}
      {state.status === "loading" && <Loading />}
      {state.status === "error" && <LoadError message={state.loadError ?? "Unknown error."} onRetry={retry} />}
      {state.status === "ready" && state.tasks.length === 0 && <EmptyBoard />}
      {state.status === "ready" && state.tasks.length > 0 && (
        <ul className="task-list" aria-label="Tasks">
          {state.tasks.map((task) => (
            <TaskItem
              key={task.id}
              task={task}
              busy={state.busyIds.includes(task.id)}
              onToggle={(t, done) => void board.setDone(t, done)}
              onRename={(t, title) => void board.rename(t, title)}
              onDelete={deleteTask}
            />
          ))}
        </ul>
      )}
      {state.status === "ready" && state.nextCursor && (
        <div className="load-more">
          <button type="button" className="button" onClick={board.loadMore} disabled={state.loadingMore}>
            {state.loadingMore ? "Loading…" : "Load more"}
          </button>
          {state.loadMoreError && (
            <p className="field-error" role="alert">
              Could not load more tasks: {state.loadMoreError}
            </p>
          )}
        </div>
      )}
    </section>
  );
}
