// An in-memory stand-in for the backend's /api, installed as global fetch in unit
// tests. It follows the API contract (cursor pages, JSON errors) and lets a test
// make the next matching request fail, or hold it to observe optimistic state.
import { vi } from "vitest";
import type { Task } from "../api/types";

type Failure = { status: number; body?: unknown; text?: string } | "network";

interface Rule {
  method: string;
  path: RegExp;
  failure?: Failure;
  gate?: Promise<void>;
}

export interface FakeBackend {
  tasks: Task[];
  requests: { method: string; url: string; body: unknown }[];
  fetch: ReturnType<typeof vi.fn>;
  /** The next request matching method and path fails as given. */
  failNext: (method: string, path: RegExp, failure: Failure) => void;
  /** The next matching request waits until the returned release() is called. */
  holdNext: (method: string, path: RegExp) => () => void;
  version: { version: string; commit: string; buildTime: string } | null;
}

export function task(id: number, title: string, done = false): Task {
  const at = new Date(Date.UTC(2026, 0, 1, 0, 0, id)).toISOString();
  return { id, title, done, createdAt: at, updatedAt: at };
}

function json(status: number, body: unknown): Response {
  return new Response(JSON.stringify(body), { status, headers: { "Content-Type": "application/json" } });
}

function apiError(status: number, code: string, message: string): Response {
  return json(status, { error: { code, message } });
}

export function installFakeBackend(initial: Task[] = []): FakeBackend {
  let nextId = Math.max(0, ...initial.map((t) => t.id)) + 1;
  const rules: Rule[] = [];
  const backend: FakeBackend = {
    tasks: initial.map((t) => ({ ...t })),
    requests: [],
    version: { version: "1.4.2", commit: "0123456789abcdef0123456789abcdef01234567", buildTime: "2026-11-27T07:00:00Z" },
    failNext: (method, path, failure) => {
      rules.push({ method, path, failure });
    },
    holdNext: (method, path) => {
      let release = () => {};
      const gate = new Promise<void>((resolve) => {
        release = resolve;
      });
      rules.push({ method, path, gate });
      return release;
    },
    fetch: vi.fn(),
  };

  function route(method: string, url: URL, body: unknown): Response {
    const path = url.pathname;
    if (method === "GET" && path === "/api/version") {
      return backend.version ? json(200, backend.version) : apiError(500, "internal", "no version");
    }
    if (path === "/api/tasks" && method === "GET") {
      const limit = Number(url.searchParams.get("limit") ?? "20");
      const start = Number(url.searchParams.get("cursor") ?? "0");
      const items = backend.tasks.slice(start, start + limit);
      const next = start + limit < backend.tasks.length ? String(start + limit) : null;
      return json(200, { items, nextCursor: next });
    }
    if (path === "/api/tasks" && method === "POST") {
      const { title, done } = body as { title: string; done?: boolean };
      const created = task(nextId++, title, done ?? false);
      backend.tasks.unshift(created);
      return json(201, created);
    }
    const match = /^\/api\/tasks\/(\d+)$/.exec(path);
    if (match) {
      const id = Number(match[1]);
      const index = backend.tasks.findIndex((t) => t.id === id);
      if (index < 0) return apiError(404, "not_found", `task ${id} not found`);
      if (method === "GET") return json(200, backend.tasks[index]);
      if (method === "PATCH") {
        const updated = { ...backend.tasks[index], ...(body as object), updatedAt: new Date().toISOString() };
        backend.tasks[index] = updated;
        return json(200, updated);
      }
      if (method === "DELETE") {
        backend.tasks.splice(index, 1);
        return new Response(null, { status: 204 });
      }
    }
    return apiError(404, "not_found", "no route");
  }

  backend.fetch.mockImplementation(async (input: RequestInfo | URL, init: RequestInit = {}) => {
    const url = new URL(String(input), "http://taskboard.test");
    const method = (init.method ?? "GET").toUpperCase();
    const body = typeof init.body === "string" ? JSON.parse(init.body) : undefined;
    backend.requests.push({ method, url: url.pathname + url.search, body });
    const ruleIndex = rules.findIndex((r) => r.method === method && r.path.test(url.pathname));
    if (ruleIndex >= 0) {
      const [rule] = rules.splice(ruleIndex, 1);
      if (rule.gate) await rule.gate;
      if (rule.failure === "network") throw new TypeError("Failed to fetch");
      if (rule.failure) {
        const { status, body: errBody, text } = rule.failure;
        return text !== undefined
          ? new Response(text, { status, headers: { "Content-Type": "text/html" } })
          : json(status, errBody);
      }
    }
    return route(method, url, body);
  });

  vi.stubGlobal("fetch", backend.fetch);
  return backend;
}
