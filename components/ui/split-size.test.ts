import { describe, expect, it } from "vitest";
import { clampSize, defaultPaneSize, dragSize, parseStoredSize } from "./split-size";

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

describe("defaultPaneSize", () => {
  it("takes a share of the window, within the pane's limits", () => {
    expect(defaultPaneSize(900, 0.36, 120, 640)).toBe(324);
    expect(defaultPaneSize(300, 0.36, 120, 640)).toBe(120);
    expect(defaultPaneSize(4000, 0.36, 120, 640)).toBe(640);
    expect(defaultPaneSize(Number.NaN, 0.36, 120, 640)).toBe(120);
  });
});
