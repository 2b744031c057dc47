import { describe, expect, it } from "vitest";
import { task } from "../test/fakeBackend";
import { boardReducer, initialBoardState, type BoardState } from "./boardReducer";

function ready(...tasks: ReturnType<typeof task>[]): BoardState {
  return boardReducer(initialBoardState, { type: "load/success", page: { items: tasks, nextCursor: "c1" } });
}

describe("boardReducer", () => {
  it("appends a page without repeating tasks already shown", () => {
    const state = ready(task(1, "a"), task(2, "b"));
    const next = boardReducer(state, { type: "more/success", page: { items: [task(2, "b"), task(3, "c")], nextCursor: null } });
    expect(next.tasks.map((t) => t.id)).toEqual([1, 2, 3]);
    expect(next.nextCursor).toBeNull();
  });

  it("puts a task whose delete failed back at its old place", () => {
    let state = ready(task(1, "a"), task(2, "b"), task(3, "c"));
    state = boardReducer(state, { type: "task/busy", id: 2 });
    state = boardReducer(state, { type: "task/removed", id: 2 });
    expect(state.tasks.map((t) => t.id)).toEqual([1, 3]);
    state = boardReducer(state, { type: "task/restored", task: task(2, "b"), index: 1, message: "nope" });
    expect(state.tasks.map((t) => t.id)).toEqual([1, 2, 3]);
    expect(state.notice).toBe("nope");
    expect(state.busyIds).toEqual([]);
  });

  it("reverts a patched task to its confirmed version and frees it", () => {
    let state = ready(task(1, "a"));
    state = boardReducer(state, { type: "task/busy", id: 1 });
    state = boardReducer(state, { type: "task/patched", id: 1, changes: { done: true, title: "A" } });
    expect(state.tasks[0]).toMatchObject({ done: true, title: "A" });
    expect(state.busyIds).toEqual([1]);
    state = boardReducer(state, { type: "task/reverted", task: task(1, "a"), message: "failed" });
    expect(state.tasks[0]).toMatchObject({ done: false, title: "a" });
    expect(state.busyIds).toEqual([]);
  });

  it("keeps the list when a retry fails after a successful load", () => {
    let state = ready(task(1, "a"));
    state = boardReducer(state, { type: "load/start" });
    state = boardReducer(state, { type: "load/failure", message: "down" });
    expect(state.status).toBe("error");
    expect(state.loadError).toBe("down");
  });
});
