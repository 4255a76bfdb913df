import { describe, expect, it } from "vitest";
import { clampTerminalSize, sameSize } from "./terminal-size";

describe("terminal size", () => {
  it("clamps to what the server accepts", () => {
    expect(clampTerminalSize({ cols: 5, rows: 1 })).toEqual({ cols: 10, rows: 2 });
    expect(clampTerminalSize({ cols: 900, rows: 400 })).toEqual({ cols: 500, rows: 200 });
    expect(clampTerminalSize({ cols: 120.7, rows: 30 })).toEqual({ cols: 120, rows: 30 });
    expect(clampTerminalSize({ cols: Number.NaN, rows: 30 })).toEqual({ cols: 10, rows: 30 });
  });
  it("compares sizes", () => {
    expect(sameSize(null, { cols: 1, rows: 1 })).toBe(false);
    expect(sameSize({ cols: 80, rows: 24 }, { cols: 80, rows: 24 })).toBe(true);
  });
});
