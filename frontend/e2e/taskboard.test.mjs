// Browser end-to-end test of the whole application: real PostgreSQL, the real
// backend, the production build behind the project's own nginx config, and
// Debian's Chromium. A failing step leaves a screenshot in e2e/artifacts/.
import assert from "node:assert/strict";
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { frontendDir, startStack } from "./lib/stack.mjs";

const artifacts = join(frontendDir, "e2e", "artifacts");
const SECURITY_HEADERS = {
  "content-security-policy": /^default-src 'self';.*script-src 'self';.*frame-ancestors 'none'/,
  "x-content-type-options": /^nosniff$/,
  "referrer-policy": /^strict-origin-when-cross-origin$/,
  "x-frame-options": /^DENY$/,
};

/** @type {Awaited<ReturnType<typeof startStack>>} */
let stack;
/** @type {import("playwright-core").Page} */
let page;
/** Browser console errors and CSP violations; any of them fails the run. @type {string[]} */
const browserProblems = [];

/**
 * Runs one step; on failure saves a screenshot named after it, then fails.
 * @param {string} name
 * @param {() => Promise<void>} body
 */
async function step(name, body) {
  try {
    await body();
  } catch (err) {
    mkdirSync(artifacts, { recursive: true });
    const file = join(artifacts, `${name.replace(/[^a-z0-9]+/gi, "-").toLowerCase()}.png`);
    await page?.screenshot({ path: file, fullPage: true }).catch(() => {});
    const reason = err instanceof Error ? err.message : String(err);
    throw new Error(`${name} failed (screenshot: ${file}): ${reason}`, { cause: err });
  }
}

/** @param {string} path */
function get(path, init = {}) {
  return fetch(stack.nginx.url + path, { ...init, redirect: "manual" });
}

/**
 * @param {Response} response
 * @param {string} what
 */
function assertSecurityHeaders(response, what) {
  for (const [name, pattern] of Object.entries(SECURITY_HEADERS)) {
    assert.match(response.headers.get(name) ?? "", pattern, `${what}: header ${name}`);
  }
  assert.equal(response.headers.get("server"), "nginx", `${what}: server_tokens off hides the version`);
}

const newTask = () => page.getByRole("textbox", { name: "New task" });
const checkbox = (/** @type {string} */ title) => page.getByRole("checkbox", { name: title, exact: true });
const taskTitles = () => page.getByRole("list", { name: "Tasks" }).locator("label").allTextContents();

/**
 * Waits for the API call a UI action makes, so the next reload sees it stored.
 * @param {string} method
 * @param {string} pathPrefix
 */
function apiResponse(method, pathPrefix) {
  return page.waitForResponse((r) => r.request().method() === method && new URL(r.url()).pathname.startsWith(pathPrefix));
}

before(async () => {
  stack = await startStack();
  const context = await stack.browser.newContext({ viewport: { width: 1000, height: 760 } });
  page = await context.newPage();
  page.on("console", (msg) => {
    // The outage step makes failed /api requests on purpose; the browser logs those.
    if (msg.type() === "error" && !/Failed to load resource/.test(msg.text())) browserProblems.push(msg.text());
  });
  page.on("pageerror", (err) => browserProblems.push(`uncaught: ${err.message}`));
});

after(async () => {
  await stack?.stop();
});

