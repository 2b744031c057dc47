// The backend API client. Only relative /api URLs: nginx (or the Vite dev
// server) decides where the backend lives, so the bundle is the same everywhere.
import { ApiError, NETWORK_ERROR, BAD_RESPONSE, errorFromResponse } from "./errors";
import type { BackendVersion, ListQuery, NewTask, Task, TaskChanges, TaskPage } from "./types";

const JSON_HEADERS = { "Content-Type": "application/json", Accept: "application/json" };

async function send(path: string, init: RequestInit = {}): Promise<Response> {
  let response: Response;
  try {
    response = await fetch(path, { ...init, headers: { Accept: "application/json", ...init.headers } });
  } catch {
    throw new ApiError(0, NETWORK_ERROR, "Cannot reach the server. Check your connection.");
  }
  if (!response.ok) throw await errorFromResponse(response);
  return response;
}

async function sendJSON<T>(path: string, init: RequestInit = {}): Promise<T> {
  const response = await send(path, init);
  try {
    return (await response.json()) as T;
  } catch {
    throw new ApiError(response.status, BAD_RESPONSE, "The server sent a response that is not JSON.");
  }
}

function taskPath(id: number): string {
  return `/api/tasks/${encodeURIComponent(String(id))}`;
}

export function listTasks(query: ListQuery = {}): Promise<TaskPage> {
  const params = new URLSearchParams();
  if (query.limit !== undefined) params.set("limit", String(query.limit));
  if (query.cursor) params.set("cursor", query.cursor);
  if (query.done !== undefined) params.set("done", String(query.done));
  const qs = params.toString();
  return sendJSON<TaskPage>(qs ? `/api/tasks?${qs}` : "/api/tasks");
}

export function createTask(task: NewTask): Promise<Task> {
  return sendJSON<Task>("/api/tasks", { method: "POST", headers: JSON_HEADERS, body: JSON.stringify(task) });
}

export function getTask(id: number): Promise<Task> {
  return sendJSON<Task>(taskPath(id));
}

export function updateTask(id: number, changes: TaskChanges): Promise<Task> {
  return sendJSON<Task>(taskPath(id), { method: "PATCH", headers: JSON_HEADERS, body: JSON.stringify(changes) });
}

export async function deleteTask(id: number): Promise<void> {
  await send(taskPath(id), { method: "DELETE" });
}

export function getBackendVersion(): Promise<BackendVersion> {
  return sendJSON<BackendVersion>("/api/version");
}
