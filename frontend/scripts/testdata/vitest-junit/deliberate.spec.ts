// FIXTURE, not a test of this repository: run only by scripts/junit-report.test.ts, never by
// `npm test` (whose include is *.test.ts). One passing, one deliberately failing, one skipped and
// one todo test, two of them nested: the skip and the todo are on purpose, so that the JUnit's
// skip count is checked against Vitest's own summary. Nothing is missing when they skip.
import { describe, expect, it } from "vitest";

describe("fixture", () => {
  it("passes", () => {
    expect(1 + 1).toBe(2);
  });

  it("fails on purpose", () => {
    expect(1 + 1, "deliberate failure").toBe(3);
  });

  describe("nested", () => {
    // FIXTURE: skipped and todo on purpose (not a missing prerequisite): the JUnit must count
    // both as skipped, as Vitest's summary does.
    it.skip("is skipped on purpose, to count skips", () => {});
    it.todo("is a todo on purpose, to count todos");
  });
});
