// @vitest-environment node
// The size budget must be able to fail the build: run the real script on small
// fake builds, one under and one over a budget.
import { spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";

const script = join(import.meta.dirname, "check-bundle-size.mjs");
const dirs: string[] = [];

/** A fake dist/ whose index.html loads one script of `bytes` incompressible bytes, plus a lazy chunk. */
function fakeDist(bytes: number): string {
  const dist = mkdtempSync(join(tmpdir(), "bundle-size-"));
  dirs.push(dist);
  mkdirSync(join(dist, "assets"));
  writeFileSync(join(dist, "index.html"), '<script type="module" crossorigin src="/assets/index-abc.js"></script>');
  writeFileSync(join(dist, "assets", "index-abc.js"), randomBytes(bytes).toString("base64"));
  writeFileSync(join(dist, "assets", "lazy-def.js"), randomBytes(200 * 1024).toString("base64"));
  return dist;
}

function check(dist: string, budgetKb: number) {
  return spawnSync(process.execPath, [script, "--dist", dist, "--budget-kb", String(budgetKb)], { encoding: "utf8" });
}

afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

describe("check-bundle-size", () => {
  it("passes and reports the gzipped size under the budget, ignoring lazy chunks", () => {
    const result = check(fakeDist(8 * 1024), 20);
    expect(result.status).toBe(0);
    expect(result.stdout).toMatch(/initial\s+[\d.]+ KB gzip\s+assets\/index-abc\.js/);
    expect(result.stdout).toMatch(/lazy\s+[\d.]+ KB gzip\s+assets\/lazy-def\.js/);
    expect(result.stdout).toMatch(/Initial JavaScript: [\d.]+ KB gzipped \(budget 20\.0 KB\)\./);
  });

  it("fails the build when the initial JavaScript is over the budget", () => {
    const result = check(fakeDist(40 * 1024), 20);
    expect(result.status).toBe(1);
    expect(result.stderr).toMatch(/initial JavaScript is [\d.]+ KB over the budget/);
  });

  it("fails when index.html loads no script", () => {
    const dist = fakeDist(1024);
    writeFileSync(join(dist, "index.html"), "<p>empty</p>");
    const result = check(dist, 20);
    expect(result.status).toBe(1);
    expect(result.stderr).toMatch(/loads no script/);
  });
});
