import { describe, expect, it } from "vitest";
import { clampSize, dockedPaneSize, dragSize, parseStoredSize } from "./split-size";

describe("pane sizes", () => {
  it("clamps", () => {
    expect(clampSize(50, 100, 400)).toBe(100);
    expect(clampSize(500, 100, 400)).toBe(400);
    expect(clampSize(250.6, 100, 400)).toBe(251);
    expect(clampSize(300, 100, 50)).toBe(100);
    expect(clampSize(Number.NaN, 100, 400)).toBe(100);
  });

  it("grows a bottom pane when its separator is dragged up", () => {
    expect(dragSize(200, -50, -1, 100, 600)).toBe(250);
    expect(dragSize(200, 50, -1, 100, 600)).toBe(150);
    expect(dragSize(300, 40, 1, 200, 500)).toBe(340);
  });

  it("parses stored sizes defensively", () => {
    expect(parseStoredSize("320", 200)).toBe(320);
    expect(parseStoredSize(null, 200)).toBe(200);
    expect(parseStoredSize("abc", 200)).toBe(200);
    expect(parseStoredSize("-5", 200)).toBe(200);
  });
});

describe("dockedPaneSize", () => {
  const limits = { min: 120, max: 640, share: 0.36, maxShare: 0.5 };

  it("takes a share of the window until the learner chooses a size", () => {
    expect(dockedPaneSize(null, 900, limits)).toEqual({ size: 324, max: 450 });
    expect(dockedPaneSize(null, 700, limits)).toEqual({ size: 252, max: 350 });
    expect(dockedPaneSize(null, 300, limits)).toEqual({ size: 120, max: 150 });
  });

  it("keeps a chosen size, but never more than half the window", () => {
    expect(dockedPaneSize(400, 900, limits)).toEqual({ size: 400, max: 450 });
    expect(dockedPaneSize(400, 700, limits)).toEqual({ size: 350, max: 350 });
    expect(dockedPaneSize(100, 900, limits).size).toBe(120);
    expect(dockedPaneSize(600, 4000, limits)).toEqual({ size: 600, max: 640 });
  });

  it("survives a window with no size yet", () => {
    expect(dockedPaneSize(null, 0, limits)).toEqual({ size: 120, max: 120 });
    expect(dockedPaneSize(null, Number.NaN, limits).size).toBe(120);
  });
});
