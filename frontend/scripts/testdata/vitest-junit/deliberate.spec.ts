// Run only by scripts/junit-report.test.ts, never by `npm test` (whose include is *.test.ts):
// one passing, one deliberately failing, one skipped and one todo test, two of them nested.
import { describe, expect, it } from "vitest";

describe("fixture", () => {
  it("passes", () => {
    expect(1 + 1).toBe(2);
  });

  it("fails on purpose", () => {
    expect(1 + 1, "deliberate failure").toBe(3);
  });

  describe("nested", () => {
    // Skipped and todo on purpose: the JUnit must count both as skipped, as Vitest's summary does.
    it.skip("is skipped on purpose, to count skips", () => {});
    it.todo("is a todo on purpose, to count todos");
  });
});
