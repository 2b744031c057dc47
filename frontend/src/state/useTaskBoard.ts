// useTaskBoard wires the board reducer to the API: loading, paging, and
// optimistic toggle/rename/delete that roll back when the server says no.
import { useCallback, useEffect, useReducer, useRef } from "react";
import * as api from "../api/client";
import { ApiError, describeError } from "../api/errors";
import type { Task, TaskChanges } from "../api/types";
import { boardReducer, initialBoardState, type BoardState } from "./boardReducer";

export const PAGE_SIZE = 20;

export interface TaskBoard {
  state: BoardState;
  reload: () => void;
  loadMore: () => void;
  /** Resolves to an error message, or null when the task was created. */
  addTask: (title: string) => Promise<string | null>;
  setDone: (task: Task, done: boolean) => Promise<void>;
  rename: (task: Task, title: string) => Promise<void>;
  remove: (task: Task) => Promise<void>;
  dismissNotice: () => void;
}

export function useTaskBoard(): TaskBoard {
  const [state, dispatch] = useReducer(boardReducer, initialBoardState);
  // The latest state, read by callbacks (e.g. to snapshot a task before changing it).
  const stateRef = useRef(state);
  useEffect(() => {
    stateRef.current = state;
  }, [state]);
  // Ignore answers to a load that a newer load (a retry) has replaced.
  const loadSeq = useRef(0);

  const reload = useCallback(() => {
    const seq = ++loadSeq.current;
    dispatch({ type: "load/start" });
    api.listTasks({ limit: PAGE_SIZE }).then(
      (page) => seq === loadSeq.current && dispatch({ type: "load/success", page }),
      (err: unknown) => seq === loadSeq.current && dispatch({ type: "load/failure", message: describeError(err) }),
    );
  }, []);

  useEffect(() => {
    reload();
  }, [reload]);

  const loadMore = useCallback(() => {
    const cursor = state.nextCursor;
    if (!cursor || state.loadingMore) return;
    const seq = loadSeq.current;
    dispatch({ type: "more/start" });
    api.listTasks({ limit: PAGE_SIZE, cursor }).then(
      (page) => seq === loadSeq.current && dispatch({ type: "more/success", page }),
      (err: unknown) => seq === loadSeq.current && dispatch({ type: "more/failure", message: describeError(err) }),
    );
  }, [state.nextCursor, state.loadingMore]);

  const addTask = useCallback(async (title: string) => {
    try {
      const task = await api.createTask({ title });
      dispatch({ type: "task/added", task });
      // Added while the list had failed to load: the backend is back, so show the list.
      if (stateRef.current.status === "error") reload();
      return null;
    } catch (err) {
      return describeError(err);
    }
  }, [reload]);

  const change = useCallback(async (task: Task, changes: TaskChanges, failure: string) => {
    dispatch({ type: "task/busy", id: task.id });
    dispatch({ type: "task/patched", id: task.id, changes });
    try {
      const saved = await api.updateTask(task.id, changes);
      dispatch({ type: "task/saved", task: saved });
    } catch (err) {
      const message = `${failure}: ${describeError(err)}`;
      if (isGone(err)) dispatch({ type: "task/vanished", id: task.id, message });
      else dispatch({ type: "task/reverted", task, message });
    }
  }, []);

  const setDone = useCallback(
    (task: Task, done: boolean) => change(task, { done }, `Could not update “${task.title}”`),
    [change],
  );

  const rename = useCallback(
    (task: Task, title: string) => change(task, { title }, `Could not rename “${task.title}”`),
    [change],
  );

  const remove = useCallback(async (task: Task) => {
    const index = stateRef.current.tasks.findIndex((t) => t.id === task.id);
    dispatch({ type: "task/busy", id: task.id });
    dispatch({ type: "task/removed", id: task.id });
    try {
      await api.deleteTask(task.id);
    } catch (err) {
      // Already gone on the server is what the person wanted: keep it removed.
      if (isGone(err)) return;
      dispatch({ type: "task/restored", task, index, message: `Could not delete “${task.title}”: ${describeError(err)}` });
    }
  }, []);

  const dismissNotice = useCallback(() => dispatch({ type: "notice/dismiss" }), []);

  return { state, reload, loadMore, addTask, setDone, rename, remove, dismissNotice };
}

function isGone(err: unknown): boolean {
  return err instanceof ApiError && err.status === 404;
}
