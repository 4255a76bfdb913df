import { describe, expect, it } from "vitest";
import { trappedFocusTarget } from "./focus-trap";

describe("trappedFocusTarget", () => {
  it("wraps at both ends", () => {
    expect(trappedFocusTarget(2, 3, false)).toBe(0);
    expect(trappedFocusTarget(0, 3, true)).toBe(2);
  });
  it("lets the browser move focus in the middle", () => {
    expect(trappedFocusTarget(0, 3, false)).toBeNull();
    expect(trappedFocusTarget(1, 3, true)).toBeNull();
  });
  it("brings focus from outside back in", () => {
    expect(trappedFocusTarget(-1, 3, false)).toBe(0);
    expect(trappedFocusTarget(-1, 3, true)).toBe(2);
  });
  it("does nothing without focusable elements", () => {
    expect(trappedFocusTarget(-1, 0, false)).toBeNull();
  });
});
