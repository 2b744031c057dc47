import { describe, expect, it } from "vitest";
import { checkTitle, TITLE_MAX_LENGTH } from "./validation";

describe("checkTitle", () => {
  it("trims the title", () => {
    expect(checkTitle("  Buy milk \n")).toEqual({ ok: true, title: "Buy milk" });
  });

  it("rejects an empty or blank title", () => {
    expect(checkTitle("")).toEqual({ ok: false, message: "Enter a title." });
    expect(checkTitle("   \t ")).toEqual({ ok: false, message: "Enter a title." });
  });

  it("accepts exactly the maximum and rejects one more", () => {
    expect(checkTitle("a".repeat(TITLE_MAX_LENGTH))).toEqual({ ok: true, title: "a".repeat(TITLE_MAX_LENGTH) });
    expect(checkTitle("a".repeat(TITLE_MAX_LENGTH + 1))).toEqual({
      ok: false,
      message: "Keep the title to 200 characters (it has 201).",
    });
  });

  it("rejects control characters inside the title, like the backend", () => {
    expect(checkTitle("two\tcolumns")).toEqual({ ok: false, message: "Remove tabs, line breaks and other control characters." });
    expect(checkTitle("line\nbreak").ok).toBe(false);
  });

  it("counts characters, not UTF-16 units", () => {
    const emoji = "😀".repeat(TITLE_MAX_LENGTH);
    expect(emoji.length).toBe(2 * TITLE_MAX_LENGTH);
    expect(checkTitle(emoji).ok).toBe(true);
  });
});