describe("nginx in front of the app", () => {
  it("serves index.html uncached with the security headers", async () => {
    const response = await get("/");
    assert.equal(response.status, 200);
    assert.match(response.headers.get("content-type") ?? "", /^text\/html/);
    assert.equal(response.headers.get("cache-control"), "no-cache");
    assertSecurityHeaders(response, "GET /");
    const html = await response.text();
    assert.doesNotMatch(html, /<script>(?!<\/script>)|<script(?![^>]*\bsrc=)[^>]*>|\sstyle=/, "no inline script or style in index.html");
  });

  it("serves hashed assets gzipped and cached for a year, and 404s a missing one", async () => {
    const html = await (await get("/")).text();
    const script = /<script[^>]+src="(\/assets\/[^"]+\.js)"/.exec(html)?.[1];
    assert.ok(script, "index.html loads a hashed script from /assets/");
    const response = await get(script, { headers: { "Accept-Encoding": "gzip" } });
    assert.equal(response.status, 200);
    assert.equal(response.headers.get("content-encoding"), "gzip");
    assert.equal(response.headers.get("cache-control"), "public, max-age=31536000, immutable");
    assertSecurityHeaders(response, script);

    const missing = await get("/assets/missing-0000.js");
    assert.equal(missing.status, 404, "a missing asset is not answered with index.html");
    assertSecurityHeaders(missing, "missing asset");
  });

  it("answers /healthz itself and falls back to index.html for app routes", async () => {
    const health = await get("/healthz");
    assert.equal(health.status, 200);
    assert.equal((await health.text()).trim(), "ok");
    assertSecurityHeaders(health, "/healthz");

    const deep = await get("/some/client/route");
    assert.equal(deep.status, 200);
    assert.match(await deep.text(), /<div id="root">/);
    assert.equal(deep.headers.get("cache-control"), "no-cache");
    assertSecurityHeaders(deep, "SPA fallback");
  });

  it("proxies /api to the backend with exactly one of each security header", async () => {
    const response = await get("/api/version");
    assert.equal(response.status, 200);
    assert.deepEqual(await response.json(), {
      version: stack.stamp.backendVersion,
      commit: stack.stamp.commit,
      buildTime: "unknown",
    });
    assertSecurityHeaders(response, "/api/version");
    assert.ok(!(response.headers.get("x-content-type-options") ?? "").includes(","), "X-Content-Type-Options once");

    const missing = await get("/api/tasks/999999");
    assert.equal(missing.status, 404);
    const body = /** @type {{ error: { code: string } }} */ (await missing.json());
    assert.equal(body.error.code, "not_found");
    assertSecurityHeaders(missing, "API error");
  });
});

