// Why: "Live · 05:37:25 AM" read like a frozen clock; the header says how long ago instead.
import { describe, expect, it } from "vitest";
import { lastChangeText } from "./last-change";

const at = "2026-01-01T10:00:00.000Z";
const t = Date.parse(at);

describe("lastChangeText", () => {
  it("counts up from the last change", () => {
    expect(lastChangeText(at, t + 1_000)).toBe("just now");
    expect(lastChangeText(at, t + 12_000)).toBe("12 s ago");
    expect(lastChangeText(at, t + 125_000)).toBe("2 min ago");
    expect(lastChangeText(at, t + 3 * 3_600_000)).toBe("3 h ago");
  });

  it("never says a change is in the future (clocks differ slightly), and ignores a bad time", () => {
    expect(lastChangeText(at, t - 30_000)).toBe("just now");
    expect(lastChangeText("not a time", t)).toBe("");
  });
});
