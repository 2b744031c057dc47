// @vitest-environment node
// The JUnit that validate-reports publishes must hold what Vitest itself counted: run Vitest
// with the reporters of `npm run test:reports` on a fixture with a deliberate failure, then
// compare the JUnit file with Vitest's own JSON summary of the same run.
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";

const frontend = join(import.meta.dirname, "..");
const fixture = join(import.meta.dirname, "testdata", "vitest-junit");
const out = mkdtempSync(join(tmpdir(), "vitest-junit-"));
afterAll(() => rmSync(out, { recursive: true, force: true }));

function count(xml: string, element: string): number {
  return (xml.match(new RegExp(`<${element}[\\s>/]`, "g")) ?? []).length;
}

describe("Vitest JUnit report", () => {
  it("is what test:reports asks for", () => {
    const pkg = JSON.parse(readFileSync(join(frontend, "package.json"), "utf8"));
    expect(pkg.scripts["test:reports"]).toMatch(/--reporter=junit\b.*--reporter=json\b.*--coverage\b/);
  });

  it("counts the tests, failures and skips Vitest's own summary reports", () => {
    const vitest = join(frontend, "node_modules", "vitest", "vitest.mjs");
    const args = [
      vitest, "run", "--root", fixture, "--config", join(fixture, "vitest.config.mjs"),
      "--reporter=junit", `--outputFile.junit=${join(out, "junit.xml")}`,
      "--reporter=json", `--outputFile.json=${join(out, "summary.json")}`,
    ];
    const run = spawnSync(process.execPath, args, { encoding: "utf8", env: { ...process.env, CI: "true" } });
    expect(run.status, run.stderr).toBe(1);

    const summary = JSON.parse(readFileSync(join(out, "summary.json"), "utf8"));
    expect(summary.numTotalTests).toBe(4);
    expect(summary.numFailedTests).toBe(1);
    const xml = readFileSync(join(out, "junit.xml"), "utf8");
    expect(count(xml, "testcase")).toBe(summary.numTotalTests);
    expect(count(xml, "failure")).toBe(summary.numFailedTests);
    expect(count(xml, "skipped")).toBe(summary.numPendingTests + summary.numTodoTests);
    expect(xml).toMatch(/<testcase[^>]*name="fixture &gt; fails on purpose"[^>]*>\s*<failure message="deliberate failure/);
    expect(xml).toMatch(/<testcase[^>]*name="fixture &gt; nested &gt; is skipped on purpose, to count skips"[^>]*>\s*<skipped/);
  });
});
