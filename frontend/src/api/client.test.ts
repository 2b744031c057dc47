import { afterEach, describe, expect, it, vi } from "vitest";
import { createTask, deleteTask, getBackendVersion, getTask, listTasks, updateTask } from "./client";
import { ApiError } from "./errors";

function respond(status: number, body: unknown, contentType = "application/json") {
  const text = typeof body === "string" ? body : JSON.stringify(body);
  const fetchMock = vi.fn(async () => new Response(status === 204 ? null : text, { status, headers: { "Content-Type": contentType } }));
  vi.stubGlobal("fetch", fetchMock);
  return fetchMock;
}

async function caught(promise: Promise<unknown>): Promise<ApiError> {
  try {
    await promise;
  } catch (err) {
    expect(err).toBeInstanceOf(ApiError);
    return err as ApiError;
  }
  throw new Error("expected the call to fail");
}

afterEach(() => {
  vi.unstubAllGlobals();
});

describe("api client", () => {
  it("lists tasks with limit, cursor and done filter on a relative URL", async () => {
    const fetchMock = respond(200, { items: [], nextCursor: null });
    await expect(listTasks({ limit: 5, cursor: "abc/=", done: false })).resolves.toEqual({ items: [], nextCursor: null });
    expect(fetchMock).toHaveBeenCalledWith("/api/tasks?limit=5&cursor=abc%2F%3D&done=false", expect.anything());
  });

  it("lists tasks without a query when none is given", async () => {
    const fetchMock = respond(200, { items: [], nextCursor: null });
    await listTasks();
    expect(fetchMock).toHaveBeenCalledWith("/api/tasks", expect.anything());
  });

  it("creates a task with a JSON POST", async () => {
    const created = { id: 1, title: "Write tests", done: false, createdAt: "x", updatedAt: "x" };
    const fetchMock = respond(201, created);
    await expect(createTask({ title: "Write tests" })).resolves.toEqual(created);
    const [url, init] = fetchMock.mock.calls[0] as unknown as [string, RequestInit];
    expect(url).toBe("/api/tasks");
    expect(init.method).toBe("POST");
    expect(JSON.parse(String(init.body))).toEqual({ title: "Write tests" });
    expect(init.headers).toMatchObject({ "Content-Type": "application/json" });
  });

  it("reads, patches and deletes a task by id", async () => {
    const getMock = respond(200, { id: 7, title: "t", done: false, createdAt: "x", updatedAt: "x" });
    await expect(getTask(7)).resolves.toMatchObject({ id: 7, title: "t" });
    expect(getMock).toHaveBeenCalledWith("/api/tasks/7", expect.anything());

    const fetchMock = respond(200, { id: 7, title: "t", done: true, createdAt: "x", updatedAt: "y" });
    await updateTask(7, { done: true });
    expect(fetchMock).toHaveBeenCalledWith("/api/tasks/7", expect.objectContaining({ method: "PATCH", body: '{"done":true}' }));

    const deleteMock = respond(204, "");
    await expect(deleteTask(7)).resolves.toBeUndefined();
    expect(deleteMock).toHaveBeenCalledWith("/api/tasks/7", expect.objectContaining({ method: "DELETE" }));
  });

  it("reads the backend version", async () => {
    respond(200, { version: "1.0.0", commit: "abc", buildTime: "t" });
    await expect(getBackendVersion()).resolves.toEqual({ version: "1.0.0", commit: "abc", buildTime: "t" });
  });

  it("turns the backend's JSON error into an ApiError", async () => {
    respond(400, { error: { code: "invalid_title", message: "title must not be empty" } });
    const err = await caught(createTask({ title: "" }));
    expect(err.status).toBe(400);
    expect(err.code).toBe("invalid_title");
    expect(err.message).toBe("title must not be empty");
    expect(err.isUnavailable).toBe(false);
  });

  it("reports a proxy's HTML 502 page as the backend being unavailable", async () => {
    respond(502, "<html><body>Bad Gateway</body></html>", "text/html");
    const err = await caught(listTasks());
    expect(err.status).toBe(502);
    expect(err.code).toBe("backend_unavailable");
    expect(err.isUnavailable).toBe(true);
    expect(err.message).toBe("The task service is unavailable.");
  });

  it("reports an unexpected non-JSON error with its status", async () => {
    respond(418, "teapot", "text/plain");
    const err = await caught(listTasks());
    expect(err.code).toBe("bad_response");
    expect(err.message).toContain("HTTP 418");
  });

  it("reports a failed connection as a network error", async () => {
    vi.stubGlobal("fetch", vi.fn(async () => Promise.reject(new TypeError("Failed to fetch"))));
    const err = await caught(listTasks());
    expect(err.status).toBe(0);
    expect(err.code).toBe("network_error");
    expect(err.isUnavailable).toBe(true);
  });

  it("rejects a success response that is not JSON", async () => {
    respond(200, "<html>index</html>", "text/html");
    const err = await caught(listTasks());
    expect(err.code).toBe("bad_response");
  });
});