describe("the task board in Chromium", () => {
  it("starts empty and shows which builds are deployed", async () => {
    await step("empty board", async () => {
      await page.goto(stack.nginx.url);
      await page.getByText("No tasks yet. Add the first one above.").waitFor();
      assert.equal(await page.getByTestId("frontend-version").textContent(), stack.stamp.frontendVersion);
      await page.getByTestId("backend-commit").waitFor();
      assert.equal(await page.getByTestId("backend-commit").textContent(), stack.stamp.commit);
    });
  });

  it("shows where keyboard focus is", async () => {
    await step("visible focus", async () => {
      await newTask().focus();
      await page.keyboard.press("Tab");
      const add = page.getByRole("button", { name: "Add task" });
      const outline = await add.evaluate((el) => {
        const style = el.ownerDocument.defaultView?.getComputedStyle(el);
        return { focused: el === el.ownerDocument.activeElement, style: style?.outlineStyle, width: style?.outlineWidth };
      });
      assert.deepEqual(outline, { focused: true, style: "solid", width: "3px" });
    });
  });

  it("refuses a blank title without sending it", async () => {
    await step("blank title", async () => {
      let posted = false;
      const watch = (/** @type {import("playwright-core").Request} */ r) => {
        if (r.method() === "POST") posted = true;
      };
      page.on("request", watch);
      await newTask().fill("   ");
      await newTask().press("Enter");
      await page.getByText("Enter a title.").waitFor();
      page.off("request", watch);
      assert.equal(posted, false);
      await newTask().fill("");
    });
  });

  it("adds, toggles, renames and deletes with the keyboard, and keeps it all after a reload", async () => {
    await step("add tasks", async () => {
      for (const title of ["Write the e2e test", "Buy milk", "Ship it"]) {
        const created = apiResponse("POST", "/api/tasks");
        await newTask().fill(`  ${title}  `);
        await newTask().press("Enter");
        assert.equal((await created).status(), 201);
        await checkbox(title).waitFor();
      }
      assert.deepEqual(await taskTitles(), ["Ship it", "Buy milk", "Write the e2e test"]);
    });

    await step("toggle done", async () => {
      const saved = apiResponse("PATCH", "/api/tasks/");
      await checkbox("Buy milk").focus();
      await page.keyboard.press("Space");
      assert.equal((await saved).status(), 200);
      assert.equal(await checkbox("Buy milk").isChecked(), true);
    });

    await step("rename", async () => {
      await page.getByRole("button", { name: "Rename “Write the e2e test”" }).click();
      const field = page.getByRole("textbox", { name: "New title for “Write the e2e test”" });
      await field.fill("Write the end-to-end test");
      const saved = apiResponse("PATCH", "/api/tasks/");
      await field.press("Enter");
      assert.equal((await saved).status(), 200);
      await checkbox("Write the end-to-end test").waitFor();
      const rename = page.getByRole("button", { name: "Rename “Write the end-to-end test”" });
      assert.equal(await rename.evaluate((el) => el === el.ownerDocument.activeElement), true, "focus returns to the Rename button");
    });

    await step("delete", async () => {
      const deleted = apiResponse("DELETE", "/api/tasks/");
      await page.getByRole("button", { name: "Delete “Ship it”" }).click();
      assert.equal((await deleted).status(), 204);
      await checkbox("Ship it").waitFor({ state: "detached" });
    });

    await step("reload keeps the data", async () => {
      await page.reload();
      await checkbox("Buy milk").waitFor();
      assert.deepEqual(await taskTitles(), ["Buy milk", "Write the end-to-end test"]);
      assert.equal(await checkbox("Buy milk").isChecked(), true);
      assert.equal(await checkbox("Write the end-to-end test").isChecked(), false);
      mkdirSync(artifacts, { recursive: true });
      await page.screenshot({ path: join(artifacts, "board.png"), fullPage: true });
    });
  });

  it("pages through the list with load more", async () => {
    await step("load more", async () => {
      for (let i = 1; i <= 20; i++) {
        const response = await get("/api/tasks", {
          method: "POST",
          headers: { "Content-Type": "application/json" },
          body: JSON.stringify({ title: `Bulk task ${String(i).padStart(2, "0")}` }),
        });
        assert.equal(response.status, 201);
      }
      await page.reload();
      await checkbox("Bulk task 20").waitFor();
      assert.equal((await taskTitles()).length, 20, "the first page holds 20 tasks");
      const more = apiResponse("GET", "/api/tasks");
      await page.getByRole("button", { name: "Load more" }).click();
      assert.match(new URL((await more).url()).search, /cursor=/);
      await checkbox("Write the end-to-end test").waitFor();
      assert.equal((await taskTitles()).length, 22);
      await page.getByRole("button", { name: "Load more" }).waitFor({ state: "detached" });
    });
  });

  it("says so when the backend is down, rolls back changes, and recovers on retry", async () => {
    await step("rollback while down", async () => {
      await stack.backend.down();
      await checkbox("Bulk task 20").click();
      await page.getByRole("alert").filter({ hasText: "Could not update “Bulk task 20”" }).waitFor();
      assert.equal(await checkbox("Bulk task 20").isChecked(), false, "the optimistic toggle is rolled back");
    });

    await step("error state", async () => {
      await page.reload();
      const alert = page.getByRole("alert").filter({ hasText: "Tasks could not be loaded" });
      await alert.waitFor();
      assert.match(await alert.textContent() ?? "", /The task service is unavailable/);
      await page.getByTestId("backend-unavailable").waitFor();
    });

    await step("retry recovers", async () => {
      await stack.backend.up();
      await page.getByRole("button", { name: "Retry" }).click();
      await checkbox("Bulk task 20").waitFor();
      await page.getByTestId("backend-commit").waitFor();
      assert.equal(await page.getByRole("alert").count(), 0);
    });
  });

  it("ran without console errors or CSP violations", () => {
    assert.deepEqual(browserProblems, []);
  });
});
