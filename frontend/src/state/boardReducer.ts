// The task board's state and every way it can change. Pure, so each transition
// (including optimistic changes and their rollback) is easy to follow and test.
import type { Task, TaskChanges, TaskPage } from "../api/types";

export type LoadStatus = "loading" | "ready" | "error";

export interface BoardState {
  status: LoadStatus;
  tasks: Task[];
  nextCursor: string | null;
  loadError: string | null;
  loadingMore: boolean;
  loadMoreError: string | null;
  /** Ids of tasks with a request in flight; their controls are disabled meanwhile. */
  busyIds: number[];
  /** The last failed change, shown until dismissed or the next change succeeds. */
  notice: string | null;
}

export const initialBoardState: BoardState = {
  status: "loading",
  tasks: [],
  nextCursor: null,
  loadError: null,
  loadingMore: false,
  loadMoreError: null,
  busyIds: [],
  notice: null,
};

export type BoardAction =
  | { type: "load/start" }
  | { type: "load/success"; page: TaskPage }
  | { type: "load/failure"; message: string }
  | { type: "more/start" }
  | { type: "more/success"; page: TaskPage }
  | { type: "more/failure"; message: string }
  | { type: "task/added"; task: Task }
  | { type: "task/busy"; id: number }
  | { type: "task/patched"; id: number; changes: TaskChanges }
  | { type: "task/saved"; task: Task }
  | { type: "task/removed"; id: number }
  | { type: "task/reverted"; task: Task; message: string }
  | { type: "task/restored"; task: Task; index: number; message: string }
  | { type: "task/vanished"; id: number; message: string }
  | { type: "notice/show"; message: string }
  | { type: "notice/dismiss" };

function withoutBusy(state: BoardState, id: number): number[] {
  return state.busyIds.filter((busy) => busy !== id);
}

/** Appends a page, skipping tasks already shown (e.g. one added since the first page). */
function appendPage(tasks: Task[], page: Task[]): Task[] {
  const seen = new Set(tasks.map((t) => t.id));
  return [...tasks, ...page.filter((t) => !seen.has(t.id))];
}

export function boardReducer(state: BoardState, action: BoardAction): BoardState {
  switch (action.type) {
    case "load/start":
      return { ...state, status: "loading", loadError: null };
    case "load/success":
      return {
        ...initialBoardState,
        status: "ready",
        tasks: action.page.items,
        nextCursor: action.page.nextCursor,
      };
    case "load/failure":
      return { ...state, status: "error", loadError: action.message };
    case "more/start":
      return { ...state, loadingMore: true, loadMoreError: null };
    case "more/success":
      return {
        ...state,
        loadingMore: false,
        tasks: appendPage(state.tasks, action.page.items),
        nextCursor: action.page.nextCursor,
      };
    case "more/failure":
      return { ...state, loadingMore: false, loadMoreError: action.message };
    case "task/added":
      return { ...state, notice: null, tasks: [action.task, ...state.tasks.filter((t) => t.id !== action.task.id)] };
    case "task/busy":
      return { ...state, busyIds: [...withoutBusy(state, action.id), action.id] };
    case "task/patched":
      return {
        ...state,
        tasks: state.tasks.map((t) => (t.id === action.id ? { ...t, ...action.changes } : t)),
      };
    case "task/saved":
      return {
        ...state,
        notice: null,
        busyIds: withoutBusy(state, action.task.id),
        tasks: state.tasks.map((t) => (t.id === action.task.id ? action.task : t)),
      };
    case "task/removed":
      return {
        ...state,
        notice: null,
        busyIds: withoutBusy(state, action.id),
        tasks: state.tasks.filter((t) => t.id !== action.id),
      };
    case "task/reverted":
      // Roll a changed task back to what the server last confirmed.
      return {
        ...state,
        notice: action.message,
        busyIds: withoutBusy(state, action.task.id),
        tasks: state.tasks.map((t) => (t.id === action.task.id ? action.task : t)),
      };
    case "task/vanished":
      // The server no longer has it (deleted elsewhere): drop it rather than roll back.
      return {
        ...state,
        notice: action.message,
        busyIds: withoutBusy(state, action.id),
        tasks: state.tasks.filter((t) => t.id !== action.id),
      };
    case "task/restored": {
      // Put a deleted task back at its old place: the delete failed.
      const others = state.tasks.filter((t) => t.id !== action.task.id);
      const index = Math.min(Math.max(action.index, 0), others.length);
      return {
        ...state,
        notice: action.message,
        busyIds: withoutBusy(state, action.task.id),
        tasks: [...others.slice(0, index), action.task, ...others.slice(index)],
      };
    }
    case "notice/show":
      return { ...state, notice: action.message };
    case "notice/dismiss":
      return { ...state, notice: null };
  }
}
