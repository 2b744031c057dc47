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
    it.skip("is skipped", () => {});
    it.todo("is a todo");
  });
});
